/**
 * What the instance-based methods share: input checks that name the argument, and the `learner` option
 * (a base learner that must honour sample weights, since re-weighting samples is all these methods do).
 */
import * as tf from "../tf";
import { Classifier } from "../classifiers/classifier";
import { LogisticRegression } from "../classifiers/logisticRegression";
import { OneNearestNeighbor } from "../classifiers/nearestNeighbor";
import { Labels, Matrix, assertFinite, toLabels, toTensor2D } from "../tensor";

import type { LearnerOption } from "../classifiers/classifier";
export type { LearnerOption };

/**
 * `X` as a tensor with at least one row and finite values; `owned` says whether the caller must dispose it
 * (true when it was built from number[][]). Errors name `where` and `argName`.
 */
export function checkDomain(X: Matrix, argName: string, where: string): { t: tf.Tensor2D; owned: boolean } {
  let t: tf.Tensor2D;
  try {
    t = toTensor2D(X, argName);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const owned = t !== X;
  try {
    if (t.shape[0] === 0) throw new Error(`${where}: ${argName} is empty: it needs at least one row (sample)`);
    if (t.shape[1] === 0) throw new Error(`${where}: ${argName} has no columns (features)`);
    try {
      assertFinite(t, argName);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  } catch (e) {
    if (owned) t.dispose();
    throw e;
  }
  return { t, owned };
}

/** Throws unless `X` has `d` columns, naming both arguments. */
export function checkFeatures(X: tf.Tensor2D, d: number, argName: string, refName: string, where: string): void {
  if (X.shape[1] !== d) {
    throw new Error(`${where}: ${argName} has ${X.shape[1]} features (columns) but ${refName} has ${d}; they must match`);
  }
}

/** Integer labels, one per row, named in errors. */
export function checkLabels(y: Labels, rows: number, argName: string, rowsName: string, where: string): Int32Array {
  let labels: Int32Array;
  try {
    labels = toLabels(y, argName);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  if (labels.length !== rows) {
    throw new Error(`${where}: ${argName} has ${labels.length} labels but ${rowsName} has ${rows} rows; give one label per sample`);
  }
  return labels;
}

/** Throws when `labels` holds a class that `known` lacks (e.g. a target class the source never shows). */
export function checkKnownClasses(labels: Int32Array, known: Int32Array, argName: string, knownName: string, where: string): void {
  const set = new Set(known);
  const unknown = Array.from(new Set(labels)).filter((c) => !set.has(c)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new Error(`${where}: ${argName} holds class ${unknown.join(", ")} that ${knownName} never shows ` +
      `(classes there: ${Array.from(set).sort((a, b) => a - b).join(", ")}); the domains must share their label set`);
  }
}

/**
 * Throws unless `learner` trains with sample weights. A learner says so with `supportsSampleWeight`; without
 * that flag, OneNearestNeighbor is known to ignore them and a `fit` declared with fewer than 3 parameters
 * cannot receive them.
 */
export function requireSampleWeights(learner: Classifier, where: string): void {
  const flag = (learner as { supportsSampleWeight?: unknown }).supportsSampleWeight;
  const name = learner?.constructor?.name ?? "the learner";
  if (learner === null || typeof learner !== "object" || typeof learner.fit !== "function" || typeof learner.predict !== "function") {
    throw new Error(`${where}: option "learner" must be a classifier with fit(X, y, sampleWeight) and predict(X), or a function returning one`);
  }
  if (flag === false || (flag === undefined && learner instanceof OneNearestNeighbor)) {
    throw new Error(`${where}: option "learner" (${name}) ignores sample weights, but this method only works through them; ` +
      "use a weighted learner such as LogisticRegression or DecisionTree");
  }
  if (flag === undefined && learner.fit.length < 3) {
    throw new Error(`${where}: option "learner" (${name}) has fit(X, y) without a sampleWeight argument; ` +
      "this method needs a learner that takes fit(X, y, sampleWeight)");
  }
}

/** Our classifiers keep their constructor options in `options`: a fresh copy is `new Ctor(options)`. */
function cloneByOptions(learner: Classifier, where: string): () => Classifier {
  const ctor = learner.constructor as new (options?: unknown) => Classifier;
  const options = (learner as { options?: unknown }).options;
  if (typeof ctor !== "function" || options === undefined || (ctor as unknown) === Object) {
    throw new Error(`${where}: option "learner" must be a function returning a fresh classifier (e.g. () => new MyLearner()) ` +
      "because this method trains one per round and cannot copy this one");
  }
  return () => new ctor(options);
}

/**
 * A factory of fresh, weight-honouring learners from the `learner` option: a function is called each time; an
 * instance of a transferlab classifier is copied through its options; undefined gives `fallback`.
 * The first learner is checked at once, so a wrong option fails before any training.
 */
export function learnerFactory(option: LearnerOption | undefined, where: string, fallback: () => Classifier = () => new LogisticRegression()): () => Classifier {
  let factory: () => Classifier;
  if (option === undefined) factory = fallback;
  else if (typeof option === "function") factory = option as () => Classifier;
  else {
    requireSampleWeights(option, where);
    factory = cloneByOptions(option, where);
  }
  requireSampleWeights(factory(), where);
  return () => {
    const learner = factory();
    requireSampleWeights(learner, where);
    return learner;
  };
}

/** The one learner of methods that train once (KMM, KLIEP): the given instance itself, or a fresh one. */
export function singleLearner(option: LearnerOption | undefined, where: string): Classifier {
  const learner = option === undefined ? new LogisticRegression() : typeof option === "function" ? (option as () => Classifier)() : option;
  requireSampleWeights(learner, where);
  return learner;
}

/** Row-major Float64 copy of a tensor's values. */
export async function toFloat64Array(t: tf.Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}
