/** What every base learner offers, so that adaptation methods can take any of them (`learner` option). */
import * as tf from "../tf";
import { Labels, Matrix, toLabels } from "../tensor";
import { InvalidOptionError, ShapeMismatchError } from "../errors";

export interface Classifier {
  /** Train on the rows of X with integer labels y; `sampleWeight` (one non-negative weight per row) where supported. */
  fit(X: Matrix, y: Labels, sampleWeight?: ArrayLike<number>): Promise<this>;
  /** One label per row of X, in the training labels' own values (e.g. 1..10), not re-indexed. */
  predict(X: Matrix): Promise<Int32Array>;
  /** Class probabilities (rows: samples, columns: `classes` in ascending order); the caller disposes the tensor. */
  predictProba?(X: Matrix): Promise<tf.Tensor2D>;
}

/** A base learner: an instance (refitted each time it is used) or a factory of fresh ones (methods that train
 * several, like TrAdaBoost, call it per round). */
export type LearnerOption = Classifier | (() => Classifier);

/**
 * The distinct classes of source labels, sorted; a single class is an error (the same one for every method):
 * transfer needs at least two classes to tell apart.
 */
export function requireTwoClasses(labels: ArrayLike<number>, argName: string, where: string): Int32Array {
  const classes = Int32Array.from(new Set(Array.from(labels))).sort();
  if (classes.length < 2) {
    throw new ShapeMismatchError(`${where}: ${argName} has a single class (${classes.length === 0 ? "none" : JSON.stringify(classes[0])}); the methods need at least two classes in the source labels`);
  }
  return classes;
}

/** The sorted distinct labels and, for each sample, the index of its label in `classes`. */
export function encodeLabels(y: Labels, argName = "y"): { classes: Int32Array; index: Int32Array } {
  const labels = toLabels(y, argName);
  const classes = Int32Array.from(new Set(labels)).sort();
  const position = new Map<number, number>();
  classes.forEach((c, i) => position.set(c, i));
  const index = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) index[i] = position.get(labels[i])!;
  return { classes, index };
}

/** Checks one finite, non-negative weight per sample with a positive sum; returns them as a Float64Array
 * (all ones when `sampleWeight` is undefined). */
export function checkSampleWeight(sampleWeight: ArrayLike<number> | undefined, n: number, where: string): Float64Array {
  if (sampleWeight === undefined) return new Float64Array(n).fill(1);
  if (sampleWeight instanceof tf.Tensor) {
    throw new InvalidOptionError(`${where}: sampleWeight must be an array or typed array of numbers, not a tensor; pass await w.data()`);
  }
  if (sampleWeight === null || typeof sampleWeight !== "object" || typeof sampleWeight.length !== "number") {
    throw new InvalidOptionError(`${where}: sampleWeight must be an array or typed array of numbers, got ${sampleWeight === null ? "null" : typeof sampleWeight}`);
  }
  if (sampleWeight.length !== n) {
    throw new ShapeMismatchError(`${where}: sampleWeight has ${sampleWeight.length} entries but X has ${n} rows; give one weight per sample`);
  }
  const w = Float64Array.from(sampleWeight);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(w[i]) && w[i] >= 0)) throw new Error(`${where}: sampleWeight[${i}] = ${w[i]} must be a finite number ≥ 0`);
    total += w[i];
  }
  if (!(total > 0)) throw new Error(`${where}: sampleWeight sums to 0; at least one sample needs a positive weight`);
  return w;
}

/** Throws unless `labels` has one entry per row of X. */
export function checkLabelCount(labels: ArrayLike<number>, rows: number, where: string): void {
  if (labels.length !== rows) throw new ShapeMismatchError(`${where}: y has ${labels.length} labels but X has ${rows} rows; give one label per sample`);
}
