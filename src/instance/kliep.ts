/**
 * KLIEP, the Kullback–Leibler Importance Estimation Procedure (Sugiyama, Nakajima, Kashima, von Bünau &
 * Kawanabe, "Direct Importance Estimation with Model Selection and Its Application to Covariate Shift
 * Adaptation", NIPS 2007): KMM's companion in every instance-weighting library. Where KMM matches kernel means,
 * KLIEP fits the density ratio w(x) = p_t(x)/p_s(x) itself, as a non-negative sum of Gaussian bumps on target
 * points, by maximising the target's log-likelihood under w·p_s.
 */
import * as tf from "../tf";
import { kernelMatrix, medianHeuristicGamma } from "../kernels";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Random } from "../random";
import { Labels, Matrix } from "../tensor";
import { InstanceWeighting } from "./weighting";
import { LearnerOption, checkDomain, checkFeatures, checkLabels, singleLearner } from "./common";

export interface KLIEPOptions {
  /** number of kernel centres, drawn from the target rows (seeded); default 100 */
  centers?: number;
  /** RBF coefficient γ; default: the median heuristic on Xs ∪ Xt */
  gamma?: number;
  /** candidate γ values chosen by likelihood cross-validation on the target (as the paper does); overrides `gamma` */
  gammas?: number[];
  /** folds of that cross-validation; default 5 */
  folds?: number;
  /** gradient-ascent iterations per step size (step sizes 10³ … 10⁻³, as in the authors' code); default 100 */
  iterations?: number;
  /** the weighted base learner of `fitPredict`; default a LogisticRegression */
  learner?: LearnerOption;
  seed?: number;
}

export const KLIEP_DEFAULTS = {
  centers: 100,
  gamma: undefined as number | undefined,
  gammas: undefined as number[] | undefined,
  folds: 5,
  iterations: 100,
  learner: undefined as LearnerOption | undefined,
  seed: 0,
};

/** Maximise Σⱼ log (Aα)ⱼ / m subject to bᵀα = 1, α ≥ 0 (A: m × c row-major), by projected gradient ascent. */
function fitAlpha(A: Float64Array, m: number, c: number, b: Float64Array, iterations: number): Float64Array {
  const project = (a: Float64Array) => {
    let bb = 0, ba = 0;
    for (let l = 0; l < c; l++) {
      bb += b[l] * b[l];
      ba += b[l] * a[l];
    }
    for (let l = 0; l < c; l++) a[l] = Math.max(0, a[l] + ((1 - ba) * b[l]) / bb);
    let s = 0;
    for (let l = 0; l < c; l++) s += b[l] * a[l];
    for (let l = 0; l < c; l++) a[l] /= s;
  };
  const score = (a: Float64Array) => {
    let s = 0;
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let l = 0; l < c; l++) v += A[j * c + l] * a[l];
      s += Math.log(Math.max(v, 1e-300));
    }
    return s / m;
  };
  let alpha = new Float64Array(c).fill(1);
  project(alpha);
  let best = score(alpha);
  const grad = new Float64Array(c);
  for (let e = 3; e >= -3; e--) {
    const eps = 10 ** e;
    for (let it = 0; it < iterations; it++) {
      grad.fill(0);
      for (let j = 0; j < m; j++) {
        let v = 0;
        for (let l = 0; l < c; l++) v += A[j * c + l] * alpha[l];
        const inv = 1 / Math.max(v, 1e-300);
        for (let l = 0; l < c; l++) grad[l] += A[j * c + l] * inv;
      }
      const next = Float64Array.from(alpha, (a, l) => a + eps * grad[l]);
      project(next);
      const s = score(next);
      if (!(s > best)) break; // this step size no longer improves: try a smaller one
      best = s;
      alpha = next;
    }
  }
  return alpha;
}

/**
 * KLIEP. The density ratio is modelled as w(x) = Σₗ αₗ exp(−γ‖x − cₗ‖²) over `centers` target points cₗ, and
 * α maximises the mean of log w over the target under Σᵢ w(xᵢ)/n_s = 1 over the source and α ≥ 0.
 * `await fit(Xs, Xt)` sets `weights` = w(xᵢ) for every source row (their mean is 1); `fitPredict(Xs, ys, Xt)`
 * trains the weighted base learner on them. With `gammas`, γ is chosen by likelihood cross-validation.
 */
export class KLIEP extends InstanceWeighting {
  protected readonly name = "KLIEP";
  readonly options: typeof KLIEP_DEFAULTS;
  /** the γ used (chosen by cross-validation when `gammas` was given) and each candidate's held-out score */
  gamma: number | undefined;
  crossValidation: { gamma: number; score: number }[] = [];

