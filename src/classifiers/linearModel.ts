/**
 * Prediction for a linear softmax model (W: features × classes, row-major; b per class), shared by
 * LogisticRegression and the model-based ParameterTransfer, which differ only in how W is learned.
 */
import * as tf from "../tf";
import { Matrix, checkFinite, disposeIfCreated, toTensor2D } from "../tensor";

export interface LinearSoftmax {
  coef: Float32Array;
  intercept: Float32Array;
  features: number;
  classes: ArrayLike<number>;
}

/** W·x + b for each row (n × classes); `mismatch(got)` words the error for a wrong feature count. The caller disposes. */
export async function linearLogits(model: LinearSoftmax, X: Matrix, mismatch: (got: number) => string, where: string): Promise<tf.Tensor2D> {
  const Xt = toTensor2D(X, "X");
  try {
    if (Xt.shape[1] !== model.features) throw new Error(mismatch(Xt.shape[1]));
    checkFinite(await Xt.data(), Xt, "X", where); // a NaN row would still get a label

    const k = model.classes.length;
    return tf.tidy(() => tf.matMul(Xt, tf.tensor2d(model.coef, [model.features, k])).add(tf.tensor1d(model.intercept))) as tf.Tensor2D;
  } finally {
    disposeIfCreated(Xt, X);
  }
}

/** Softmax of logits `z` (consumed). */
export function softmaxProbabilities(z: tf.Tensor2D): tf.Tensor2D {
  const p = tf.softmax(z) as tf.Tensor2D;
  z.dispose();
  return p;
}

/** The class label of each row's largest logit (`z` is consumed). */
export async function labelsOfLargest(z: tf.Tensor2D, classes: ArrayLike<number>): Promise<Int32Array> {
  const best = tf.tidy(() => z.argMax(1));
  z.dispose();
  const idx = await best.data();
  best.dispose();
  return Int32Array.from(idx, (i) => classes[i]);
}
