/**
 * Maximum Mean Discrepancy (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012): the distance between the
 * kernel mean embeddings of two samples, the quantity TCA, JDA and DAN minimise.
 */
import * as tf from "../tf";
import { checkKernelKind, medianHeuristicGammaAsync } from "../kernels";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Matrix, disposeIfCreated, readFloat32, toTensor2D, assertFiniteAsync } from "../tensor";

export interface MmdOptions {
  /** "rbf" (default) or "linear" */
  kernel?: "linear" | "rbf";
  /** rbf: the base coefficient γ₀; default: the median heuristic on Xs ∪ Xt (see `medianHeuristicGamma`) */
  gamma?: number;
  /** rbf: multipliers of γ₀, one RBF kernel each; default [1/4, 1/2, 1, 2, 4]; [1] gives the single kernel exp(−γ₀‖x−y‖²) */
  bandwidths?: number[];
  /** true: the V-statistic (all pairs, i = j included); false: the unbiased U-statistic. Default: false for
   * "rbf", true for "linear" (so that linear is exactly ‖mean(Xs) − mean(Xt)‖²) */
  biased?: boolean;
  /** seed of the median heuristic's subsample (only used when `gamma` is not given); default 0 */
  seed?: number;
  /** rbf: rows per block; memory is O(bandwidths × blockSize²) whatever the sample sizes; default 1024 */
  blockSize?: number;
}

export const MMD_DEFAULTS = {
  kernel: "rbf" as "linear" | "rbf",
  gamma: undefined as number | undefined,
  bandwidths: [0.25, 0.5, 1, 2, 4] as number[],
  biased: undefined as boolean | undefined,
  seed: 0,
  blockSize: 1024,
};

/**
 * The squared MMD between the rows of Xs (m samples) and Xt (n samples).
 *
 * - `kernel: "linear"`, k(x, y) = x·y: biased (default) gives ‖mean(Xs) − mean(Xt)‖²; `biased: false` gives
 *   the U-statistic below with this k. Computed in float64.
 * - `kernel: "rbf"`: k(x, y) = (1/B) Σ_b exp(−γ₀·β_b ‖x−y‖²), the *mean* over the B multipliers β of
 *   `bandwidths` (default 1/4, 1/2, 1, 2, 4) of RBF kernels — a mean, so k(x, x) = 1 as for one kernel;
 *   γ₀ = `gamma`, or by default the median heuristic 1 / median ‖xᵢ−xⱼ‖² over Xs ∪ Xt. Several
 *   bandwidths keep the statistic sensitive at several scales (as in DAN's multi-kernel MMD).
 *
 * Unbiased (the default for rbf):
 *   MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ,yⱼ),
 * which can be slightly negative when the distributions are equal. Biased (V-statistic): the same with all
 * pairs and 1/m², 1/n². Kernel blocks are computed on the TF backend; block row sums are added in float64.
 */
export async function mmd(Xs: Matrix, Xt: Matrix, options?: MmdOptions): Promise<number> {
  const opts = checkOptions("mmd", options, MMD_DEFAULTS);
  const kernel = checkKernelKind(opts.kernel, "mmd: kernel");
  if (kernel === "primal") throw new Error('mmd: kernel must be "linear" or "rbf", got "primal"');
  const biased = opts.biased ?? kernel === "linear";
  const A = toTensor2D(Xs, "Xs");
  const B = toTensor2D(Xt, "Xt");
  try {
    const [m, d] = A.shape;
    const n = B.shape[0];
    await assertFiniteAsync(A, "Xs", "mmd");
    await assertFiniteAsync(B, "Xt", "mmd");
    if (B.shape[1] !== d) throw new Error(`mmd: Xt has ${B.shape[1]} features (columns) but Xs has ${d}; they must match`);
    if (!biased && (m < 2 || n < 2)) throw new Error(`mmd: the unbiased estimate needs at least 2 rows in Xs and in Xt, got ${m} and ${n}`);
    if (kernel === "linear") return await linearMmd(A, B, biased);
    if (!Array.isArray(opts.bandwidths) || opts.bandwidths.length === 0) {
      throw new Error(`mmd: bandwidths must be a non-empty array of multipliers of gamma, got ${JSON.stringify(opts.bandwidths)}`);
    }
    opts.bandwidths.forEach((b, i) => requirePositive("mmd", `bandwidths[${i}]`, b));
    requireInteger("mmd", "blockSize", opts.blockSize, 1);
    if (opts.gamma !== undefined) requirePositive("mmd", "gamma", opts.gamma);
    const gamma0 = opts.gamma ?? (await medianHeuristicGammaAsync(A, B, { seed: opts.seed }));
    return await rbfMmd(A, B, opts.bandwidths.map((b) => b * gamma0), biased, opts.blockSize);
  } finally {
    disposeIfCreated(A, Xs);
    disposeIfCreated(B, Xt);
  }
}

