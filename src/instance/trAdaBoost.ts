/**
 * TrAdaBoost (Dai, Yang, Xue & Yu, "Boosting for Transfer Learning", ICML 2007): AdaBoost over the source
 * samples and a few labelled target samples, where a misclassified *target* sample gains weight (as in
 * AdaBoost) but a misclassified *source* sample loses weight — it is taken to come from a part of the source
 * that disagrees with the target, so its influence is boosted down round by round.
 */
import * as tf from "../tf";
import { AdaptData, BaseAdapter, readAdaptData } from "../adapter";
import { requireTwoClasses } from "../classifiers/classifier";
import { Classifier } from "../classifiers/classifier";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { LearnerOption, checkDomain, checkFeatures, checkKnownClasses, checkLabels, learnerFactory } from "./common";

export interface TrAdaBoostOptions {
  /** boosting rounds N; default 10 */
  estimators?: number;
  /** the weighted base learner (an instance is copied each round, or a factory `() => Classifier`); default LogisticRegression */
  learner?: LearnerOption;
  /**
   * the error eᵢ = |h(xᵢ) − yᵢ| of a round: "soft" uses the learner's probabilities, eᵢ = 1 − p̂(yᵢ|xᵢ) (the paper's
   * [0, 1]-valued hypotheses, and ADAPT's choice); "hard" the 0/1 misclassification; "auto" (default): soft when
   * the learner has predictProba
   */
  errors?: "auto" | "hard" | "soft";
  /** scales the exponent of both weight updates (ADAPT's `lr`); default 1 */
  learningRate?: number;
  /** accepted for API uniformity: the boosting itself is deterministic (give the learner its own seed) */
  seed?: number;
}

export const TRADABOOST_DEFAULTS = {
  estimators: 10,
  learner: undefined as LearnerOption | undefined,
  errors: "auto" as "auto" | "hard" | "soft",
  learningRate: 1,
  seed: 0,
};

/** The weights and errors of every round, for plots of how the source weights fall. */
export interface TrAdaBoostHistory {
  /** the source weights each round's learner was trained with (all weights of a round sum to 1) */
  source: Float64Array[];
  /** the target weights of each round, on the same scale */
  target: Float64Array[];
  /** the weighted error εₜ on the labelled target samples */
  errors: number[];
  /** the learner's vote αₜ = ln((1 − εₜ)/εₜ) + ln(K − 1) */
  alphas: number[];
  /** the factor Cₜ applied to every source weight after round t (1 for TrAdaBoost; see DynamicTrAdaBoost) */
  corrections: number[];
}

/**
 * TrAdaBoost, binary as in the paper and multi-class in the SAMME way (Zhu, Zou, Rosset & Hastie 2009).
 * Round t (of N): train the learner on source ∪ labelled target with the normalised weights; measure its
 * weighted error εₜ on the labelled target only; then
 *
 *   source:  wᵢ ← wᵢ · β^{eᵢ},            β  = 1 / (1 + √(2 ln n_s / N))   (fixed, < 1: errors shrink weights)
 *   target:  wᵢ ← wᵢ · exp(αₜ eᵢ),        αₜ = ln((1 − εₜ)/εₜ) + ln(K − 1)  (K = 2: βₜ^{−eᵢ}, βₜ = εₜ/(1 − εₜ))
 *
 * with eᵢ = |h(xᵢ) − yᵢ|: 1 − p̂(yᵢ|xᵢ) for a learner with probabilities ("soft", the paper's [0, 1]-valued
 * hypotheses; the vote then adds αₜ·p̂ₜ), or [h(xᵢ) ≠ yᵢ] ("hard"). With a strong learner (logistic
 * regression on 800 features fits 30 target samples perfectly) hard errors are all 0 and nothing is
 * re-weighted: TrAdaBoost then is the pooled learner. εₜ is clipped into [1e-10, (K−1)/K − 1e-10] so
 * a perfect round keeps a finite vote. The prediction is the αₜ-weighted vote of rounds ⌈N/2⌉ … N, the
 * paper's rule (early rounds, still fooled by misleading source samples, do not vote).
 *
 * `fitPredict(Xs, ys, XtLabelled, ytLabelled, XtTest)` labels XtTest; `fit` then `predict` does the same in
 * two steps. `history` keeps every round's weights.
 */
