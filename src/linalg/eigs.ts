/**
 * The eigenproblems the feature-based methods need, for users:
 * - `symmetricEigs(A, k)`: k largest / smallest eigenpairs of a dense symmetric matrix;
 * - `generalizedEigs(op, metric, k)`: the symmetric-definite pencil A w = λ M w (A symmetric, M SPD given by
 *   a factor, see spdFactor.ts), as the standard problem (F⁻¹ A F⁻ᵀ) y = λ y, w = F⁻ᵀ y;
 * - `generalizedSymmetricEigs(A, B, k)`: the same for two dense matrices.
 *
 * Small problems (n ≤ `denseLimit`) are solved completely in float64 JS; bigger ones by block Lanczos on the
 * TF backend (float32 products), optionally refined in float64 (`refine`: Rayleigh–Ritz steps with float64
 * products, O(n²k) each).
 */
import { SolverStatus, warnIfNotConverged } from "../errors";
import * as tf from "../tf";
import { checkOptions, requireInteger } from "../options";
import { Matrix } from "../tensor";
import { cholesky, solveLower, solveLowerTransposed } from "./cholesky";
import { DenseMatrix, dense, hstack, matMul, orthonormalize64, requireFinite, requireSymmetric, selectColumns, toDense, transpose } from "./dense";
import { SpdFactor, denseSpdFactor } from "./spdFactor";
import { symmetricEigen } from "./symmetricEigen";
import { SymmetricOperator, TOP_EIGEN_DEFAULTS, TopEigenOptions, refineEigenpairs, topEigen } from "./topEigen";

export interface EigsResult {
  /** the k eigenvalues, largest first ("largest") or smallest first ("smallest") */
  values: Float64Array;
  /** n × k eigenvectors (column j belongs to values[j]): orthonormal for the standard problem, M-orthonormal (wᵀMw = 1) for a pencil */
  vectors: DenseMatrix;
  /** relative residuals of the pairs (‖Cy − λy‖ / max|λ| of the standard form), 0 for a float64 dense solve */
  residuals: Float64Array;
  /** "dense64" (complete float64 decomposition) or "lanczos" (block Lanczos on the TF backend) */
  method: "dense64" | "lanczos";
  /** false when block Lanczos did not meet `tol`: it stalled at the float32 floor or hit `maxIterations` (a warning says so, once) */
  converged: boolean;
}

export interface EigsOptions extends TopEigenOptions {
  /** at or below this size the problem is solved by a complete float64 decomposition; default 200 */
  denseLimit?: number;
  /** float64 Rayleigh–Ritz refinement steps after block Lanczos (dense inputs only); default 1 */
  refine?: number;
}

const EIGS_DEFAULTS = { ...TOP_EIGEN_DEFAULTS, denseLimit: 200, refine: 1 };

function pick(values: Float64Array, k: number, which: "largest" | "smallest"): number[] {
  const n = values.length;
  return Array.from({ length: k }, (_, i) => (which === "largest" ? n - 1 - i : i));
}

function lanczosOptions(opts: typeof EIGS_DEFAULTS): TopEigenOptions {
  return { which: opts.which, tol: opts.tol, maxIterations: opts.maxIterations, guard: opts.guard, krylovBlocks: opts.krylovBlocks, start: opts.start, seed: opts.seed };
}


function tensorToDense(t: tf.Tensor2D): DenseMatrix {
  return dense(t.shape[0], t.shape[1], Float64Array.from(t.dataSync()));
}

