/**
 * What KMM and KLIEP share as `BaseAdapter`s: `fit` learns one weight per source row from both domains; given
 * the source labels (`data.source.y`, or `fitPredict`) it also trains the base learner on the weighted source,
 * which `predict(X)` then uses for any rows.
 */
import { AdaptData, BaseAdapter, isAdaptData, readAdaptData } from "../adapter";
import { Classifier, LearnerOption, requireTwoClasses } from "../classifiers/classifier";
import { Labels, Matrix } from "../tensor";
import { checkDomain, checkLabels, singleLearner } from "./common";

export abstract class InstanceWeighting extends BaseAdapter {
  /** the source weights after `fit`, one per source row */
  weights: Float64Array = new Float64Array(0);
  /** the base learner trained on the weighted source (after a fit with source labels) */
  private model: Classifier | null = null;

  /** the `learner` option */
  protected abstract readonly learner: LearnerOption | undefined;

  /** Sets `weights` from the two domains. */
  protected abstract fitWeights(Xs: Matrix, Xt: Matrix): Promise<void>;

  /** Learns the source weights; with `data.source.y` also the weighted base learner that `predict` uses. */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, Xt } = readAdaptData(`${this.name}.fit`, args, ["Xs", "Xt"], ["Xs", "Xt"]);
    const ys = isAdaptData(args[0]) ? args[0].source?.y : undefined;
    await this.fitWith(`${this.name}.fit`, Xs, ys, Xt);
    return this;
  }

  /** Labels of X by the base learner trained on the weighted source. */
  async predict(X: Matrix): Promise<Int32Array> {
    if (this.model === null) throw this.notFitted("predict", "fit with source labels (data.source.y), or fitPredict,");
    return this.model.predict(X);
  }

  /** Fit the weights, train the base learner on the weighted source, and label `test` (default the target rows). */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt, test } = readAdaptData(`${this.name}.fitPredict`, args, ["Xs", "ys", "Xt", "test"], ["Xs", "ys", "Xt"]);
    await this.fitWith(`${this.name}.fitPredict`, Xs, ys, Xt);
    return this.predict(test ?? Xt);
  }

  private async fitWith(where: string, Xs: Matrix, ys: Labels | undefined, Xt: Matrix): Promise<void> {
    this.model = null;
    if (ys === undefined) {
      await this.fitWeights(Xs, Xt);
      return;
    }
    const learner = singleLearner(this.learner, this.name);
    const S = checkDomain(Xs, "Xs", where);
    try {
      const labels = checkLabels(ys, S.t.shape[0], "ys", "Xs", where);
      requireTwoClasses(labels, "ys", where);
      await this.fitWeights(S.t, Xt);
      await learner.fit(S.t, labels, this.weights);
      this.model = learner;
    } finally {
      if (S.owned) S.t.dispose();
    }
  }
}
