/**
 * Square root and inverse square root of a symmetric positive definite matrix, A^{1/2} and A^{-1/2}: what
 * CORAL's whitening and re-colouring need.
 *
 * Coupled Newton–Schulz iteration (Higham, "Functions of Matrices", §6.7): only matMuls, so the O(n³) work
 * runs on the TF backend (float32 on wasm: 25× plain JS), and it is stable in the coupled form. Convergence
 * needs the spectrum of A/c in (0, 2): c is a power-iteration estimate of λ_max with a safety margin; the
 * number of iterations grows like log(λ_max/λ_min), ~10 for a condition number of 30. Small matrices
 * (n ≤ 64) use the float64 eigendecomposition instead.
 *
 * With a known lower bound on λ_min (`lowerBound`, e.g. CORAL's ridge λ), each step is scaled: both iterates
 * are multiplied by β so that the interval that holds the spectrum of Z Y is placed where the step
 * m ↦ m(3 − m)²/4 maps it closest to 1 (the minimax scaling of Chen & Chow, "A stable scaling of
 * Newton–Schulz", SIAM J. Sci. Comput. 2014, applied to the square root). The ratio Y/Z = A/c is unchanged
 * by a common factor, so the limits are the same; for a condition number of 30 it takes 5 steps instead of 8.
 */
import * as tf from "../tf";
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
  /** a known lower bound on the smallest eigenvalue (> 0): turns on the scaled iteration; default 0 (unscaled) */
  lowerBound?: number;
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
  const opts = checkOptions("sqrtm", options, { tol: 1e-6, maxIterations: 60, seed: 0, lowerBound: 0 });
  if (!(opts.lowerBound >= 0)) throw new Error(`sqrtm: lowerBound must be a number ≥ 0, got ${opts.lowerBound}`);
  requirePositive("sqrtm", "tol", opts.tol);
  requireInteger("sqrtm", "maxIterations", opts.maxIterations, 1);
  const [n, m] = A.shape;
  if (n !== m) throw new Error(`sqrtm: A must be square, got ${n}×${m}`);
  if (n <= 64) return sqrtmDense(A);
  const c = 1.05 * largestEigenvalue(A, opts.seed);
  if (!(c > 0)) throw new Error("sqrtm: A is zero or not positive definite (its largest eigenvalue is not > 0)");
  let Y = tf.tidy(() => A.div(c) as tf.Tensor2D);
  let Z = tf.eye(n) as tf.Tensor2D;
  const I = tf.eye(n) as tf.Tensor2D;
  let iterations = 0;
  let error = Infinity;
  // the interval [lo, hi] that holds the spectrum of Z Y (= A/c at the start), tracked through the scalar map
  let lo = Math.min(opts.lowerBound / c, 1), hi = 1;
  try {
    for (; iterations < opts.maxIterations; iterations++) {
      const beta2 = lo > 0 && lo < 0.99 ? newtonSchulzScaling(lo, hi) : 1;
      if (beta2 !== 1) {
        const s = beta2 * lo, r = beta2 * hi;
        [lo, hi] = [Math.min(stepMap(s), stepMap(r)), s < 1 && r > 1 ? 1 : Math.max(stepMap(s), stepMap(r))];
      } else if (lo > 0) {
        [lo, hi] = [Math.min(stepMap(lo), stepMap(hi)), lo < 1 && hi > 1 ? 1 : Math.max(stepMap(lo), stepMap(hi))];
      }
      const beta = Math.sqrt(beta2);
      const [Yn, Zn, err] = tf.tidy(() => {
        const ZY = tf.matMul(Z, Y);
        // T = β (3I − β² ZY) / 2; elementwise passes over n² cost a third of a matMul each on wasm: few of them
        const T = I.mul(1.5 * beta).sub(ZY.mul(0.5 * beta * beta2)) as tf.Tensor2D;
        const e = tf.squaredDifference(I, ZY).sum().sqrt().div(Math.sqrt(n));
        return [tf.matMul(Y, T), tf.matMul(T, Z), e];
      });
      error = err.dataSync()[0];
      err.dispose();
      Y.dispose();
      Z.dispose();
      Y = Yn;
      Z = Zn;
      if (!Number.isFinite(error)) break;
      // error measures the iterate before this step: the step just taken only improved it
      if (error <= opts.tol) break;
    }
    if (!(error <= Math.max(opts.tol, 1e-3))) {
      throw new Error(`sqrtm: the Newton–Schulz iteration did not converge (‖I − ZY‖ = ${error}); is A symmetric positive definite?`);
    }
    const sqrt = tf.tidy(() => symmetricPart(Y).mul(Math.sqrt(c)) as tf.Tensor2D);
    const invSqrt = tf.tidy(() => symmetricPart(Z).div(Math.sqrt(c)) as tf.Tensor2D);
    return { sqrt, invSqrt, iterations };
  } finally {
    tf.dispose([Y, Z, I]);
  }
}

/** One Newton–Schulz step on an eigenvalue m of Z Y: m ↦ m (3 − m)² / 4 (increasing on (0, 1), decreasing on (1, 3)). */
function stepMap(m: number): number {
  return (m * (3 - m) ** 2) / 4;
}

/**
 * β² for the interval [lo, hi] ∋ spectrum of Z Y: the s with stepMap(s) = stepMap(s·hi/lo), s < 1 < s·hi/lo,
 * so that both ends land equally close to 1; the upper end is kept ≤ 2.5 (< 3, where the step diverges) as
 * hi is only an estimate. β² = s / lo.
 */
function newtonSchulzScaling(lo: number, hi: number): number {
  const ratio = hi / lo;
  let a = 1 / ratio, b = Math.min(1, 2.5 / ratio);
  if (!(a < b)) return 1;
  for (let k = 0; k < 60; k++) {
    const s = (a + b) / 2;
    if (stepMap(s) < stepMap(ratio * s)) a = s;
    else b = s;
  }
  return a / lo;
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
