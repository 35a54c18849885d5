/**
 * Kernel matrices of the lecture: linear, RBF, and "primal" (no kernel at all).
 *
 * Feature-based methods (TCA, JDA, …) are written once over a kernel matrix K; with `kernel: "primal"` they
 * work in the feature space directly, so the "kernel matrix" is the data matrix X itself (n × d instead of
 * n × n), which is what makes the primal form cheaper when d ≪ n.
 */
import * as tf from "./tf";
import { checkOptions, requireInteger, requirePositive } from "./options";
import { Random } from "./random";
import { Matrix, disposeIfCreated, toTensor2D } from "./tensor";

export type KernelKind = "primal" | "linear" | "rbf";
export const KERNEL_KINDS: readonly KernelKind[] = ["primal", "linear", "rbf"];

export interface KernelOptions {
  /** RBF coefficient γ in exp(−γ‖x−y‖²); default 1 / number of features. Ignored by "primal" and "linear". */
  gamma?: number;
}

/** Throws unless `kind` is a known kernel, listing the valid ones. */
export function checkKernelKind(kind: unknown, where = "kernel"): KernelKind {
  if (!(KERNEL_KINDS as readonly unknown[]).includes(kind)) {
    throw new Error(`${where} must be one of ${KERNEL_KINDS.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(kind)}`);
  }
  return kind as KernelKind;
}

function checkSameFeatures(X: tf.Tensor2D, Y: tf.Tensor2D, where: string, xName = "X", yName = "Y"): void {
  if (X.shape[1] !== Y.shape[1]) {
    throw new Error(`${where}: ${yName} has ${Y.shape[1]} features (columns) but ${xName} has ${X.shape[1]}; they must match`);
  }
}

/**
 * A Bᵀ. On the wasm backend the `transposeB` flag of tf.matMul is ~10× slower than transposing B first
 * (measured: 484 ms vs 42 ms for 958×800 · (1123×800)ᵀ), so every A Bᵀ in transferlab goes through here.
 */
export function matMulTransposeB(A: tf.Tensor2D, B: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(A, B.transpose()));
}

/**
 * Pairwise squared Euclidean distances ‖xᵢ−yⱼ‖² (n × m), via ‖x‖² + ‖y‖² − 2 x·y clamped at 0 so that it is
 * one matMul. Both sides are first centred on their common mean: distances do not change, but the norms get
 * smaller, which cuts the float32 cancellation in the subtraction. Without `Y` the diagonal is exactly 0.
 * Tensors in, tensor out; the caller owns the result.
 */
export function squaredDistances(X: tf.Tensor2D, Y?: tf.Tensor2D): tf.Tensor2D {
  if (Y !== undefined) checkSameFeatures(X, Y, "squaredDistances");
  return tf.tidy(() => {
    const n = X.shape[0];
    const mean = Y === undefined ? X.mean(0, true) : tf.concat([X, Y], 0).mean(0, true);
    const A = X.sub(mean) as tf.Tensor2D;
    const B = Y === undefined ? A : (Y.sub(mean) as tf.Tensor2D);
    const a2 = A.square().sum(1).reshape([-1, 1]);
    const b2 = B === A ? a2.reshape([1, -1]) : B.square().sum(1).reshape([1, -1]);
    const d = a2.add(b2).sub(matMulTransposeB(A, B).mul(2)).relu() as tf.Tensor2D;
    return Y === undefined ? (d.mul(tf.sub(1, tf.eye(n))) as tf.Tensor2D) : d;
  });
}

/**
 * The kernel matrix between the rows of X and the rows of Y (Y defaults to X):
 * - "linear": X Yᵀ (n × m);
 * - "rbf": exp(−γ‖x−y‖²) (n × m), γ = `gamma`, default 1 / number of features;
 * - "primal": no kernel, work in the feature space: returns X itself (n × d, a new handle; Y only has its
 *   feature count checked).
 * The caller owns (and disposes) the returned tensor.
 */
