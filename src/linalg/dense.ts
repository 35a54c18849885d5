/**
 * Dense float64 matrices in plain JavaScript: the small, precision-critical side of transferlab's linear
 * algebra (Cholesky factors, Rayleigh–Ritz problems, refinement). TF.js has no float64, so these live in
 * row-major Float64Arrays; the O(n³) products go to the TF backend in float32 instead (see topEigen.ts).
 */
import * as tf from "../tf";
import { Matrix, toTensor2D } from "../tensor";

/** A row-major float64 matrix: entry (i, j) is `data[i * cols + j]`. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A new rows × cols matrix, zero-filled or wrapping `data` (not copied). */
export function dense(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  if (data !== undefined && data.length !== rows * cols) {
    throw new Error(`dense: data has ${data.length} entries, a ${rows}×${cols} matrix needs ${rows * cols}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function identity(n: number): DenseMatrix {
  const I = dense(n, n);
  for (let i = 0; i < n; i++) I.data[i * n + i] = 1;
  return I;
}

/** A DenseMatrix from a tensor, number[][] or DenseMatrix (copied, float64). */
export function toDense(A: Matrix | DenseMatrix, argName = "A"): DenseMatrix {
  if (isDense(A)) return dense(A.rows, A.cols, Float64Array.from(A.data));
  const t = toTensor2D(A, argName);
  const [rows, cols] = t.shape;
  const data = Float64Array.from(t.dataSync());
  if (t !== A) t.dispose();
  return { rows, cols, data };
}

export function isDense(A: unknown): A is DenseMatrix {
  return typeof A === "object" && A !== null && (A as DenseMatrix).data instanceof Float64Array &&
    typeof (A as DenseMatrix).rows === "number" && typeof (A as DenseMatrix).cols === "number";
}

/** The float32 tensor of a DenseMatrix (the caller disposes it). */
export function toTensor(A: DenseMatrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(A.data), [A.rows, A.cols], "float32");
}

export function transpose(A: DenseMatrix): DenseMatrix {
  const T = dense(A.cols, A.rows);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j];
  return T;
}

/** A·B in float64 (i-k-j loop order: rows of B are streamed, so it stays cache-friendly). */
export function matMul(A: DenseMatrix, B: DenseMatrix): DenseMatrix {
  if (A.cols !== B.rows) throw new Error(`matMul: ${A.rows}×${A.cols} times ${B.rows}×${B.cols} does not fit`);
  const n = A.rows, m = B.cols, p = A.cols;
  const C = dense(n, m);
  const a = A.data, b = B.data, c = C.data;
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k];
      if (aik === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) c[ci + j] += aik * b[bk + j];
    }
  }
  return C;
}

/** Aᵀ·B in float64 without forming Aᵀ. */
export function matMulTransposeA(A: DenseMatrix, B: DenseMatrix): DenseMatrix {
  if (A.rows !== B.rows) throw new Error(`matMulTransposeA: (${A.rows}×${A.cols})ᵀ times ${B.rows}×${B.cols} does not fit`);
  const n = A.cols, m = B.cols;
  const C = dense(n, m);
  const a = A.data, b = B.data, c = C.data;
  for (let k = 0; k < A.rows; k++) {
    const ak = k * n, bk = k * m;
    for (let i = 0; i < n; i++) {
      const aki = a[ak + i];
      if (aki === 0) continue;
      const ci = i * m;
      for (let j = 0; j < m; j++) c[ci + j] += aki * b[bk + j];
    }
  }
  return C;
}

/** (A + Aᵀ)/2, in place; returns A. Products like Qᵀ C Q are symmetric only up to rounding. */
export function symmetrize(A: DenseMatrix): DenseMatrix {
  const n = A.rows, a = A.data;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return A;
}

export function frobeniusNorm(A: DenseMatrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += A.data[i] * A.data[i];
  return Math.sqrt(s);
}

/** Column j as a new Float64Array. */
export function column(A: DenseMatrix, j: number): Float64Array {
  const out = new Float64Array(A.rows);
  for (let i = 0; i < A.rows; i++) out[i] = A.data[i * A.cols + j];
  return out;
}

/** The columns `indices` of A, in that order, as a new matrix. */
export function selectColumns(A: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const k = indices.length;
  const out = dense(A.rows, k);
  for (let i = 0; i < A.rows; i++) for (let c = 0; c < k; c++) out.data[i * k + c] = A.data[i * A.cols + indices[c]];
  return out;
}

/** Throws naming `argName` unless A is square. */
export function requireSquare(A: DenseMatrix, where: string, argName = "A"): void {
  if (A.rows !== A.cols) throw new Error(`${where}: ${argName} must be square, got ${A.rows}×${A.cols}`);
}

/** Throws naming `argName` when A holds NaN or ±∞. */
export function requireFinite(A: DenseMatrix, where: string, argName = "A"): void {
  const a = A.data;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new Error(`${where}: ${argName} has a non-finite value (${a[i]}) at row ${Math.floor(i / A.cols)}, column ${i % A.cols}`);
    }
  }
}

/** Throws naming `argName` unless A is symmetric up to `tol` relative to its largest entry. */
export function requireSymmetric(A: DenseMatrix, where: string, argName = "A", tol = 1e-6): void {
  requireSquare(A, where, argName);
  const n = A.rows, a = A.data;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(a[i * n + j] - a[j * n + i]) > tol * maxAbs) {
        throw new Error(`${where}: ${argName} must be symmetric, but entry (${i}, ${j}) = ${a[i * n + j]} and (${j}, ${i}) = ${a[j * n + i]}`);
      }
    }
  }
}

/** `[A, B]`: the columns of A, then those of B. */
export function hstack(A: DenseMatrix, B: DenseMatrix): DenseMatrix {
  const out = dense(A.rows, A.cols + B.cols);
  const w = out.cols;
  for (let i = 0; i < A.rows; i++) {
    out.data.set(A.data.subarray(i * A.cols, (i + 1) * A.cols), i * w);
    out.data.set(B.data.subarray(i * B.cols, (i + 1) * B.cols), i * w + A.cols);
  }
  return out;
}

/**
 * Orthonormal columns spanning those of A (modified Gram–Schmidt, twice, in float64); columns that are
 * (numerically) dependent on earlier ones are dropped — except the first `keepFirst`, which are kept as they are
 * normalised.
 */
export function orthonormalize64(A: DenseMatrix, keepFirst = 0): DenseMatrix {
  const N = A.rows;
  const cols: Float64Array[] = [];
  for (let c = 0; c < A.cols; c++) {
    const v = new Float64Array(N);
    for (let i = 0; i < N; i++) v[i] = A.data[i * A.cols + c];
    let n0 = 0;
    for (let i = 0; i < N; i++) n0 += v[i] * v[i];
    n0 = Math.sqrt(n0);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let dot = 0;
        for (let i = 0; i < N; i++) dot += u[i] * v[i];
        for (let i = 0; i < N; i++) v[i] -= dot * u[i];
      }
    }
    let n1 = 0;
    for (let i = 0; i < N; i++) n1 += v[i] * v[i];
    n1 = Math.sqrt(n1);
    if (!(n1 > 1e-10 * n0) && c >= keepFirst) continue;
    if (!(n1 > 0)) continue;
    for (let i = 0; i < N; i++) v[i] /= n1;
    cols.push(v);
  }
  const out = dense(N, cols.length);
  cols.forEach((v, c) => {
    for (let i = 0; i < N; i++) out.data[i * cols.length + c] = v[i];
  });
  return out;
}
