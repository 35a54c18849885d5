/**
 * The k largest (or smallest) eigenpairs of a big symmetric operator: thick-restarted block Lanczos (block
 * Krylov with full reorthogonalisation) on the TF backend.
 *
 * Why this shape: a dense decomposition costs O(n³) in float64 JS (~1 GFLOP/s: 53 s at n = 2000 in
 * ml-matrix), while the k wanted pairs only need a few dozen products C·V with an n × b block, which are
 * float32 matMuls on wasm (20–40 GFLOP/s). Everything of size m × m (m = basis width, a few k) — the
 * Rayleigh–Ritz problem, the Gram matrices of the orthonormalisation — is solved in float64 JS.
 *
 * Accuracy is float32's: residuals ‖Cv − θv‖ reach ~1e-6·‖C‖. `refineEigenpairs` (float64, O(n²k) per
 * step) takes them further when a float64 product with C is available.
 */
import { SolverStatus } from "../errors";
import * as tf from "../tf";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Random } from "../random";
import { DenseMatrix, dense, hstack, orthonormalize64 } from "./dense";
import { symmetricEigen, symmetricEigenSelected } from "./symmetricEigen";

/** A symmetric N × N operator, given by its action on blocks of vectors. */
export interface SymmetricOperator {
  /** N */
  size: number;
  /** C·V for an N × b float32 block V; returns a new tensor, which the caller disposes */
  apply(V: tf.Tensor2D): tf.Tensor2D;
}

export interface TopEigenOptions {
  /** "largest" (default) or "smallest" eigenvalues (algebraic) */
  which?: "largest" | "smallest";
  /** stop when every wanted pair has ‖Cv − θv‖ ≤ tol · max|θ|; default 1e-5 (float32 reaches ~1e-6) */
  tol?: number;
  /** restarts at most; default 100 */
  maxIterations?: number;
  /** Ritz vectors kept beyond k, so that the k-th converges against the (k+guard+1)-th; default max(4, ⌈k/2⌉) */
  guard?: number;
  /** Krylov blocks added per restart (the basis holds 1 + krylovBlocks blocks of k + guard columns); default 4 */
  krylovBlocks?: number;
  /** a start block (N × up to k+guard columns), e.g. the previous solution of a nearby problem; random columns fill the rest */
  start?: tf.Tensor2D;
  /** seed of the random start; default 0 */
  seed?: number;
}

export interface TopEigenResult {
  /** the k eigenvalues, largest first for "largest", smallest first for "smallest" */
  values: Float64Array;
  /** N × k float32 tensor of orthonormal eigenvectors (column j belongs to values[j]); the caller disposes it */
  vectors: tf.Tensor2D;
  /** ‖Cv − θv‖ / max|θ| of each returned pair */
  residuals: Float64Array;
  /** restarts used */
  iterations: number;
  /** operator applications, counted in columns (Σ block widths) */
  products: number;
  /** every wanted pair met `tol` (status "converged") */
  converged: boolean;
  /**
   * "converged"; "stalled" when the residuals stopped improving within 10 × tol (the float32 floor: more restarts
   * would not help, see `precisionLimited`); "iteration-limit" when maxIterations came first
   */
  status: SolverStatus;
  /** the largest of `residuals` */
  residual: number;
  /** the residuals stopped improving within 10 × tol: float32 precision, not the iteration limit, ended the run */
  precisionLimited: boolean;
}

export const TOP_EIGEN_DEFAULTS = {
  which: "largest" as "largest" | "smallest",
  tol: 1e-5,
  maxIterations: 100,
  guard: undefined as number | undefined,
  krylovBlocks: 4,
  start: undefined as tf.Tensor2D | undefined,
  seed: 0,
};

/**
 * Columns whose norm after projection falls below this fraction of their norm before are dropped: float32
 * rounding leaves ~1e-7·√m of a column in directions it should not have, so below ~1e-6 it is noise. Set too
 * high, it throws away the small residual directions that the last digits of convergence need.
 */
const DROP = 2e-6;

/**
 * Orthonormalise V (N × b) against the orthonormal columns of `basisT` (m × N, i.e. Qᵀ; null when empty) and
 * within itself, twice (the second pass restores orthogonality lost to rounding). Within-block: SVQB — the
 * eigendecomposition of the b × b Gram matrix in float64, so that (nearly) dependent columns are dropped
 * instead of amplified. Returns null when nothing independent is left. Disposes nothing it was given.
 */
