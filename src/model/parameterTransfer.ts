/**
 * Parameter transfer for linear models — prior-based transfer (e.g. Chelba & Acero 2006; Evgeniou & Pontil's
 * regularised multi-task view): the target classifier is trained on its few labels with an L2 penalty that pulls
 * its weights towards the **source model's** weights instead of towards zero,
 *
 *     min_W,b   Σᵢ CE(softmax(W·xᵢ + b), yᵢ)   +   (λ/2)·(‖W − W_s‖²_F + ‖b − b_s‖²) ,
 *
 * a MAP estimate under a Gaussian prior of precision λ: the prior weighs the same whatever the number n of
 * target labels, so the target's own evidence takes over as n grows. λ → 0: target-only (unregularised);
 * λ → ∞: the source model itself. Centred at zero instead, the weight term is the L2 penalty of the
 * target-only baseline (`LogisticRegression({ lambda: λ / n })`, which divides the sum by n). It is a Gaussian prior centred on the source
 * parameters: the source's *parameters* are what is transferred. The intercepts are pulled too: left free,
 * they over-fit one labelled sample per class and undo what the prior keeps.
 */
import * as tf from "../tf";
import { AdaptData, BaseAdapter, isAdaptData, readAdaptData } from "../adapter";
import { LogisticRegression } from "../classifiers/logisticRegression";
import { encodeLabels, checkLabelCount } from "../classifiers/classifier";
import { minimizeLbfgs } from "../optim/lbfgs";
import { linearLogits, labelsOfLargest, softmaxProbabilities } from "../classifiers/linearModel";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Labels, Matrix, assertFinite, disposeIfCreated, toTensor2D } from "../tensor";
import { InvalidOptionError, NotFittedError, ShapeMismatchError, warnIfNotConverged } from "../errors";

export interface ParameterTransferOptions {
  /** precision λ of the prior, i.e. the pull towards the source parameters against the *summed* cross-entropy; default 1 */
  lambda?: number;
  /** L2 coefficient of the source logistic regression that `fitPredict` trains; default 1e-2 (LogisticRegression's) */
  sourceLambda?: number;
  /** L-BFGS iterations at most; default 300 */
  maxIterations?: number;
  /** stop when max |gradient| ≤ tolerance; default 1e-4 */
  tolerance?: number;
  /** accepted for API uniformity: the objective is strictly convex, nothing is random */
  seed?: number;
}

export const PARAMETER_TRANSFER_DEFAULTS = { lambda: 1, sourceLambda: 1e-2, maxIterations: 300, tolerance: 1e-4, seed: 0 };

/** The transferred parameters: a fitted linear softmax model (a LogisticRegression has exactly these fields). */
export interface SourceParameters {
  /** class labels of the columns of `coef`, ascending */
  classes: Int32Array;
  /** features × classes, row-major */
  coef: Float32Array;
  intercept: Float32Array;
}

export class ParameterTransfer extends BaseAdapter {
  protected readonly name = "ParameterTransfer";
  readonly options: typeof PARAMETER_TRANSFER_DEFAULTS;
  /** the target's classes (ascending), weights (features × classes, row-major) and intercepts, after fit */
  classes: Int32Array = new Int32Array(0);
  coef: Float32Array = new Float32Array(0);
  intercept: Float32Array = new Float32Array(0);
  /** the source model of the last `fitPredict` */
  sourceModel: LogisticRegression | null = null;
  private features = 0;

  constructor(options?: ParameterTransferOptions) {
    super();
    this.options = checkOptions("ParameterTransfer", options, PARAMETER_TRANSFER_DEFAULTS);
    if (!(this.options.lambda >= 0)) throw new InvalidOptionError(`ParameterTransfer: option "lambda" must be ≥ 0, got ${this.options.lambda}`);
    if (!(this.options.sourceLambda >= 0)) throw new InvalidOptionError(`ParameterTransfer: option "sourceLambda" must be ≥ 0, got ${this.options.sourceLambda}`);
    requireInteger("ParameterTransfer", "maxIterations", this.options.maxIterations, 1);
    requirePositive("ParameterTransfer", "tolerance", this.options.tolerance);
  }

