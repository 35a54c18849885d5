/** Classification accuracy. */
import * as tf from "../tf";
import { Labels } from "../tensor";
import { ShapeMismatchError } from "../errors";

function values(y: Labels, argName: string): ArrayLike<number> {
  if (y instanceof tf.Tensor) return (y as tf.Tensor).dataSync();
  if (y === null || typeof y !== "object" || typeof (y as ArrayLike<number>).length !== "number") {
    throw new ShapeMismatchError(`accuracy: ${argName} must be an array, a typed array or a 1-D tensor of labels, got ${y === null ? "null" : typeof y}`);
  }
  for (let i = 0; i < y.length; i++) {
    const v = (y as ArrayLike<unknown>)[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ShapeMismatchError(`accuracy: ${argName}[${i}] = ${typeof v === "string" ? JSON.stringify(v) : String(v)} is not a finite number (labels are numbers; encode string classes with tl.LabelEncoder)`);
    }
  }
  return y;
}

/** The fraction of positions where `yhat` equals `y`, in 0..1 (synchronous). Lengths must match. */
export function accuracy(yhat: Labels, y: Labels): number {
  const a = values(yhat, "yhat");
  const b = values(y, "y");
  if (a.length !== b.length) {
    throw new ShapeMismatchError(`accuracy: yhat has ${a.length} labels but y has ${b.length}; they must be the same samples`);
  }
  if (a.length === 0) throw new Error("accuracy: yhat and y are empty");
  let correct = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) correct++;
  return correct / a.length;
}