export function orthonormalizeBlock(V: tf.Tensor2D, Q: tf.Tensor2D | null, QT: tf.Tensor2D | null): tf.Tensor2D | null {
  const norms0 = tf.tidy(() => V.square().sum(0));
  const before = Math.sqrt(Math.max(...Array.from(norms0.dataSync())));
  norms0.dispose();
  if (!(before > 0)) return null;
  let current: tf.Tensor2D = V;
  for (let pass = 0; pass < 2; pass++) {
    const projected: tf.Tensor2D = Q === null || QT === null
      ? (pass === 0 ? tf.clone(current) : current)
      : tf.tidy(() => current.sub(tf.matMul(Q, tf.matMul(QT, current))) as tf.Tensor2D);
    if (current !== V && projected !== current) current.dispose();
    // pass 1 drops what projection reduced to float32 noise; pass 2 (columns now of unit norm) drops a column
    // that lost most of itself to Q again: it was noise made large by the normalisation, not a new direction
    const { transform, kept } = svqb(projected, pass === 0 ? DROP * before : REORTHOGONAL_KEEP);
    if (kept === 0) {
      projected.dispose();
      transform.dispose();
      return null;
    }
    const next = tf.tidy(() => tf.matMul(projected, transform)) as tf.Tensor2D;
    transform.dispose();
    projected.dispose();
    current = next;
  }
  return current;
}

/** Second pass: a unit column must keep at least this norm after projecting out Q again. */
const REORTHOGONAL_KEEP = 0.3;

/** The b × kept matrix T with (V T)ᵀ(V T) = I, dropping directions whose singular value is below `minSingular`. */
function svqb(V: tf.Tensor2D, minSingular: number): { transform: tf.Tensor2D; kept: number } {
  const b = V.shape[1];
  const Gt = tf.tidy(() => tf.matMul(V.transpose(), V));
  const G = dense(b, b, Float64Array.from(Gt.dataSync()));
  Gt.dispose();
  const { values, vectors } = symmetricEigen(G);
  const threshold = minSingular ** 2;
  const keep: number[] = [];
  for (let j = b - 1; j >= 0; j--) if (values[j] > threshold) keep.push(j);
  const T = new Float32Array(b * keep.length);
  keep.forEach((j, c) => {
    const s = 1 / Math.sqrt(values[j]);
    for (let i = 0; i < b; i++) T[i * keep.length + c] = vectors!.data[i * b + j] * s;
  });
  return { transform: tf.tensor2d(T, [b, keep.length]), kept: keep.length };
}

/** Random N × b block (seeded), float32. */
function randomBlock(N: number, b: number, rng: Random): tf.Tensor2D {
  const data = new Float32Array(N * b);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return tf.tensor2d(data, [N, b]);
}

/**
 * The k largest (or smallest) eigenpairs of the symmetric operator `op` by thick-restarted block Lanczos.
 * Each restart: basis [X, K₁, …, K_s] with X the kept Ritz vectors and K_j the orthonormalised C·(previous
 * block); Rayleigh–Ritz on Qᵀ C Q in float64; keep the best k + guard Ritz vectors. Memory is
 * O(N · (s+1)(k+guard)) floats whatever the number of restarts.
 */