  constructor(options?: KLIEPOptions) {
    super();
    this.options = checkOptions("KLIEP", options, KLIEP_DEFAULTS);
    const o = this.options;
    requireInteger("KLIEP", "centers", o.centers, 1);
    requireInteger("KLIEP", "folds", o.folds, 2);
    requireInteger("KLIEP", "iterations", o.iterations, 1);
    if (o.gamma !== undefined) requirePositive("KLIEP", "gamma", o.gamma);
    if (o.gammas !== undefined) {
      if (!Array.isArray(o.gammas) || o.gammas.length === 0) throw new Error(`KLIEP: option "gammas" must be a non-empty array of numbers > 0`);
      o.gammas.forEach((g, i) => requirePositive("KLIEP", `gammas[${i}]`, g));
    }
    if (o.learner !== undefined) singleLearner(o.learner, "KLIEP");
  }

  protected get learner(): LearnerOption | undefined {
    return this.options.learner;
  }

  /** The density ratio w(x) at the source rows. */
  protected async fitWeights(Xs: Matrix, Xt: Matrix): Promise<void> {
    const where = "KLIEP.fit";
    const o = this.options;
    const S = checkDomain(Xs, "Xs", where);
    let T: { t: tf.Tensor2D; owned: boolean } | null = null;
    const created: tf.Tensor[] = [];
    try {
      T = checkDomain(Xt, "Xt", where);
      checkFeatures(T.t, S.t.shape[1], "Xt", "Xs", where);
      const nt = T.t.shape[0];
      const rng = new Random(o.seed);
      const c = Math.min(o.centers, nt);
      const centerIdx = rng.permutation(nt).slice(0, c).sort();
      const C = tf.tidy(() => tf.gather(T!.t, tf.tensor1d(centerIdx, "int32")) as tf.Tensor2D);
      created.push(C);
      const kernelRows = async (X: tf.Tensor2D, gamma: number) => {
        const Km = kernelMatrix("rbf", X, C, { gamma });
        const out = Float64Array.from(await Km.data());
        Km.dispose();
        return out;
      };
      const meanRow = (Km: Float64Array, rows: number) => {
        const b = new Float64Array(c);
        for (let i = 0; i < rows; i++) for (let l = 0; l < c; l++) b[l] += Km[i * c + l] / rows;
        return b;
      };
      const ns = S.t.shape[0];
      let gamma = o.gamma ?? medianHeuristicGamma(S.t, T.t, { seed: o.seed });
      this.crossValidation = [];
      if (o.gammas !== undefined) {
        // likelihood cross-validation: fit α on k−1 folds of the target, score mean log w on the held-out fold
        const folds = Math.min(o.folds, nt);
        const order = rng.permutation(nt);
        let bestScore = -Infinity;
        for (const g of o.gammas) {
          const A = await kernelRows(T.t, g);
          const b = meanRow(await kernelRows(S.t, g), ns);
          let total = 0;
          for (let f = 0; f < folds; f++) {
            const held = new Set(Array.from(order).filter((_, r) => r % folds === f));
            const train = Array.from({ length: nt }, (_, j) => j).filter((j) => !held.has(j));
            const Atrain = new Float64Array(train.length * c);
            train.forEach((j, r) => Atrain.set(A.subarray(j * c, (j + 1) * c), r * c));
            const alpha = fitAlpha(Atrain, train.length, c, b, o.iterations);
            let s = 0;
            for (const j of held) {
              let v = 0;
              for (let l = 0; l < c; l++) v += A[j * c + l] * alpha[l];
              s += Math.log(Math.max(v, 1e-300));
            }
            total += s / held.size;
          }
          const score = total / folds;
          this.crossValidation.push({ gamma: g, score });
          if (score > bestScore) {
            bestScore = score;
            gamma = g;
          }
        }
      }
      const A = await kernelRows(T.t, gamma);
      const Ks = await kernelRows(S.t, gamma);
      const alpha = fitAlpha(A, nt, c, meanRow(Ks, ns), o.iterations);
      const w = new Float64Array(ns);
      for (let i = 0; i < ns; i++) {
        let v = 0;
        for (let l = 0; l < c; l++) v += Ks[i * c + l] * alpha[l];
        w[i] = v;
      }
      this.weights = w;
      this.gamma = gamma;
      return;
    } finally {
      tf.dispose(created);
      if (S.owned) S.t.dispose();
      if (T?.owned) T.t.dispose();
    }
  }
}
