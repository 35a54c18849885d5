/**
 * The two input shapes every method accepts (docs/design.md): a matrix is a tf.Tensor2D or number[][]
 * (rows are samples), labels are a tf.Tensor1D or any array-like of numbers.
 */
import * as tf from "./tf";
import { ShapeMismatchError } from "./errors";

export type Matrix = tf.Tensor2D | number[][];
export type Labels = tf.Tensor1D | ArrayLike<number>;

/** A tf.Tensor2D for `X`; checks shape and finiteness, naming `argName` in every error. The caller owns the
 * result only when `X` was not already a tensor (see `ownsTensor`). */
export function toTensor2D(X: Matrix, argName = "X"): tf.Tensor2D {
  if (X instanceof tf.Tensor) {
    if (X.rank !== 2) throw new Error(`${argName} must be a 2-D matrix (rows are samples), got a tensor of rank ${X.rank}`);
    return X as tf.Tensor2D;
  }
  if (!Array.isArray(X)) throw new Error(`${argName} must be a tf.Tensor2D or number[][], got ${typeof X}`);
  if (X.length === 0) throw new Error(`${argName} is empty: it needs at least one row (sample)`);
  const d = X[0]?.length;
  if (!Array.isArray(X[0]) || d === 0) throw new Error(`${argName} must be number[][] with at least one column`);
  const flat = new Float32Array(X.length * d);
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    if (!Array.isArray(row) || row.length !== d) {
      throw new ShapeMismatchError(`${argName} row ${i} has ${Array.isArray(row) ? row.length : "no"} columns, expected ${d}`);
    }
    for (let j = 0; j < d; j++) flat[i * d + j] = row[j];
  }
  return tf.tensor2d(flat, [X.length, d]);
}

/** Rows of `X` as a Float64Array (row-major), with its shape. */
export function toFloat64(X: Matrix, argName = "X"): { data: Float64Array; rows: number; cols: number } {
  const t = toTensor2D(X, argName);
  const [rows, cols] = t.shape;
  const data = Float64Array.from(t.dataSync());
  if (t !== X) t.dispose();
  return { data, rows, cols };
}

/** `toFloat64` with an asynchronous read: what works on WebGPU in Node, where synchronous reads fail. */
export async function toFloat64Async(X: Matrix, argName = "X"): Promise<{ data: Float64Array; rows: number; cols: number }> {
  const t = toTensor2D(X, argName);
  const [rows, cols] = t.shape;
  try {
    return { data: Float64Array.from(await t.data()), rows, cols };
  } finally {
    if (t !== X) t.dispose();
  }
}

/**
 * The values of several float32 tensors with one asynchronous read (one GPU round trip rather than one each):
 * flattened, concatenated on the backend, read, and split again. Exact: concatenation only copies.
 */
export async function readFloat32(...ts: tf.Tensor[]): Promise<Float32Array[]> {
  if (ts.length === 0) return [];
  if (ts.length === 1) return [(await ts[0].data()) as Float32Array];
  if (ts.some((t) => t.dtype !== "float32")) return (await Promise.all(ts.map((t) => t.data()))) as Float32Array[];
  const all = tf.tidy(() => tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
  const flat = (await all.data()) as Float32Array;
  all.dispose();
  let at = 0;
  return ts.map((t) => flat.subarray(at, (at += t.size)));
}

/** Labels as an Int32Array, checking that each is an integer. A tensor is read synchronously: see `toLabelsAsync`. */
export function toLabels(y: Labels, argName = "y"): Int32Array {
  return checkLabels(y instanceof tf.Tensor ? (y as tf.Tensor).dataSync() : y, argName);
}

/** `toLabels` with an asynchronous read of a tensor (for WebGPU in Node). */
export async function toLabelsAsync(y: Labels, argName = "y"): Promise<Int32Array> {
  return checkLabels(y instanceof tf.Tensor ? await (y as tf.Tensor).data() : y, argName);
}

function checkLabels(values: ArrayLike<number>, argName: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) {
      // quoted when a string, so "1" and 1 read differently
      const shown = typeof v === "string" ? JSON.stringify(v) : String(v);
      const hint = typeof v === "string" ? " (a string: encode string classes with tl.LabelEncoder)" : "";
      throw new Error(`${argName}[${i}] = ${shown} is not an integer class label${hint}`);
    }
    out[i] = v;
  }
  return out;
}

/** Throws naming `argName` when `X` holds NaN or ±∞ (a synchronous read: see `assertFiniteAsync`). */
export function assertFinite(X: tf.Tensor, argName = "X", where?: string): void {
  checkFinite(X.dataSync(), X, argName, where);
}

/** `assertFinite` with an asynchronous read (for WebGPU in Node). */
export async function assertFiniteAsync(X: tf.Tensor, argName = "X", where?: string): Promise<void> {
  checkFinite(await X.data(), X, argName, where);
}

/** Throws naming `argName` when `data` (the values of `X`, already read) holds NaN or ±∞. */
export function checkFinite(data: ArrayLike<number>, X: tf.Tensor, argName: string, where?: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const cols = X.shape[1] ?? 1;
      throw new Error(`${where ? `${where}: ` : ""}${argName} has a non-finite value (${data[i]}) at row ${Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
}

/** Disposes `t` when it was created from `original` (not passed in by the caller). */
export function disposeIfCreated(t: tf.Tensor, original: unknown): void {
  if (t !== original) t.dispose();
}