export function topEigen(op: SymmetricOperator, k: number, options?: TopEigenOptions): TopEigenResult {
  const opts = checkOptions("topEigen", options, TOP_EIGEN_DEFAULTS);
  const N = op.size;
  requireInteger("topEigen", "k", k, 1);
  if (k > N) throw new Error(`topEigen: k = ${k} eigenpairs asked of a ${N}×${N} operator; k must be ≤ ${N}`);
  requirePositive("topEigen", "tol", opts.tol);
  requireInteger("topEigen", "maxIterations", opts.maxIterations, 1);
  requireInteger("topEigen", "krylovBlocks", opts.krylovBlocks, 1);
  if (opts.which !== "largest" && opts.which !== "smallest") {
    throw new Error(`topEigen: option "which" must be "largest" or "smallest", got ${JSON.stringify(opts.which)}`);
  }
  const guard = Math.min(N - k, opts.guard ?? Math.max(4, Math.ceil(k / 2)));
  const nx = k + guard;
  const sign = opts.which === "largest" ? 1 : -1;
  // smallest of C = largest of −C; the Krylov spaces are the same
  let products = 0;
  const apply = (V: tf.Tensor2D): tf.Tensor2D => {
    products += V.shape[1];
    const CV = op.apply(V);
    if (CV.shape[0] !== N || CV.shape[1] !== V.shape[1]) {
      throw new Error(`topEigen: the operator returned a ${CV.shape[0]}×${CV.shape[1]} block for a ${N}×${V.shape[1]} input`);
    }
    if (sign === 1) return CV;
    const neg = tf.neg(CV) as tf.Tensor2D;
    CV.dispose();
    return neg;
  };

  const rng = new Random(opts.seed);
  // start block: the given columns, topped up with random ones
  let X0: tf.Tensor2D;
  if (opts.start !== undefined) {
    if (opts.start.shape[0] !== N) throw new Error(`topEigen: option "start" has ${opts.start.shape[0]} rows, the operator is ${N}×${N}`);
    const given = opts.start.shape[1] > nx ? opts.start.slice([0, 0], [N, nx]) : tf.clone(opts.start);
    const extra = nx - given.shape[1];
    X0 = extra > 0 ? tf.tidy(() => tf.concat([given, randomBlock(N, extra, rng)], 1) as tf.Tensor2D) : given;
    if (extra > 0) given.dispose();
  } else {
    X0 = randomBlock(N, nx, rng);
  }
  let X = orthonormalizeBlock(X0, null, null);
  X0.dispose();
  for (let tries = 0; X === null || X.shape[1] < nx; tries++) {
    // a start block of dependent columns: complete it with random directions
    if (tries > 5) throw new Error("topEigen: could not build an independent start block");
    const have = X?.shape[1] ?? 0;
    const R = randomBlock(N, nx - have, rng);
    const XT = X === null ? null : (X.transpose() as tf.Tensor2D);
    const more = orthonormalizeBlock(R, X, XT);
    R.dispose();
    XT?.dispose();
    if (more !== null) {
      const joined = X === null ? more : tf.concat([X, more], 1);
      if (X !== null) { X.dispose(); more.dispose(); }
      X = joined as tf.Tensor2D;
    }
  }
  let CX = apply(X);
  let theta = new Float64Array(0);
  let residuals = new Float64Array(k).fill(Infinity);
  let converged = false;
  let floorReached = false;
  const history: number[] = [];
  let iterations = 0;
  for (; iterations < opts.maxIterations && !converged; iterations++) {
    // basis Q = [X, K₁, …] and W = C Q, grown block by block
    const blocks: tf.Tensor2D[] = [X];
    const images: tf.Tensor2D[] = [CX];
    let Q = X;
    let QT = X.transpose() as tf.Tensor2D;
    for (let s = 0; s < opts.krylovBlocks && Q.shape[1] < N; s++) {
      let next = orthonormalizeBlock(images[images.length - 1], Q, QT);
      if (next === null) break; // the Krylov space is exhausted: an invariant subspace was found
      if (Q.shape[1] + next.shape[1] > N) {
        // never more basis vectors than dimensions: the surplus can only be rounding noise
        const trimmed = next.slice([0, 0], [N, N - Q.shape[1]]);
        next.dispose();
        next = trimmed;
      }
      blocks.push(next);
      images.push(apply(next));
      if (Q !== X) Q.dispose();
      QT.dispose();
      Q = tf.concat(blocks, 1) as tf.Tensor2D;
      QT = Q.transpose() as tf.Tensor2D;
    }
    const W = blocks.length === 1 ? images[0] : (tf.concat(images, 1) as tf.Tensor2D);
    const m = Q.shape[1];
    // Rayleigh–Ritz in float64: T = Qᵀ C Q
    const Tt = tf.matMul(QT, W);
    const T = dense(m, m, Float64Array.from(Tt.dataSync()));
    Tt.dispose();
    // only the nx largest Ritz pairs are kept: inverse iteration for those beats the full decomposition
    const keep = Math.min(nx, m);
    const { values, vectors, range } = symmetricEigenSelected(T, keep, "largest");
    const U = Float32Array.from(vectors.data);
    theta = Float64Array.from(values);
    const Ut = tf.tensor2d(U, [m, keep]);
    const [Xn, CXn, resNorms] = tf.tidy(() => {
      const Xn = tf.matMul(Q, Ut) as tf.Tensor2D;
      const CXn = tf.matMul(W, Ut) as tf.Tensor2D;
      const R = CXn.sub(Xn.mul(tf.tensor1d(Float32Array.from(theta)).reshape([1, -1])));
      return [Xn, CXn, R.square().sum(0).sqrt()];
    });
    const scale = Math.max(Math.abs(range[0]), Math.abs(range[1])) || 1; // max |θ| over all Ritz values
    const res = resNorms.dataSync();
    residuals = Float64Array.from({ length: k }, (_, i) => res[i] / scale);
    resNorms.dispose();
    Ut.dispose();
    tf.dispose([...blocks, ...images, QT]);
    if (Q !== X) Q.dispose();
    if (W !== images[0]) W.dispose();
    X = Xn;
    CX = CXn;
    converged = residuals.every((r) => r <= opts.tol);
    // float32 products bound how small a residual can get (~1e-6 of ‖C‖): when it stops improving within
    // 10× of tol, it has reached that floor and more restarts only cost time
    const worst = Math.max(...Array.from(residuals));
    history.push(worst);
    if (!converged && history.length >= 6 && worst <= 10 * opts.tol && worst > 0.9 * history[history.length - 6]) {
      floorReached = true;
      break;
    }
  }
  CX.dispose();
  const vectors = X.shape[1] === k ? X : X.slice([0, 0], [N, k]);
  if (vectors !== X) X.dispose();
  return {
    values: Float64Array.from({ length: k }, (_, i) => sign * theta[i]),
    vectors,
    residuals,
    iterations: floorReached ? iterations + 1 : iterations,
    products,
    converged,
    status: converged ? "converged" : floorReached ? "stalled" : "iteration-limit",
    residual: Math.max(...Array.from(residuals)),
    precisionLimited: floorReached,
  };
}