/** k largest or smallest eigenpairs of the dense symmetric matrix A. */
export function symmetricEigs(A: Matrix | DenseMatrix, k: number, options?: EigsOptions): EigsResult {
  const opts = checkOptions("symmetricEigs", options, EIGS_DEFAULTS);
  const Ad = toDense(A, "A");
  requireSymmetric(Ad, "symmetricEigs", "A");
  requireFinite(Ad, "symmetricEigs", "A");
  const n = Ad.rows;
  requireInteger("symmetricEigs", "k", k, 1);
  if (k > n) throw new Error(`symmetricEigs: k = ${k} eigenpairs asked of a ${n}×${n} matrix; k must be ≤ ${n}`);
  if (n <= opts.denseLimit) {
    const { values, vectors } = symmetricEigen(Ad);
    const idx = pick(values, k, opts.which);
    return { values: Float64Array.from(idx, (i) => values[i]), vectors: selectColumns(vectors!, idx), residuals: new Float64Array(k), method: "dense64", converged: true };
  }
  const At = tf.tensor2d(Float32Array.from(Ad.data), [n, n]);
  try {
    const r = topEigen({ size: n, apply: (V) => tf.matMul(At, V) }, k, lanczosOptions(opts));
    warnIfNotConverged("symmetricEigs", "block Lanczos", r);
    const X = tensorToDense(r.vectors);
    r.vectors.dispose();
    if (opts.refine > 0) {
      const refined = refineEigenpairs((V) => matMul(Ad, V), X, opts.which, opts.refine);
      return { ...refined, method: "lanczos", converged: r.converged };
    }
    return { values: r.values, vectors: X, residuals: r.residuals, method: "lanczos", converged: r.converged };
  } finally {
    At.dispose();
  }
}

/**
 * k largest or smallest eigenpairs of the symmetric-definite pencil op·w = λ M w, with M = F Fᵀ given by
 * `metric`. Block Lanczos on C = F⁻¹ op F⁻ᵀ; `start` (if given) holds approximate w's. Returns float32
 * eigenvectors as a tensor too, since callers usually continue on the TF backend.
 */
export function generalizedEigs(
  op: SymmetricOperator,
  metric: SpdFactor,
  k: number,
  options?: TopEigenOptions,
): { values: Float64Array; vectors: tf.Tensor2D; residuals: Float64Array; iterations: number; products: number; converged: boolean; status: SolverStatus; residual: number } {
  if (op.size !== metric.size) throw new Error(`generalizedEigs: the operator is ${op.size}×${op.size} but the metric is ${metric.size}×${metric.size}`);
  const start = options?.start === undefined ? undefined : metric.multiplyTransposed(options.start);
  const C: SymmetricOperator = {
    size: op.size,
    apply: (V) => {
      const w = metric.solveTransposed(V);
      const Aw = op.apply(w);
      w.dispose();
      const y = metric.solve(Aw);
      Aw.dispose();
      return y;
    },
  };
  try {
    const r = topEigen(C, k, { ...options, start });
    const vectors = metric.solveTransposed(r.vectors);
    r.vectors.dispose();
    return { ...r, vectors };
  } finally {
    start?.dispose();
  }
}

/**
 * k largest or smallest eigenpairs of A w = λ B w for dense symmetric A and symmetric positive definite B.
 * A B that is not numerically positive definite is factorised as B + δI, with a warning naming δ.
 */
export function generalizedSymmetricEigs(A: Matrix | DenseMatrix, B: Matrix | DenseMatrix, k: number, options?: EigsOptions): EigsResult {
  const opts = checkOptions("generalizedSymmetricEigs", options, EIGS_DEFAULTS);
  const Ad = toDense(A, "A");
  const Bd = toDense(B, "B");
  requireSymmetric(Ad, "generalizedSymmetricEigs", "A");
  requireSymmetric(Bd, "generalizedSymmetricEigs", "B");
  requireFinite(Ad, "generalizedSymmetricEigs", "A");
  requireFinite(Bd, "generalizedSymmetricEigs", "B");
  const n = Ad.rows;
  if (Bd.rows !== n) throw new Error(`generalizedSymmetricEigs: A is ${n}×${n} but B is ${Bd.rows}×${Bd.cols}; they must be the same size`);
  requireInteger("generalizedSymmetricEigs", "k", k, 1);
  if (k > n) throw new Error(`generalizedSymmetricEigs: k = ${k} eigenpairs asked of ${n}×${n} matrices; k must be ≤ ${n}`);
  if (n <= opts.denseLimit) {
    // float64 throughout: C = L⁻¹ A L⁻ᵀ, its full decomposition, w = L⁻ᵀ y
    const { L } = cholesky(Bd, { where: "generalizedSymmetricEigs", argName: "B", regularize: true });
    const Y = solveLower(L, Ad); // L⁻¹ A
    const C = solveLower(L, transpose(Y)); // L⁻¹ (L⁻¹ A)ᵀ = L⁻¹ A L⁻ᵀ
    const { values, vectors } = symmetricEigen(C);
    const idx = pick(values, k, opts.which);
    const W = solveLowerTransposed(L, selectColumns(vectors!, idx));
    return { values: Float64Array.from(idx, (i) => values[i]), vectors: W, residuals: new Float64Array(k), method: "dense64", converged: true };
  }
  const metric = denseSpdFactor(Bd, { where: "generalizedSymmetricEigs", argName: "B", regularize: true });
  const At = tf.tensor2d(Float32Array.from(Ad.data), [n, n]);
  try {
    const r = generalizedEigs({ size: n, apply: (V) => tf.matMul(At, V) }, metric, k, lanczosOptions(opts));
    warnIfNotConverged("generalizedSymmetricEigs", "block Lanczos", r);
    const W = tensorToDense(r.vectors);
    r.vectors.dispose();
    if (opts.refine > 0) {
      const refined = refineGeneralized(Ad, Bd, W, opts.which, opts.refine);
      return { ...refined, method: "lanczos", converged: r.converged };
    }
    return { values: r.values, vectors: W, residuals: r.residuals, method: "lanczos", converged: r.converged };
  } finally {
    metric.dispose();
    At.dispose();
  }
}

