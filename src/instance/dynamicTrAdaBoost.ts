/**
 * Dynamic TrAdaBoost (Al-Stouhi & Reddy, "Adaptive Boosting for Transfer Learning using Dynamic Updates",
 * ECML PKDD 2011): TrAdaBoost with a correction factor on the source weights, so that they stop draining
 * away whether or not the source helps.
 *
 * In TrAdaBoost a source sample that the round's learner gets right keeps its weight before normalisation,
 * but the misclassified target samples grow, so after normalisation every correct source sample loses
 * weight anyway: after N rounds the source has been pushed down by the target's growth alone ("weight
 * drift"), and the ensemble ends near the target-only learner even where the source is as good as the
 * target. The paper multiplies the source weights by Cₜ = 2(1 − εₜ), which for two classes and 0/1 errors is
 * exactly the factor by which the target's total weight grew; correct source samples then keep their share.
 * Here Cₜ is that growth factor in general (K(1 − εₜ) for K classes with 0/1 errors, SAMME's update; the
 * measured growth with soft errors), which is the paper's factor in its own setting.
 *
 * The correction keeps a useful source, but it also keeps a harmful one (the drift is what pushed it down).
 * A second remedy, measured in bench/instance.ts: `select: "cv"` cross-validates (stratified folds on the
 * labelled target samples) the boosted ensemble against the pooled learner (the same learner on source +
 * labelled target, unweighted) and the target-only learner, and keeps the best, as SafeTransfer chooses
 * between arms. With few labels the out-of-fold estimate is noisy, so the choice is reported (`selection`).
 */
import * as tf from "../tf";
import { Classifier } from "../classifiers/classifier";
import { accuracy } from "../metrics/accuracy";
import { requireInteger } from "../options";
import { stratifiedFolds } from "../safe/guard";
import { Labels, Matrix, toLabels } from "../tensor";
import { checkDomain, checkFeatures } from "./common";
import { TrAdaBoost, TrAdaBoostOptions } from "./trAdaBoost";

export interface DynamicTrAdaBoostOptions extends TrAdaBoostOptions {
  /**
   * "boost" (default): the dynamic booster itself; "cv": choose between it, the pooled learner and the
   * target-only learner by stratified cross-validation on the labelled target samples
   */
  select?: "boost" | "cv";
  /** folds of `select: "cv"` (at most the smallest labelled class's count; fewer are used then); default 3 */
  folds?: number;
}

export const DYNAMIC_TRADABOOST_DEFAULTS = { select: "boost" as "boost" | "cv", folds: 3 };

/** What `select: "cv"` measured and chose. */
export interface BoostOrPoolSelection {
  choice: "boosted" | "pooled" | "target only";
  /** out-of-fold accuracy (0..1) on the labelled target samples */
  boostedAccuracy: number;
  pooledAccuracy: number;
  targetOnlyAccuracy: number;
  folds: number;
}

export class DynamicTrAdaBoost extends TrAdaBoost {
  declare readonly options: TrAdaBoost["options"] & typeof DYNAMIC_TRADABOOST_DEFAULTS;
  /** after a fit with `select: "cv"`: both out-of-fold accuracies and the choice; null otherwise */
  selection: BoostOrPoolSelection | null = null;
  /** the chosen single learner (pooled or target-only) when `select: "cv"` did not keep the booster */
  private pooled: Classifier | null = null;

  constructor(options?: DynamicTrAdaBoostOptions) {
    super(options, "DynamicTrAdaBoost", DYNAMIC_TRADABOOST_DEFAULTS);
    if (this.options.select !== "boost" && this.options.select !== "cv") {
      throw new Error(`DynamicTrAdaBoost: option "select" must be "boost" or "cv", got ${JSON.stringify(this.options.select)}`);
    }
    requireInteger("DynamicTrAdaBoost", "folds", this.options.folds, 2);
  }

  /** Cₜ = the target's growth: correctly classified source samples keep their normalised weight. */
  protected override sourceCorrection(targetGrowth: number): number {
    return targetGrowth;
  }

  protected override async fitArrays(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels): Promise<void> {
    this.pooled = null;
    this.selection = null;
    await super.fitArrays(Xs, ys, XtLabelled, ytLabelled);
    if (this.options.select === "cv") await this.crossValidate(Xs, ys, XtLabelled, ytLabelled);
  }