/** Linear-kernel MMD² in float64, on data centred at the pooled mean (the value is translation invariant,
 * centring only reduces cancellation). */
async function linearMmd(A: tf.Tensor2D, B: tf.Tensor2D, biased: boolean): Promise<number> {
  // one asynchronous read of both (synchronous reads fail on WebGPU in Node)
  const [da, db] = await readFloat32(A, B);
  const a = { data: Float64Array.from(da), rows: A.shape[0], cols: A.shape[1] };
  const b = { data: Float64Array.from(db), rows: B.shape[0], cols: B.shape[1] };
  const d = a.cols;
  const mean = new Float64Array(d);
  for (const s of [a, b]) for (let i = 0; i < s.rows; i++) for (let j = 0; j < d; j++) mean[j] += s.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= a.rows + b.rows;
  // column sums and the sum of squared row norms of each centred sample
  const stats = (s: typeof a) => {
    const sum = new Float64Array(d);
    let sq = 0;
    for (let i = 0; i < s.rows; i++) {
      for (let j = 0; j < d; j++) {
        const v = s.data[i * d + j] - mean[j];
        sum[j] += v;
        sq += v * v;
      }
    }
    return { sum, sq, n: s.rows };
  };
  const sa = stats(a);
  const sb = stats(b);
  let aa = 0, bb = 0, ab = 0;
  for (let j = 0; j < d; j++) {
    aa += sa.sum[j] * sa.sum[j];
    bb += sb.sum[j] * sb.sum[j];
    ab += sa.sum[j] * sb.sum[j];
  }
  const cross = (2 * ab) / (sa.n * sb.n);
  if (biased) return aa / (sa.n * sa.n) + bb / (sb.n * sb.n) - cross;
  return (aa - sa.sq) / (sa.n * (sa.n - 1)) + (bb - sb.sq) / (sb.n * (sb.n - 1)) - cross;
}

/** Σ over the block rows P[p0:p1] × Q[q0:q1] of the multi-bandwidth kernel, summed in float64. Q comes
 * transposed (QT, d × rows): wasm's matMul is much faster on A·B than with its transposeB flag.
 * `diagonal`: the block is a square block of one sample with itself; its diagonal distances are made exactly
 * 0 and, when `dropDiagonal`, its diagonal kernel values are left out. */
async function blockSum(
  P: tf.Tensor2D, p2: tf.Tensor2D, p0: number, p1: number,
  QT: tf.Tensor2D, q2: tf.Tensor2D, q0: number, q1: number,
  kernelSum: (dist: tf.Tensor2D) => tf.Tensor2D, diagonal: boolean, dropDiagonal: boolean,
): Promise<number> {
  const rowSums = tf.tidy(() => {
    const Pb = P.slice([p0, 0], [p1 - p0, -1]);
    const QbT = QT.slice([0, q0], [-1, q1 - q0]);
    const pb2 = p2.slice([p0, 0], [p1 - p0, 1]);
    const qb2 = q2.slice([q0, 0], [q1 - q0, 1]).reshape([1, -1]);
    let dist = pb2.add(qb2).sub(tf.matMul(Pb, QbT).mul(2)).relu() as tf.Tensor2D;
    const offDiagonal = diagonal ? tf.sub(1, tf.eye(p1 - p0)) : null;
    if (offDiagonal) dist = dist.mul(offDiagonal);
    let k = kernelSum(dist);
    if (offDiagonal && dropDiagonal) k = k.mul(offDiagonal);
    return k.sum(1);
  });
  const sums = await rowSums.data();
  rowSums.dispose();
  let total = 0;
  for (let i = 0; i < sums.length; i++) total += sums[i];
  return total;
}