/** Wraps a dense symmetric matrix (a tensor on the TF backend) as an operator. */
export function denseOperator(A: tf.Tensor2D): SymmetricOperator {
  if (A.shape[0] !== A.shape[1]) throw new Error(`denseOperator: the matrix must be square, got ${A.shape[0]}×${A.shape[1]}`);
  return { size: A.shape[0], apply: (V) => tf.matMul(A, V) };
}

/**
 * Rayleigh–Ritz refinement in float64 of approximate eigenpairs (X: N × k, columns nearly orthonormal) of
 * the symmetric matrix given by `multiply` (float64 C·V): one step projects C onto span[X, R] with
 * R = C X − X Θ the residual block, the subspace that a Newton/Jacobi–Davidson correction lives in.
 * Each step costs two float64 products with an N × k block. Returns refined pairs (same order as `which`).
 */
export function refineEigenpairs(
  multiply: (V: DenseMatrix) => DenseMatrix,
  X: DenseMatrix,
  which: "largest" | "smallest",
  steps = 1,
): { values: Float64Array; vectors: DenseMatrix; residuals: Float64Array } {
  const N = X.rows, k = X.cols;
  let V = orthonormalize64(X);
  let values = new Float64Array(k);
  let residuals = new Float64Array(k);
  for (let step = 0; step <= steps; step++) {
    const CV = multiply(V);
    const H = gram(V, CV);
    const { values: hv, vectors: hu } = symmetricEigen(H);
    const order = which === "largest" ? Array.from({ length: k }, (_, i) => k - 1 - i) : Array.from({ length: k }, (_, i) => i);
    const Y = combine(V, hu!, order);
    const CY = combine(CV, hu!, order);
    values = Float64Array.from(order, (j) => hv[j]);
    const R = dense(N, k);
    let scale = 0;
    for (const v of hv) scale = Math.max(scale, Math.abs(v));
    residuals = new Float64Array(k);
    for (let i = 0; i < N; i++) {
      for (let c = 0; c < k; c++) {
        const r = CY.data[i * k + c] - values[c] * Y.data[i * k + c];
        R.data[i * k + c] = r;
        residuals[c] += r * r;
      }
    }
    for (let c = 0; c < k; c++) residuals[c] = Math.sqrt(residuals[c]) / (scale || 1);
    if (step === steps) return { values, vectors: Y, residuals };
    // Rayleigh–Ritz on span[Y, R]: the 2k × 2k problem
    const S = orthonormalize64(hstack(Y, R), Y.cols);
    const CS = multiply(S);
    const H2 = gram(S, CS);
    const { vectors: u2, values: v2 } = symmetricEigen(H2);
    const m = S.cols;
    const order2 = which === "largest" ? Array.from({ length: k }, (_, i) => m - 1 - i) : Array.from({ length: k }, (_, i) => i);
    V = combine(S, u2!, order2);
    values = Float64Array.from(order2, (j) => v2[j]);
  }
  return { values, vectors: V, residuals };
}

/** Vᵀ W (both N × m) in float64, symmetrised. */
function gram(V: DenseMatrix, W: DenseMatrix): DenseMatrix {
  const N = V.rows, m = V.cols;
  const H = dense(m, m);
  for (let i = 0; i < N; i++) {
    const vi = i * m;
    for (let a = 0; a < m; a++) {
      const va = V.data[vi + a];
      if (va === 0) continue;
      for (let b = 0; b < m; b++) H.data[a * m + b] += va * W.data[vi + b];
    }
  }
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    const s = 0.5 * (H.data[a * m + b] + H.data[b * m + a]);
    H.data[a * m + b] = s;
    H.data[b * m + a] = s;
  }
  return H;
}

/** V · U[:, order] in float64. */
function combine(V: DenseMatrix, U: DenseMatrix, order: number[]): DenseMatrix {
  const N = V.rows, m = V.cols, k = order.length;
  const out = dense(N, k);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < m; a++) {
      const va = V.data[i * m + a];
      if (va === 0) continue;
      for (let c = 0; c < k; c++) out.data[i * k + c] += va * U.data[a * U.cols + order[c]];
    }
  }
  return out;
}