  /** Out-of-fold accuracy of the booster and of the pooled learner; refits the pooled one if it wins. */
  private async crossValidate(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels): Promise<void> {
    const where = "DynamicTrAdaBoost.fit";
    const S = checkDomain(Xs, "Xs", where);
    const T = checkDomain(XtLabelled, "XtLabelled", where);
    try {
      const yt = toLabels(ytLabelled, "ytLabelled");
      const ysl = toLabels(ys, "ys");
      const counts = new Map<number, number>();
      for (const c of yt) counts.set(c, (counts.get(c) ?? 0) + 1);
      const k = Math.min(this.options.folds, ...counts.values());
      if (k < 2) {
        // a class with a single labelled sample: no fold can hold it out and still train on it
        this.selection = { choice: "boosted", boostedAccuracy: NaN, pooledAccuracy: NaN, targetOnlyAccuracy: NaN, folds: 0 };
        return;
      }
      const fold = stratifiedFolds(yt, k, this.options.seed);
      const boostedPred = new Int32Array(yt.length), pooledPred = new Int32Array(yt.length), targetPred = new Int32Array(yt.length);
      for (let f = 0; f < k; f++) {
        const train = [...yt.keys()].filter((i) => fold[i] !== f), test = [...yt.keys()].filter((i) => fold[i] === f);
        const [Xtr, Xte] = tf.tidy(() => [tf.gather(T.t, train), tf.gather(T.t, test)] as tf.Tensor2D[]);
        const ytr = Int32Array.from(train, (i) => yt[i]);
        const inner = new DynamicTrAdaBoost({ ...this.options, select: "boost" });
        const b = await inner.fitPredict(S.t, ysl, Xtr, ytr, Xte);
        const p = await this.fitPooled(S.t, ysl, Xtr, ytr);
        const pp = await p.predict(Xte);
        const tp = await (await this.fitPooled(null, null, Xtr, ytr)).predict(Xte);
        test.forEach((i, j) => { boostedPred[i] = b[j]; pooledPred[i] = pp[j]; targetPred[i] = tp[j]; });
        tf.dispose([Xtr, Xte]);
      }
      const boostedAccuracy = accuracy(boostedPred, yt), pooledAccuracy = accuracy(pooledPred, yt), targetOnlyAccuracy = accuracy(targetPred, yt);
      // ties go to the booster (the method's own answer), then to pooled: an arm must measurably beat them
      const choice = boostedAccuracy >= Math.max(pooledAccuracy, targetOnlyAccuracy) ? "boosted"
        : pooledAccuracy >= targetOnlyAccuracy ? "pooled" : "target only";
      this.selection = { choice, boostedAccuracy, pooledAccuracy, targetOnlyAccuracy, folds: k };
      if (choice === "pooled") this.pooled = await this.fitPooled(S.t, ysl, T.t, yt);
      if (choice === "target only") this.pooled = await this.fitPooled(null, null, T.t, yt);
    } finally {
      if (S.owned) S.t.dispose();
      if (T.owned) T.t.dispose();
    }
  }

  /** The learner, unweighted, on source + labelled target rows (pooled) or, with no source, on the target rows alone. */
  private async fitPooled(Xs: tf.Tensor2D | null, ys: Int32Array | null, Xt: tf.Tensor2D, yt: Int32Array): Promise<Classifier> {
    const learner = this.newLearner();
    if (Xs === null || ys === null) return learner.fit(Xt, yt).then(() => learner);
    const X = tf.concat([Xs, Xt], 0) as tf.Tensor2D;
    try {
      await learner.fit(X, Int32Array.from([...ys, ...yt]));
      return learner;
    } finally {
      X.dispose();
    }
  }

  /** The boosted ensemble's vote, whatever `select: "cv"` chose (to compare the two). */
  async predictBoosted(X: Matrix): Promise<Int32Array> {
    return super.predict(X);
  }

  override async predict(X: Matrix): Promise<Int32Array> {
    return this.pooled === null ? super.predict(X) : this.predictPooled(X, "X", "DynamicTrAdaBoost.predict");
  }

  protected override async labelTest(XtTest: Matrix): Promise<Int32Array> {
    return this.pooled === null ? this.vote(XtTest, "XtTest", "DynamicTrAdaBoost.fitPredict")
      : this.predictPooled(XtTest, "XtTest", "DynamicTrAdaBoost.fitPredict");
  }

  private async predictPooled(X: Matrix, argName: string, where: string): Promise<Int32Array> {
    const D = checkDomain(X, argName, where);
    try {
      checkFeatures(D.t, this.featureCount, argName, "Xs", where);
      return await this.pooled!.predict(D.t);
    } finally {
      if (D.owned) D.t.dispose();
    }
  }
}
