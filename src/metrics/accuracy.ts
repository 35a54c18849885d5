/** Classification accuracy. */
import * as tf from "@tensorflow/tfjs";
import { Labels } from "../tensor";

function values(y: Labels): ArrayLike<number> {
  return y instanceof tf.Tensor ? (y as tf.Tensor).dataSync() : y;
}

/** The fraction of positions where `yhat` equals `y`, in 0..1 (synchronous). Lengths must match. */
export function accuracy(yhat: Labels, y: Labels): number {
  const a = values(yhat);
  const b = values(y);
  if (a.length !== b.length) {
    throw new Error(`accuracy: yhat has ${a.length} labels but y has ${b.length}; they must be the same samples`);
  }
  if (a.length === 0) throw new Error("accuracy: yhat and y are empty");
  let correct = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) correct++;
  return correct / a.length;
}