/**
 * Rayleigh–Ritz refinement of approximate eigenvectors W of the pencil (A, B) in float64: project both onto
 * span[W, R] (R = A W − B W Λ, the residuals) and solve the small pencil there. Returns B-orthonormal vectors and
 * residuals ‖A w − λ B w‖ / (‖A‖_F ‖w‖).
 */
export function refineGeneralized(A: DenseMatrix, B: DenseMatrix, W: DenseMatrix, which: "largest" | "smallest", steps = 1): {
  values: Float64Array; vectors: DenseMatrix; residuals: Float64Array;
} {
  const k = W.cols;
  let V = W;
  let values = new Float64Array(k);
  let normA = 0;
  for (const v of A.data) normA += v * v;
  normA = Math.sqrt(normA) || 1;
  for (let step = 0; ; step++) {
    // Rayleigh–Ritz on span(V) (V itself in the first round, [W, R] after)
    const AV = matMul(A, V), BV = matMul(B, V);
    const small = smallPencil(projected(V, AV), projected(V, BV), k, which);
    values = small.values;
    const Wn = matMul(V, small.vectors);
    const AW = matMul(AV, small.vectors), BW = matMul(BV, small.vectors);
    const N = Wn.rows;
    const R = dense(N, k);
    const residuals = new Float64Array(k);
    const norms = new Float64Array(k);
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < k; c++) {
        const r = AW.data[i * k + c] - values[c] * BW.data[i * k + c];
        R.data[i * k + c] = r;
        residuals[c] += r * r;
        norms[c] += Wn.data[i * k + c] ** 2;
      }
    }
    for (let c = 0; c < k; c++) residuals[c] = Math.sqrt(residuals[c]) / (normA * Math.sqrt(norms[c]));
    if (step >= steps) return { values, vectors: Wn, residuals };
    V = orthonormalize64(hstack(Wn, R));
  }
}

/** Vᵀ (A V) from V and AV, symmetrised. */
function projected(V: DenseMatrix, AV: DenseMatrix): DenseMatrix {
  const P = matMul(transpose(V), AV);
  const m = P.rows;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) {
    const s = 0.5 * (P.data[i * m + j] + P.data[j * m + i]);
    P.data[i * m + j] = s;
    P.data[j * m + i] = s;
  }
  return P;
}

/** The k wanted pairs of the small pencil (Ap, Bp) in float64, vectors Bp-orthonormal. */
function smallPencil(Ap: DenseMatrix, Bp: DenseMatrix, k: number, which: "largest" | "smallest"): { values: Float64Array; vectors: DenseMatrix } {
  const { L } = cholesky(Bp, { where: "refineGeneralized", argName: "the projected B", regularize: true });
  const C = solveLower(L, transpose(solveLower(L, Ap)));
  const { values, vectors } = symmetricEigen(C);
  const idx = pick(values, Math.min(k, values.length), which);
  return { values: Float64Array.from(idx, (i) => values[i]), vectors: solveLowerTransposed(L, selectColumns(vectors!, idx)) };
}