  /**
   * Trains on the labelled target samples (X, y) with the prior centred on `source`'s weights. A target class
   * that the source lacks gets a zero prior column (plain L2 for it); the source's extra classes are ignored.
   */
  async fit(data: AdaptData): Promise<this>;
  async fit(X: Matrix, y: Labels, source: SourceParameters): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    if (isAdaptData(args[0])) {
      const { Xs, ys, Xt, yt } = readAdaptData("ParameterTransfer.fit", args, ["Xs", "ys", "Xt", "yt"], ["Xs", "ys", "Xt", "yt"]);
      return this.fitBoth(Xs, ys!, Xt, yt!);
    }
    const [X, y, source] = args as [Matrix, Labels, SourceParameters];
    return this.fitWithPrior(X, y, source);
  }

  /** The source model (`sourceLambda`), then the target model pulled towards it. */
  private async fitBoth(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels): Promise<this> {
    this.sourceModel = await new LogisticRegression({ lambda: this.options.sourceLambda, maxIterations: this.options.maxIterations, tolerance: this.options.tolerance }).fit(Xs, ys);
    return this.fitWithPrior(XtLabelled, ytLabelled, this.sourceModel);
  }

  private async fitWithPrior(X: Matrix, y: Labels, source: SourceParameters): Promise<this> {
    if (source === undefined || source === null || !(source.coef instanceof Float32Array)) {
      throw new InvalidOptionError("ParameterTransfer.fit: give fit({ source, target }) or fit(X, y, source) with source a fitted LogisticRegression or { classes, coef, intercept }");
    }
    const Xt = toTensor2D(X, "X");
    const owned: tf.Tensor[] = [];
    try {
      assertFinite(Xt, "X");
      const [n, d] = Xt.shape;
      const { classes, index } = encodeLabels(y, "y");
      checkLabelCount(index, n, "ParameterTransfer.fit");
      const k = classes.length;
      const ks = source.classes.length;
      if (ks === 0 || source.coef.length !== d * ks) {
        throw new ShapeMismatchError(`ParameterTransfer.fit: the source model has ${source.coef.length / Math.max(1, ks)} features × ${ks} classes but X has ${d} features; ` +
          `fit the source on the same features (call its fit first)`);
      }
      // the prior W_s, columns in the target's class order, and the source intercepts as the starting point
      const prior = new Float64Array(d * k);
      const theta0 = new Float64Array(d * k + k);
      classes.forEach((c, j) => {
        const s = source.classes.indexOf(c);
        if (s < 0) return;
        for (let f = 0; f < d; f++) prior[f * k + j] = source.coef[f * ks + s];
        theta0[d * k + j] = source.intercept[s];
      });
      theta0.set(prior.subarray(0, d * k));
      this.classes = classes;
      this.features = d;
      if (k === 1) {
        this.coef = Float32Array.from(prior);
        this.intercept = new Float32Array(1);
        return this;
      }
      // the objective is computed divided by n (a mean, as LogisticRegression's), which leaves the minimiser as
      // is and keeps the gradient tolerance meaningful whatever n
      const lambda = this.options.lambda;
      const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(index, "int32"), k).toFloat().div(n)) as tf.Tensor2D; // one-hot / n
      const Ws = tf.tensor2d(Float32Array.from(prior), [d, k]);
      const bs = tf.tensor1d(Float32Array.from(theta0.subarray(d * k)));
      const XT = Xt.transpose() as tf.Tensor2D;
      owned.push(Y, Ws, bs, XT);
      const nW = d * k;
      const objective = async (theta: Float64Array) => {
        const out = tf.tidy(() => {
          const W = tf.tensor2d(Float32Array.from(theta.subarray(0, nW)), [d, k]);
          const logits = tf.matMul(Xt, W).add(tf.tensor1d(Float32Array.from(theta.subarray(nW))));
          const lse = tf.logSumExp(logits, 1, true);
          // mean cross-entropy, per row before summing (see LogisticRegression: float32 cancellation)
          const ce = lse.div(n).sub(Y.mul(logits).sum(1, true));
          const diff = W.sub(Ws);
          const b = tf.tensor1d(Float32Array.from(theta.subarray(nW)));
          const diffB = b.sub(bs);
          const loss = tf.sum(ce).add(tf.sum(diff.square()).add(tf.sum(diffB.square())).mul(lambda / (2 * n)));
          const R = tf.exp(logits.sub(lse)).div(n).sub(Y); // (pᵢ − yᵢ) / n
          const gW = tf.matMul(XT, R).add(diff.mul(lambda / n));
          return tf.concat([loss.reshape([1]), gW.reshape([-1]), R.sum(0).add(diffB.mul(lambda / n))]);
        });
        const v = await out.data();
        out.dispose();
        return { value: v[0], gradient: Float64Array.from(v.subarray(1)) };
      };
      const result = await minimizeLbfgs(objective, theta0, { maxIterations: this.options.maxIterations, tolerance: this.options.tolerance });
      warnIfNotConverged("ParameterTransfer", "L-BFGS", result);
      this.coef = Float32Array.from(result.x.subarray(0, nW));
      this.intercept = Float32Array.from(result.x.subarray(nW));
      return this;
    } finally {
      tf.dispose(owned);
      disposeIfCreated(Xt, X);
    }
  }

  /**
   * The whole transfer in one call (the TrAdaBoost shape of docs/design.md): a logistic regression on the source
   * (Xs, ys) with `sourceLambda`, then the target model on (XtLabelled, ytLabelled) pulled towards it; returns
   * labels for XtTest.
   */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, XtLabelled: Matrix, ytLabelled: Labels, XtTest: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt, yt, test } = readAdaptData("ParameterTransfer.fitPredict", args, ["Xs", "ys", "Xt", "yt", "test"], ["Xs", "ys", "Xt", "yt", "test"]);
    await this.fitBoth(Xs, ys!, Xt, yt!);
    return this.predict(test!);
  }

  private async logits(X: Matrix, where: string): Promise<tf.Tensor2D> {
    if (this.classes.length === 0) throw this.notFitted("predict");
    return linearLogits({ coef: this.coef, intercept: this.intercept, features: this.features, classes: this.classes }, X, (got) => `ParameterTransfer.predict: X has ${got} features but the model has ${this.features}`, where);
  }

  /** Class probabilities (columns: `classes`); the caller disposes. */
  async predictProba(X: Matrix): Promise<tf.Tensor2D> {
    return softmaxProbabilities(await this.logits(X, "ParameterTransfer.predictProba"));
  }

  async predict(X: Matrix): Promise<Int32Array> {
    return labelsOfLargest(await this.logits(X, "ParameterTransfer.predict"), this.classes);
  }

  /** ‖W − W_s‖_F / ‖W_s‖_F for the classes both share: how far the target moved from the source's parameters. */
  distanceFromSource(source: SourceParameters): number {
    const k = this.classes.length, ks = source.classes.length, d = this.features;
    let num = 0, den = 0;
    this.classes.forEach((c, j) => {
      const s = source.classes.indexOf(c);
      if (s < 0) return;
      for (let f = 0; f < d; f++) {
        const ws = source.coef[f * ks + s];
        num += (this.coef[f * k + j] - ws) ** 2;
        den += ws * ws;
      }
    });
    return den > 0 ? Math.sqrt(num / den) : NaN;
  }
}