export function kernelMatrix(kind: KernelKind, X: Matrix, Y?: Matrix, options?: KernelOptions): tf.Tensor2D {
  checkKernelKind(kind, "kernelMatrix: kind");
  const { gamma } = checkOptions("kernelMatrix", options, { gamma: undefined as number | undefined });
  const Xt = toTensor2D(X, "X");
  const Yt = Y === undefined ? undefined : toTensor2D(Y, "Y");
  try {
    if (Yt !== undefined) checkSameFeatures(Xt, Yt, "kernelMatrix");
    if (gamma !== undefined && !(gamma > 0)) {
      throw new Error(`kernelMatrix: gamma must be a finite number > 0 (the coefficient in exp(−γ‖x−y‖²)), got ${gamma}`);
    }
    if (kind === "primal") return tf.clone(Xt);
    if (kind === "linear") return matMulTransposeB(Xt, Yt ?? Xt);
    const g = gamma ?? 1 / Xt.shape[1];
    return tf.tidy(() => squaredDistances(Xt, Yt).mul(-g).exp() as tf.Tensor2D);
  } finally {
    disposeIfCreated(Xt, X);
    if (Yt !== undefined) disposeIfCreated(Yt, Y);
  }
}

export interface MedianHeuristicOptions {
  /** at most this many rows (of X and Y pooled) are used, drawn at random without replacement; default 1000 */
  maxSamples?: number;
  /** seed of that draw; default 0 */
  seed?: number;
}

/**
 * The median heuristic for the RBF coefficient: γ = 1 / median of ‖xᵢ−xⱼ‖² over all pairs i < j of the rows
 * of X and Y pooled. Above `maxSamples` rows a seeded random subset is used (the median of ~500k pairs is
 * stable, and the cost stays O(maxSamples²)). Throws when the median distance is 0 (most points coincide).
 */
export function medianHeuristicGamma(X: Matrix, Y?: Matrix, options?: MedianHeuristicOptions): number {
  const { D, n } = pooledDistances(X, Y, options);
  const all = D.dataSync();
  D.dispose();
  return gammaOfMedian(all, n);
}

/** `medianHeuristicGamma` with an asynchronous read (synchronous reads fail on WebGPU in Node); the same value. */
export async function medianHeuristicGammaAsync(X: Matrix, Y?: Matrix, options?: MedianHeuristicOptions): Promise<number> {
  const { D, n } = pooledDistances(X, Y, options);
  try {
    return gammaOfMedian(await D.data(), n);
  } finally {
    D.dispose();
  }
}

function pooledDistances(X: Matrix, Y: Matrix | undefined, options: MedianHeuristicOptions | undefined): { D: tf.Tensor2D; n: number } {
  const opts = checkOptions("medianHeuristicGamma", options, { maxSamples: 1000, seed: 0 });
  requireInteger("medianHeuristicGamma", "maxSamples", opts.maxSamples, 2);
  const Xt = toTensor2D(X, "X");
  const Yt = Y === undefined ? undefined : toTensor2D(Y, "Y");
  let D: tf.Tensor2D;
  let n: number;
  try {
    if (Yt !== undefined) checkSameFeatures(Xt, Yt, "medianHeuristicGamma");
    n = Xt.shape[0] + (Yt?.shape[0] ?? 0);
    if (n < 2) throw new Error("medianHeuristicGamma: needs at least 2 rows in X and Y together");
    D = tf.tidy(() => {
      let P = Yt === undefined ? Xt : (tf.concat([Xt, Yt], 0) as tf.Tensor2D);
      if (n > opts.maxSamples) {
        const idx = new Random(opts.seed).permutation(n).slice(0, opts.maxSamples).sort();
        P = tf.gather(P, tf.tensor1d(idx, "int32"));
        n = opts.maxSamples;
      }
      return squaredDistances(P);
    });
  } finally {
    disposeIfCreated(Xt, X);
    if (Yt !== undefined) disposeIfCreated(Yt, Y);
  }
  return { D, n };
}

function gammaOfMedian(all: ArrayLike<number>, n: number): number {
  const pairs = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[k++] = all[i * n + j];
  pairs.sort();
  const m = pairs.length;
  const median = m % 2 === 1 ? pairs[(m - 1) / 2] : (pairs[m / 2 - 1] + pairs[m / 2]) / 2;
  if (!(median > 0)) {
    throw new Error("medianHeuristicGamma: the median pairwise squared distance of X (and Y) is 0 — most rows coincide; pass gamma explicitly");
  }
  requirePositive("medianHeuristicGamma", "gamma", 1 / median);
  return 1 / median;
}
