/**
 * Square root and inverse square root of a symmetric positive definite matrix, A^{1/2} and A^{-1/2}: what
 * CORAL's whitening and re-colouring need.
 *
 * Coupled Newton–Schulz iteration (Higham, "Functions of Matrices", §6.7): only matMuls, so the O(n³) work
 * runs on the TF backend (float32 on wasm: 25× plain JS), and it is stable in the coupled form. Convergence
 * needs the spectrum of A/c in (0, 2): c is a power-iteration estimate of λ_max with a safety margin; the
 * number of iterations grows like log(λ_max/λ_min), ~10 for a condition number of 30. Small matrices
 * (n ≤ 64) use the float64 eigendecomposition instead.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Random } from "../random";
import { dense } from "./dense";
import { symmetricEigen } from "./symmetricEigen";

export interface SqrtmOptions {
  /** stop when ‖I − Z Y‖_F / √n ≤ tol (Z Y → I as Y → A^{1/2}, Z → A^{-1/2}); default 1e-6 */
  tol?: number;
  /** Newton–Schulz iterations at most; default 60 */
  maxIterations?: number;
  /** seed of the power iteration's start vector; default 0 */
  seed?: number;
}

export interface SqrtmResult {
  /** A^{1/2} */
  sqrt: tf.Tensor2D;
  /** A^{-1/2} */
  invSqrt: tf.Tensor2D;
  iterations: number;
}

/** λ_max of the symmetric PSD matrix A by power iteration, an estimate from below. */
function largestEigenvalue(A: tf.Tensor2D, seed: number, steps = 30): number {
  const n = A.shape[0];
  const rng = new Random(seed);
  let v = tf.tensor2d(Float32Array.from({ length: n }, () => rng.normal()), [n, 1]);
  let lambda = 0;
  for (let s = 0; s < steps; s++) {
    const [next, norm] = tf.tidy(() => {
      const w = tf.matMul(A, v);
      const nrm = w.norm();
      return [w.div(nrm.add(1e-30)) as tf.Tensor2D, nrm];
    });
    const value = norm.dataSync()[0];
    norm.dispose();
    v.dispose();
    v = next;
    if (Math.abs(value - lambda) <= 1e-4 * value) {
      lambda = value;
      break;
    }
    lambda = value;
  }
  v.dispose();
  return lambda;
}

/**
 * A^{1/2} and A^{-1/2} of the symmetric positive definite A (a tensor; the caller disposes both results).
 * Throws when A is not square or not positive definite enough for the iteration to converge.
 */
export function sqrtm(A: tf.Tensor2D, options?: SqrtmOptions): SqrtmResult {
  const opts = checkOptions("sqrtm", options, { tol: 1e-6, maxIterations: 60, seed: 0 });
  requirePositive("sqrtm", "tol", opts.tol);
  requireInteger("sqrtm", "maxIterations", opts.maxIterations, 1);
  const [n, m] = A.shape;
  if (n !== m) throw new Error(`sqrtm: A must be square, got ${n}×${m}`);
  if (n <= 64) return sqrtmDense(A);
  const c = 1.05 * largestEigenvalue(A, opts.seed);
  if (!(c > 0)) throw new Error("sqrtm: A is zero or not positive definite (its largest eigenvalue is not > 0)");
  let Y = tf.tidy(() => A.div(c) as tf.Tensor2D);
  let Z = tf.eye(n) as tf.Tensor2D;
  const I3 = tf.tidy(() => tf.eye(n).mul(3));
  let iterations = 0;
  let error = Infinity;
  try {
    for (; iterations < opts.maxIterations; iterations++) {
      const [Yn, Zn, err] = tf.tidy(() => {
        const ZY = tf.matMul(Z, Y);
        const T = I3.sub(ZY).div(2) as tf.Tensor2D;
        const e = tf.eye(n).sub(ZY).square().sum().sqrt().div(Math.sqrt(n));
        return [tf.matMul(Y, T), tf.matMul(T, Z), e];
      });
      error = err.dataSync()[0];
      err.dispose();
      Y.dispose();
      Z.dispose();
      Y = Yn;
      Z = Zn;
      if (!Number.isFinite(error)) break;
      if (error <= opts.tol) break;
    }
    if (!(error <= Math.max(opts.tol, 1e-3))) {
      throw new Error(`sqrtm: the Newton–Schulz iteration did not converge (‖I − ZY‖ = ${error}); is A symmetric positive definite?`);
    }
    const sqrt = tf.tidy(() => symmetricPart(Y).mul(Math.sqrt(c)) as tf.Tensor2D);
    const invSqrt = tf.tidy(() => symmetricPart(Z).div(Math.sqrt(c)) as tf.Tensor2D);
    return { sqrt, invSqrt, iterations };
  } finally {
    tf.dispose([Y, Z, I3]);
  }
}

function symmetricPart(A: tf.Tensor2D): tf.Tensor2D {
  return A.add(A.transpose()).div(2) as tf.Tensor2D;
}

/** Small matrices: through the float64 eigendecomposition. */
function sqrtmDense(A: tf.Tensor2D): SqrtmResult {
  const n = A.shape[0];
  const { values, vectors } = symmetricEigen(dense(n, n, Float64Array.from(A.dataSync())));
  if (!(values[0] > 0)) throw new Error(`sqrtm: A is not positive definite (its smallest eigenvalue is ${values[0]})`);
  const build = (f: (x: number) => number) => {
    const out = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += vectors!.data[i * n + c] * f(values[c]) * vectors!.data[j * n + c];
        out[i * n + j] = s;
      }
    }
    return tf.tensor2d(out, [n, n]);
  };
  return { sqrt: build(Math.sqrt), invSqrt: build((x) => 1 / Math.sqrt(x)), iterations: 0 };
}
