/**
 * Seeded splits: i.i.d. train/test, and "k labelled samples per class" for the few-labels settings of the
 * lecture (target-only vs source + a few target labels); row selection, stacking, and a label encoder for
 * string classes.
 */
import * as tf from "./tf";
import { Random } from "./random";
import { Labels, Matrix, toLabels, toTensor2D } from "./tensor";
import { InvalidOptionError, NotFittedError, ShapeMismatchError, TransferlabError } from "./errors";
import { checkOptions } from "./options";

/** Defaults of the split helpers' options objects. */
export const SPLIT_DEFAULTS = { testFraction: 0.3, seed: 0 };

export interface TrainTestSplitOptions {
  /** share of each class that goes to the test part, in (0, 1); default 0.3 */
  testFraction?: number;
  /** default 0 */
  seed?: number;
}

export interface LabelledPerClassOptions {
  /** default 0 */
  seed?: number;
}

export interface IndexSplit {
  /** row indices of the first part (train / labelled) */
  train: Int32Array;
  /** row indices of the rest (test / unlabelled) */
  test: Int32Array;
}

/** A stratified random split: `testFraction` of each class goes to the test part. */
export function trainTestSplit(y: Labels, options?: TrainTestSplitOptions): IndexSplit {
  const o = checkOptions("trainTestSplit", options, SPLIT_DEFAULTS);
  const labels = toLabels(y, "y");
  const frac = o.testFraction;
  if (!(frac > 0 && frac < 1)) throw new InvalidOptionError(`trainTestSplit: option "testFraction" must be in (0, 1), got ${frac}`);
  const rng = new Random(o.seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of byClass(labels).values()) {
    const perm = rng.permutation(idx.length);
    const nTest = Math.max(1, Math.round(idx.length * frac));
    perm.forEach((p, i) => (i < nTest && idx.length > 1 ? test : train).push(idx[p]));
  }
  return { train: sorted(train), test: sorted(test) };
}

/**
 * `perClass` labelled samples of every class, chosen at random (seeded); the rest is `test`. A class with
 * too few samples is an error naming it, since the comparison would silently change meaning.
 */
export function labelledPerClass(y: Labels, perClass: number, options?: LabelledPerClassOptions | number): IndexSplit {
  // a number is the seed, the form before options objects (kept for the notebooks)
  const { seed } = checkOptions("labelledPerClass", typeof options === "number" ? { seed: options } : options, { seed: SPLIT_DEFAULTS.seed });
  const labels = toLabels(y, "y");
  if (!Number.isInteger(perClass) || perClass < 1) throw new InvalidOptionError(`labelledPerClass: perClass must be a positive integer, got ${perClass}`);
  const rng = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const [c, idx] of byClass(labels)) {
    if (idx.length <= perClass) {
      throw new Error(`labelledPerClass: class ${c} has ${idx.length} samples, fewer than perClass + 1 = ${perClass + 1}`);
    }
    const perm = rng.permutation(idx.length);
    perm.forEach((p, i) => (i < perClass ? train : test).push(idx[p]));
  }
  return { train: sorted(train), test: sorted(test) };
}

/** The row indices as integers in [0, rows): an array, a typed array, or a 1-D tensor (read). */
function rowIndices(indices: ArrayLike<number> | tf.Tensor, rows: number, where: string): number[] {
  let list: number[];
  if (indices instanceof tf.Tensor) {
    if (indices.rank !== 1) throw new ShapeMismatchError(`${where}: indices must be 1-D, got a tensor of shape [${indices.shape.join(", ")}]`);
    list = Array.from(indices.dataSync());
  } else if (indices !== null && typeof indices === "object" && typeof (indices as ArrayLike<number>).length === "number") {
    list = Array.from(indices);
  } else {
    throw new TransferlabError(`${where}: indices must be an array, a typed array or a 1-D tensor of row numbers, got ${typeof indices}`);
  }
  list.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= rows) throw new ShapeMismatchError(`${where}: indices[${k}] = ${i} is not a row of X (0 … ${rows - 1})`);
  });
  return list;
}