export class TrAdaBoost extends BaseAdapter {
  readonly options: typeof TRADABOOST_DEFAULTS;
  classes: Int32Array = new Int32Array(0);
  history: TrAdaBoostHistory = { source: [], target: [], errors: [], alphas: [], corrections: [] };
  /** the source factor β of the last fit */
  sourceFactor = 1;
  private readonly makeLearner: () => Classifier;
  /** the voting rounds' learners and votes */
  private voters: { learner: Classifier; alpha: number }[] = [];
  private features = 0;

  /** a fresh copy of the base learner */
  protected newLearner(): Classifier {
    return this.makeLearner();
  }

  /** the number of features of the last fit */
  protected get featureCount(): number {
    return this.features;
  }

  /** the class name in messages */
  protected readonly where: string;
  protected readonly name: string;

  /** `where` and `extraDefaults`: for variants that add options (DynamicTrAdaBoost). */
  constructor(options?: TrAdaBoostOptions, where = "TrAdaBoost", extraDefaults: object = {}) {
    super();
    this.where = where;
    this.name = where;
    this.options = checkOptions(where, options, { ...TRADABOOST_DEFAULTS, ...extraDefaults });
    const o = this.options;
    requireInteger(where, "estimators", o.estimators, 1);
    requirePositive(where, "learningRate", o.learningRate);
    if (!["auto", "hard", "soft"].includes(o.errors)) throw new Error(`${where}: option "errors" must be "auto", "hard" or "soft", got ${JSON.stringify(o.errors)}`);
    this.makeLearner = learnerFactory(o.learner, where);
    const hasProba = typeof this.makeLearner().predictProba === "function";
    if (o.errors === "soft" && !hasProba) {
      throw new Error(`${where}: errors: "soft" needs a learner with predictProba; use errors: "hard" or another learner`);
    }
    this.soft = o.errors === "soft" || (o.errors === "auto" && hasProba);
  }

  /** whether this booster uses soft errors and a soft vote (see the `errors` option) */
  readonly soft: boolean;

  /**
   * The factor Cₜ on every source weight after round t, given `targetGrowth`, the factor by which the
   * labelled target's total weight grew in that round's update. TrAdaBoost: 1 (none).
   */
  protected sourceCorrection(targetGrowth: number): number {
    void targetGrowth;
    return 1;
  }