/**
 * d ↦ Σ_b exp(−γ_b d), elementwise. When every γ_b is γ_min·2^k (true of the default multipliers), one exp and
 * repeated squaring replace the B exps, exp(−2γd) = exp(−γd)²: the exps dominate a block's cost, and the
 * float32 error of k squarings (≤ 2^k ulp) is far below the estimator's own noise.
 */
function rbfSum(gammas: number[]): (dist: tf.Tensor2D) => tf.Tensor2D {
  const sorted = [...gammas].sort((a, b) => a - b);
  const powers = sorted.map((g) => Math.log2(g / sorted[0]));
  if (powers.every((p) => Math.abs(p - Math.round(p)) < 1e-9 && p < 8.5)) {
    return (dist) => {
      let e = dist.mul(-sorted[0]).exp() as tf.Tensor2D;
      let power = 0;
      let sum: tf.Tensor2D | null = null;
      for (const target of powers.map(Math.round)) {
        for (; power < target; power++) e = e.square();
        sum = sum === null ? e : (sum.add(e) as tf.Tensor2D);
      }
      return sum!;
    };
  }
  return (dist) => tf.addN(gammas.map((g) => dist.mul(-g).exp() as tf.Tensor2D));
}

async function rbfMmd(Xs: tf.Tensor2D, Xt: tf.Tensor2D, gammas: number[], biased: boolean, blockSize: number): Promise<number> {
  const m = Xs.shape[0];
  const n = Xt.shape[0];
  const kernelSum = rbfSum(gammas);
  // centre at the pooled mean: distances are unchanged, float32 cancellation in ‖x‖²+‖y‖²−2x·y is smaller
  const { A, B, AT, BT, a2, b2 } = tf.tidy(() => {
    const mean = tf.concat([Xs, Xt], 0).mean(0, true);
    const A = Xs.sub(mean) as tf.Tensor2D;
    const B = Xt.sub(mean) as tf.Tensor2D;
    return {
      A, B, AT: A.transpose() as tf.Tensor2D, BT: B.transpose() as tf.Tensor2D,
      a2: A.square().sum(1, true) as tf.Tensor2D,
      b2: B.square().sum(1, true) as tf.Tensor2D,
    };
  });
  try {
    // Σ k within one sample: blocks on and above the diagonal, off-diagonal blocks counted twice (k is symmetric)
    const within = async (P: tf.Tensor2D, PT: tf.Tensor2D, p2: tf.Tensor2D, rows: number): Promise<number> => {
      let s = 0;
      for (let i = 0; i < rows; i += blockSize) {
        for (let j = i; j < rows; j += blockSize) {
          const v = await blockSum(P, p2, i, Math.min(i + blockSize, rows), PT, p2, j, Math.min(j + blockSize, rows), kernelSum, i === j, !biased);
          s += i === j ? v : 2 * v;
        }
      }
      return s;
    };
    let cross = 0;
    for (let i = 0; i < m; i += blockSize) {
      for (let j = 0; j < n; j += blockSize) {
        cross += await blockSum(A, a2, i, Math.min(i + blockSize, m), BT, b2, j, Math.min(j + blockSize, n), kernelSum, false, false);
      }
    }
    const ss = await within(A, AT, a2, m);
    const tt = await within(B, BT, b2, n);
    const nb = gammas.length;
    const pairsS = biased ? m * m : m * (m - 1);
    const pairsT = biased ? n * n : n * (n - 1);
    return (ss / pairsS + tt / pairsT - (2 * cross) / (m * n)) / nb;
  } finally {
    tf.dispose([A, B, AT, BT, a2, b2]);
  }
}