/** Rows of `X` at `indices` (an array or a 1-D tensor of row numbers), as a new tensor. */
export function takeRows(X: Matrix, indices: ArrayLike<number> | tf.Tensor1D): tf.Tensor2D {
  const t = toTensor2D(X, "X");
  let list: number[];
  try {
    list = rowIndices(indices, t.shape[0], "takeRows");
  } catch (e) {
    if (t !== X) t.dispose();
    throw e;
  }
  const index = tf.tensor1d(list, "int32");
  const out = tf.gather(t, index) as tf.Tensor2D;
  index.dispose();
  if (t !== X) t.dispose();
  return out;
}

/** Entries of `y` at `indices` (an array or a 1-D tensor of row numbers). */
export function takeLabels(y: Labels, indices: ArrayLike<number> | tf.Tensor1D): Int32Array {
  const labels = toLabels(y, "y");
  return Int32Array.from(rowIndices(indices, labels.length, "takeLabels"), (i) => labels[i]);
}

/** Stack two labelled sets (e.g. source + the few labelled target samples); X as tensors or number[][]. */
export function concatDomains(a: { X: Matrix; y: Labels }, b: { X: Matrix; y: Labels }): { X: tf.Tensor2D; y: Int32Array } {
  for (const [d, name] of [[a, "a"], [b, "b"]] as const) {
    if (d === null || typeof d !== "object" || !("X" in d) || !("y" in d)) throw new TransferlabError(`concatDomains: ${name} must be { X, y }`);
  }
  const A = toTensor2D(a.X, "a.X"), B = toTensor2D(b.X, "b.X");
  try {
    if (A.shape[1] !== B.shape[1]) throw new ShapeMismatchError(`concatDomains: a.X has ${A.shape[1]} features but b.X has ${B.shape[1]}`);
    const ya = toLabels(a.y, "a.y"), yb = toLabels(b.y, "b.y");
    if (ya.length !== A.shape[0]) throw new ShapeMismatchError(`concatDomains: a.y has ${ya.length} labels for ${A.shape[0]} rows of a.X`);
    if (yb.length !== B.shape[0]) throw new ShapeMismatchError(`concatDomains: b.y has ${yb.length} labels for ${B.shape[0]} rows of b.X`);
    return { X: tf.concat([A, B], 0), y: Int32Array.from([...ya, ...yb]) };
  } finally {
    if (A !== a.X) A.dispose();
    if (B !== b.X) B.dispose();
  }
}

/**
 * Class names (strings, or any values) ↔ the integer labels the methods take: `fit` learns the classes in sorted
 * order, `encode` maps values to 0 … k − 1, `decode` maps predictions back.
 */
export class LabelEncoder<T extends string | number = string> {
  /** the classes, sorted; index = integer label */
  classes: T[] = [];
  private index = new Map<T, number>();

  fit(values: ArrayLike<T>): this {
    this.classes = [...new Set(Array.from(values))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.index = new Map(this.classes.map((c, i) => [c, i]));
    return this;
  }

  encode(values: ArrayLike<T>): Int32Array {
    if (this.classes.length === 0) throw new NotFittedError("LabelEncoder.encode: call fit first");
    return Int32Array.from(Array.from(values), (v, i) => {
      const k = this.index.get(v);
      if (k === undefined) throw new ShapeMismatchError(`LabelEncoder.encode: values[${i}] = ${JSON.stringify(v)} is not a class seen by fit (${this.classes.map((c) => JSON.stringify(c)).join(", ")})`);
      return k;
    });
  }

  fitEncode(values: ArrayLike<T>): Int32Array {
    return this.fit(values).encode(values);
  }

  decode(labels: ArrayLike<number>): T[] {
    if (this.classes.length === 0) throw new NotFittedError("LabelEncoder.decode: call fit first");
    return Array.from(labels, (k, i) => {
      if (!Number.isInteger(k) || k < 0 || k >= this.classes.length) throw new ShapeMismatchError(`LabelEncoder.decode: labels[${i}] = ${k} is not in 0 … ${this.classes.length - 1}`);
      return this.classes[k];
    });
  }
}

function byClass(labels: Int32Array): Map<number, number[]> {
  const m = new Map<number, number[]>();
  labels.forEach((c, i) => {
    const list = m.get(c);
    if (list) list.push(i);
    else m.set(c, [i]);
  });
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}
