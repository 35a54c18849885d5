/** The one-round hand check shared by the TrAdaBoost tests: a learner that always predicts 0, and data where
 * source rows 1 and 3 and target row 2 are its errors. */
import * as tf from "@tensorflow/tfjs";
import { Classifier } from "../../src/classifiers/classifier";

export class PredictsZero implements Classifier {
  readonly supportsSampleWeight = true;
  async fit(_X: unknown, _y: unknown, _w?: ArrayLike<number>) { return this; }
  async predict(X: tf.Tensor2D) { return new Int32Array(X.shape[0]); }
}

export const HAND = { Xs: [[0], [1], [2], [3]], ys: [0, 1, 0, 1], Xt: [[0], [1], [2]], yt: [0, 0, 1] };
