/**
 * Seeded splits: i.i.d. train/test, and "k labelled samples per class" for the few-labels settings of the
 * lecture (target-only vs source + a few target labels).
 */
import * as tf from "@tensorflow/tfjs";
import { Random } from "./random";
import { Labels, Matrix, toLabels, toTensor2D } from "./tensor";
import { ShapeMismatchError } from "./errors";

export interface IndexSplit {
  /** row indices of the first part (train / labelled) */
  train: Int32Array;
  /** row indices of the rest (test / unlabelled) */
  test: Int32Array;
}

/** A stratified random split: `testFraction` of each class goes to the test part. */
export function trainTestSplit(y: Labels, options: { testFraction?: number; seed?: number } = {}): IndexSplit {
  const labels = toLabels(y, "y");
  const frac = options.testFraction ?? 0.3;
  if (!(frac > 0 && frac < 1)) throw new Error(`trainTestSplit: testFraction must be in (0, 1), got ${frac}`);
  const rng = new Random(options.seed ?? 0);
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
export function labelledPerClass(y: Labels, perClass: number, seed = 0): IndexSplit {
  const labels = toLabels(y, "y");
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`labelledPerClass: perClass must be a positive integer, got ${perClass}`);
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

/** Rows of `X` at `indices`, as a new tensor. */
export function takeRows(X: Matrix, indices: ArrayLike<number>): tf.Tensor2D {
  const t = toTensor2D(X, "X");
  const index = tf.tensor1d(Array.from(indices), "int32");
  const out = tf.gather(t, index) as tf.Tensor2D;
  index.dispose();
  if (t !== X) t.dispose();
  return out;
}

/** Entries of `y` at `indices`. */
export function takeLabels(y: Labels, indices: ArrayLike<number>): Int32Array {
  const labels = toLabels(y, "y");
  return Int32Array.from(Array.from(indices), (i) => labels[i]);
}

/** Stack two labelled sets (e.g. source + the few labelled target samples). */
export function concatDomains(a: { X: tf.Tensor2D; y: ArrayLike<number> }, b: { X: tf.Tensor2D; y: ArrayLike<number> }): { X: tf.Tensor2D; y: Int32Array } {
  if (a.X.shape[1] !== b.X.shape[1]) throw new ShapeMismatchError(`concatDomains: ${a.X.shape[1]} vs ${b.X.shape[1]} features`);
  return { X: tf.concat([a.X, b.X], 0), y: Int32Array.from([...Array.from(a.y), ...Array.from(b.y)]) };
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
