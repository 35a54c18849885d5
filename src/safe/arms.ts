/**
 * Ready-made target arms (lecture section 12, 负迁移): the learners that a negative transfer gap
 * (Wang et al., "Characterizing and Avoiding Negative Transfer", CVPR 2019) and the SafeTransfer guard compare —
 * target only, the source pooled with the labelled target samples (in the input space or in a space a
 * feature-based method learned), and TrAdaBoost. Notebook 08 wrote each as a closure with its own tensor
 * bookkeeping; here every arm owns the tensors it makes and frees them before it returns, so a caller
 * disposes nothing.
 */
import * as tf from "../tf";
import { LogisticRegression } from "../classifiers/logisticRegression";
import { OneNearestNeighbor } from "../classifiers/nearestNeighbor";
import { TrAdaBoost, type TrAdaBoostOptions } from "../instance/trAdaBoost";
import { concatDomains, takeRows } from "../splits";
import type { TargetArm } from "./guard";

/** A learner as an arm uses it: trained on (X, y), the labels of Xtest. */
export type RowLearner = (X: tf.Tensor2D, y: Int32Array, Xtest: tf.Tensor2D) => Promise<Int32Array>;

/** Logistic regression with its defaults (the lecture's plain baseline). */
export const logisticRegressionLearner: RowLearner = async (X, y, Xtest) => (await new LogisticRegression().fit(X, y)).predict(Xtest);

/** 1-nearest neighbour (the protocol of TCA and JDA's papers in their learned space). */
export const nearestNeighborLearner: RowLearner = async (X, y, Xtest) => (await new OneNearestNeighbor().fit(X, y)).predict(Xtest);

/** The target domain's rows, taken for one call and freed after it. */
async function withRows<T>(target: { X: tf.Tensor2D }, rows: Int32Array[], use: (...parts: tf.Tensor2D[]) => Promise<T>): Promise<T> {
  const parts = rows.map((r) => takeRows(target.X, r));
  try {
    return await use(...parts);
  } finally {
    tf.dispose(parts);
  }
}

/** A(∅, T): the learner on the labelled target rows alone. */
export function targetOnlyArm(target: { X: tf.Tensor2D }, learner: RowLearner = logisticRegressionLearner): TargetArm {
  return (train, test) => withRows(target, [train.rows, test], (Xl, Xt) => learner(Xl, train.y, Xt));
}

/**
 * A(S, T) by pooling: the learner on the source and the labelled target rows together. For a learned
 * space, pass the transformed domains: `pooledArm({ X: Zs, y: ys }, { X: Zt }, nearestNeighborLearner)`.
 */
export function pooledArm(source: { X: tf.Tensor2D; y: ArrayLike<number> }, target: { X: tf.Tensor2D }, learner: RowLearner = logisticRegressionLearner): TargetArm {
  if (source.X.shape[1] !== target.X.shape[1]) {
    throw new Error(`pooledArm: the source has ${source.X.shape[1]} features and the target ${target.X.shape[1]}: pool them in one space`);
  }
  return (train, test) => withRows(target, [train.rows, test], async (Xl, Xt) => {
    const both = concatDomains(source, { X: Xl, y: train.y });
    try {
      return await learner(both.X, both.y, Xt);
    } finally {
      both.X.dispose();
    }
  });
}

/** A(S, T) by TrAdaBoost over the source and the labelled target rows (options as `new TrAdaBoost(options)`). */
export function trAdaBoostArm(source: { X: tf.Tensor2D; y: ArrayLike<number> }, target: { X: tf.Tensor2D }, options: TrAdaBoostOptions = {}): TargetArm {
  return (train, test) => withRows(target, [train.rows, test], (Xl, Xt) => new TrAdaBoost(options).fitPredict(source.X, source.y, Xl, train.y, Xt));
}