  /** Boost on the labelled source and the labelled target rows (`data.target.y`). */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, Xt, yt } = readAdaptData(`${this.where}.fit`, args, ["Xs", "ys", "Xt", "yt"], ["Xs", "ys", "Xt", "yt"]);
    await this.fitArrays(Xs, ys!, Xt, yt!);
    return this;
  }

  protected async fitArrays(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels): Promise<void> {
    const where = `${this.where}.fit`;
    const S = checkDomain(Xs, "Xs", where);
    let T: { t: tf.Tensor2D; owned: boolean } | null = null;
    let X: tf.Tensor2D | null = null;
    try {
      T = checkDomain(XtLabelled, "XtLabelled", where);
      checkFeatures(T.t, S.t.shape[1], "XtLabelled", "Xs", where);
      const ns = S.t.shape[0];
      const nt = T.t.shape[0];
      const labelsS = checkLabels(ys, ns, "ys", "Xs", where);
      const labelsT = checkLabels(ytLabelled, nt, "ytLabelled", "XtLabelled", where);
      checkKnownClasses(labelsT, labelsS, "ytLabelled", "ys (the source labels)", where);
      this.classes = requireTwoClasses(labelsS, "ys", where);
      this.features = S.t.shape[1];
      const K = this.classes.length;
      const column = new Map<number, number>();
      this.classes.forEach((c, j) => column.set(c, j));
      X = tf.concat([S.t, T.t], 0);
      const y = Int32Array.from([...labelsS, ...labelsT]);
      const n = ns + nt;
      const N = this.options.estimators;
      const lr = this.options.learningRate;
      const beta = 1 / (1 + Math.sqrt((2 * Math.log(ns)) / N));
      this.sourceFactor = beta;
      const w = new Float64Array(n).fill(1 / n);
      this.history = { source: [], target: [], errors: [], alphas: [], corrections: [] };
      this.voters = [];
      const firstVoter = Math.ceil(N / 2) - 1; // rounds ⌈N/2⌉ … N, 0-based
      const maxError = (K - 1) / K - 1e-10;
      for (let t = 0; t < N; t++) {
        let total = 0;
        for (const v of w) total += v;
        for (let i = 0; i < n; i++) w[i] /= total;
        this.history.source.push(w.slice(0, ns));
        this.history.target.push(w.slice(ns));
        const learner = this.makeLearner();
        // mean weight 1: the learner sees the same data scale every round
        await learner.fit(X, y, Float64Array.from(w, (v) => v * n));
        const e = await this.errorsOf(learner, X, y, column);
        let werr = 0, wt = 0;
        for (let i = ns; i < n; i++) {
          werr += w[i] * e[i];
          wt += w[i];
        }
        const eps = Math.min(Math.max(werr / wt, 1e-10), maxError);
        const alpha = Math.log((1 - eps) / eps) + Math.log(K - 1);
        this.history.errors.push(werr / wt);
        this.history.alphas.push(alpha);
        if (t >= firstVoter) this.voters.push({ learner, alpha });
        let grown = 0;
        for (let i = ns; i < n; i++) {
          w[i] *= Math.exp(lr * alpha * e[i]);
          grown += w[i];
        }
        const correction = this.sourceCorrection(grown / wt);
        this.history.corrections.push(correction);
        for (let i = 0; i < ns; i++) w[i] *= correction * beta ** (lr * e[i]);
      }
      return;
    } finally {
      X?.dispose();
      if (S.owned) S.t.dispose();
      if (T?.owned) T.t.dispose();
    }
  }

  /** eᵢ per training row: 0/1 misclassification, or 1 − p̂(yᵢ). */
  private async errorsOf(learner: Classifier, X: tf.Tensor2D, y: Int32Array, column: Map<number, number>): Promise<Float64Array> {
    if (!this.soft) {
      const pred = await learner.predict(X);
      return Float64Array.from(pred, (p, i) => (p === y[i] ? 0 : 1));
    }
    const P = await learner.predictProba!(X);
    const k = P.shape[1];
    const probs = await P.data();
    P.dispose();
    const learnerClasses = (learner as { classes?: Int32Array }).classes ?? this.classes;
    const col = new Map<number, number>();
    learnerClasses.forEach((c, j) => col.set(c, j));
    return Float64Array.from(y, (label, i) => {
      const j = col.get(label) ?? column.get(label);
      return j === undefined || j >= k ? 1 : Math.min(1, Math.max(0, 1 - probs[i * k + j]));
    });
  }

  /** The αₜ-weighted vote of rounds ⌈N/2⌉ … N (labels in the training labels' values). */
  async predict(X: Matrix): Promise<Int32Array> {
    return this.vote(X, "X", `${this.where}.predict`);
  }

  protected async vote(X: Matrix, argName: string, where: string): Promise<Int32Array> {
    if (this.voters.length === 0) throw this.notFitted(where.slice(this.where.length + 1) || "predict");
    const D = checkDomain(X, argName, where);
    try {
      checkFeatures(D.t, this.features, argName, "Xs", where);
      const n = D.t.shape[0];
      const K = this.classes.length;
      const column = new Map<number, number>();
      this.classes.forEach((c, j) => column.set(c, j));
      const votes = new Float64Array(n * K);
      for (const { learner, alpha } of this.voters) {
        if (this.soft) {
          const P = await learner.predictProba!(D.t);
          const probs = await P.data();
          const k = P.shape[1];
          P.dispose();
          const learnerClasses = (learner as { classes?: Int32Array }).classes ?? this.classes;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < k; j++) votes[i * K + column.get(learnerClasses[j])!] += alpha * probs[i * k + j];
          }
        } else {
          const pred = await learner.predict(D.t);
          for (let i = 0; i < n; i++) votes[i * K + column.get(pred[i])!] += alpha;
        }
      }
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let j = 1; j < K; j++) if (votes[i * K + j] > votes[i * K + best]) best = j;
        out[i] = this.classes[best];
      }
      return out;
    } finally {
      if (D.owned) D.t.dispose();
    }
  }

  /** `fit`, then the labels of `data.test` (required: the labelled target rows are training data). */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels, XtTest: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt, yt, test } = readAdaptData(`${this.where}.fitPredict`, args, ["Xs", "ys", "Xt", "yt", "test"], ["Xs", "ys", "Xt", "yt", "test"]);
    await this.fitArrays(Xs, ys!, Xt, yt!);
    return this.labelTest(test!);
  }

  /** The labels of fitPredict's test rows. */
  protected async labelTest(XtTest: Matrix): Promise<Int32Array> {
    return this.vote(XtTest, "XtTest", `${this.where}.fitPredict`);
  }
}
