/**
 * Kernel Mean Matching (Huang, Gretton, Borgwardt, Schölkopf & Smola, "Correcting Sample Selection Bias by
 * Unlabeled Data", NIPS 2007): weights β for the source samples such that the weighted source mean and the
 * target mean coincide in a kernel's feature space (RKHS), i.e. the weighted source matches the target in MMD.
 */
import * as tf from "../tf";
import { Classifier } from "../classifiers/classifier";
import { kernelMatrix, medianHeuristicGamma } from "../kernels";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { InstanceWeighting } from "./weighting";
import { LearnerOption, checkDomain, checkFeatures, checkLabels, singleLearner } from "./common";
import { QPResult, solveBoxSumQP } from "../optim/qp";
import { warnIfNotConverged } from "../errors";

export interface KMMOptions {
  /** upper bound of every weight, 0 ≤ βᵢ ≤ B; default 1000 */
  B?: number;
  /** |Σβᵢ/n_s − 1| ≤ ε; default (√n_s − 1)/√n_s */
  epsilon?: number;
  /** "rbf" (default) or "linear" */
  kernel?: "rbf" | "linear";
  /** RBF coefficient γ in exp(−γ‖x−y‖²); default: the median heuristic on Xs ∪ Xt */
  gamma?: number;
  /** stop when the QP's duality gap ≤ tolerance · |objective| (a certified relative gap); default 1e-8 */
  tolerance?: number;
  /** QP iterations at most; default 20000 */
  maxIterations?: number;
  /** the weighted base learner of `fitPredict`; default a LogisticRegression */
  learner?: LearnerOption;
  /** seed of the median heuristic's subsample; default 0 */
  seed?: number;
}

export const KMM_DEFAULTS = {
  B: 1000,
  epsilon: undefined as number | undefined,
  kernel: "rbf" as "rbf" | "linear",
  gamma: undefined as number | undefined,
  tolerance: 1e-8,
  maxIterations: 20000,
  learner: undefined as LearnerOption | undefined,
  seed: 0,
};

/** The terms of KMM's quadratic program for two samples. */
export interface KMMTerms {
  /** Kᵢⱼ = k(xᵢ, xⱼ) over the source (n_s × n_s, row-major, float64, exactly symmetric) */
  K: Float64Array;
  /** κᵢ = (n_s/n_t) Σⱼ k(xᵢ, x'ⱼ) over the target */
  kappa: Float64Array;
  /** (1/n_t²) Σ k(x'ᵢ, x'ⱼ): the constant that turns the QP objective into the squared MMD */
  targetMeanKernel: number;
  /** the RBF γ used (undefined for the linear kernel) */
  gamma?: number;
  ns: number;
  nt: number;
}

/**
 * K, κ and the target constant for `kernel` (γ defaults to the median heuristic on Xs ∪ Xt). With them
 * MMD²(β) = ‖(1/n_s)Σβᵢφ(xᵢ) − (1/n_t)Σφ(x'ⱼ)‖² = (βᵀKβ − 2κᵀβ)/n_s² + targetMeanKernel.
 */
export async function kmmTerms(Xs: Matrix, Xt: Matrix, options: { kernel?: "rbf" | "linear"; gamma?: number; seed?: number } = {}, where = "kmmTerms"): Promise<KMMTerms> {
  const opts = checkOptions(where, options, { kernel: "rbf" as "rbf" | "linear", gamma: undefined as number | undefined, seed: 0 });
  if (opts.kernel !== "rbf" && opts.kernel !== "linear") throw new Error(`${where}: option "kernel" must be "rbf" or "linear", got ${JSON.stringify(opts.kernel)}`);
  const S = checkDomain(Xs, "Xs", where);
  let T: { t: tf.Tensor2D; owned: boolean } | null = null;
  try {
    T = checkDomain(Xt, "Xt", where);
    checkFeatures(T.t, S.t.shape[1], "Xt", "Xs", where);
    const ns = S.t.shape[0];
    const nt = T.t.shape[0];
    let gamma: number | undefined;
    if (opts.kernel === "rbf") {
      if (opts.gamma !== undefined) requirePositive("KMM", "gamma", opts.gamma);
      gamma = opts.gamma ?? medianHeuristicGamma(S.t, T.t, { seed: opts.seed });
    }
    const kOpts = gamma === undefined ? undefined : { gamma };
    const Kt = kernelMatrix(opts.kernel, S.t, S.t, kOpts);
    const raw = await Kt.data();
    Kt.dispose();
    const K = new Float64Array(ns * ns);
    for (let i = 0; i < ns; i++) {
      for (let j = i; j < ns; j++) {
        const v = 0.5 * (raw[i * ns + j] + raw[j * ns + i]);
        K[i * ns + j] = v;
        K[j * ns + i] = v;
      }
    }
    const rowSums = tf.tidy(() => kernelMatrix(opts.kernel, S.t, T!.t, kOpts).sum(1));
    const kappa = Float64Array.from(await rowSums.data(), (v) => (ns / nt) * v);
    rowSums.dispose();
    const total = tf.tidy(() => kernelMatrix(opts.kernel, T!.t, T!.t, kOpts).sum());
    const targetMeanKernel = (await total.data())[0] / (nt * nt);
    total.dispose();
    return { K, kappa, targetMeanKernel, gamma, ns, nt };
  } finally {
    if (S.owned) S.t.dispose();
    if (T?.owned) T.t.dispose();
  }
}

/** KMM's objective ½βᵀKβ − κᵀβ (what the QP minimises). */
export function kmmObjective(K: Float64Array, kappa: Float64Array, beta: ArrayLike<number>): number {
  const n = kappa.length;
  if (beta.length !== n || K.length !== n * n) throw new Error(`kmmObjective: beta has ${beta.length} entries, kappa ${n}, K ${K.length} (expected n² = ${n * n})`);
  let quad = 0, lin = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += K[i * n + j] * beta[j];
    quad += beta[i] * row;
    lin += kappa[i] * beta[i];
  }
  return 0.5 * quad - lin;
}

/** How the last `fit` went. */
export interface KMMFitInfo extends Omit<QPResult, "beta"> {
  /** squared MMD (biased, this kernel) between the source and the target before and after weighting */
  mmdBefore: number;
  mmdAfter: number;
  /** fraction of source samples whose weight is (numerically) 0, and the effective sample size (Σβ)²/Σβ² */
  zeroFraction: number;
  effectiveSampleSize: number;
  /** milliseconds spent on the kernel matrices and on the QP */
  kernelMilliseconds: number;
}

/**
 * Kernel Mean Matching.
 *
 *   min_β  ½ βᵀKβ − κᵀβ   s.t.  0 ≤ βᵢ ≤ B,  |Σᵢβᵢ/n_s − 1| ≤ ε,
 *
 * Kᵢⱼ = k(xᵢ, xⱼ) over the source, κᵢ = (n_s/n_t) Σⱼ k(xᵢ, x'ⱼ) over the target: the squared RKHS distance
 * between the β-weighted source mean and the target mean, up to a constant and a factor n_s²/2. B caps how
 * much one source sample may stand in for the target (the paper's robustness knob); ε lets the weights'
 * mean deviate from 1. RBF kernel with the median-heuristic γ by default. The QP is solved to a certified
 * relative duality gap (`tolerance`), see qp.ts.
 *
 * `await fit(Xs, Xt)` sets `weights` (Float64Array, one per source row); `fitPredict(Xs, ys, Xt)` then trains
 * the base learner (`learner`, default a weighted LogisticRegression) on the weighted source and labels Xt.
 */
export class KMM extends InstanceWeighting {
  protected readonly name = "KMM";
  readonly options: typeof KMM_DEFAULTS;
  /** the RBF γ used by the last fit */
  gamma: number | undefined;
  fitInfo: KMMFitInfo | null = null;

  constructor(options?: KMMOptions) {
    super();
    this.options = checkOptions("KMM", options, KMM_DEFAULTS);
    const o = this.options;
    if (!(o.B > 0)) throw new Error(`KMM: option "B" (the upper bound of every weight) must be > 0, got ${o.B}`);
    if (o.epsilon !== undefined && !(o.epsilon >= 0)) throw new Error(`KMM: option "epsilon" must be ≥ 0, got ${o.epsilon}`);
    if (o.kernel !== "rbf" && o.kernel !== "linear") throw new Error(`KMM: option "kernel" must be "rbf" or "linear", got ${JSON.stringify(o.kernel)}`);
    if (o.gamma !== undefined) requirePositive("KMM", "gamma", o.gamma);
    requirePositive("KMM", "tolerance", o.tolerance);
    requireInteger("KMM", "maxIterations", o.maxIterations, 1);
    if (o.learner !== undefined) singleLearner(o.learner, "KMM"); // fail early on a learner without weights
  }

  protected get learner(): LearnerOption | undefined {
    return this.options.learner;
  }

  /** The source weights β that match the target's kernel mean. */
  protected async fitWeights(Xs: Matrix, Xt: Matrix): Promise<void> {
    const o = this.options;
    const started = Date.now();
    const terms = await kmmTerms(Xs, Xt, { kernel: o.kernel, gamma: o.gamma, seed: o.seed }, "KMM.fit");
    const kernelMilliseconds = Date.now() - started;
    const ns = terms.ns;
    const epsilon = o.epsilon ?? (Math.sqrt(ns) - 1) / Math.sqrt(ns);
    if (o.B * ns < ns * (1 - epsilon)) {
      throw new Error(`KMM: option "B" = ${o.B} is too small: Σβ ≥ n_s(1 − ε) needs B ≥ 1 − ε = ${1 - epsilon}`);
    }
    const result = solveBoxSumQP(
      { K: terms.K, kappa: terms.kappa, upper: o.B, sumLower: ns * (1 - epsilon), sumUpper: ns * (1 + epsilon) },
      { tolerance: o.tolerance, maxIterations: o.maxIterations },
    );
    warnIfNotConverged("KMM", "box-sum QP", result);
    const { beta, ...info } = result;
    const mmd = (objective: number) => (2 * objective) / (ns * ns) + terms.targetMeanKernel;
    let s = 0, s2 = 0, zeros = 0;
    for (const b of beta) {
      s += b;
      s2 += b * b;
      if (b <= 1e-9 * o.B) zeros++;
    }
    this.weights = beta;
    this.gamma = terms.gamma;
    this.fitInfo = {
      ...info,
      mmdBefore: mmd(kmmObjective(terms.K, terms.kappa, new Float64Array(ns).fill(1))),
      mmdAfter: mmd(result.objective),
      zeroFraction: zeros / ns,
      effectiveSampleSize: s2 > 0 ? (s * s) / s2 : 0,
      kernelMilliseconds,
    };
  }
}
