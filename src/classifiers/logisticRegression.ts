/**
 * Multinomial (softmax) logistic regression with L2 regularisation and sample weights: the base learner of
 * KMM (importance-weighted) and the domain classifier of the proxy A-distance.
 */
import * as tf from "../tf";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Labels, Matrix, assertFiniteAsync, disposeIfCreated, toTensor2D } from "../tensor";
import { Classifier, checkLabelCount, checkSampleWeight, encodeLabels } from "./classifier";
import { minimizeLbfgs } from "../optim/lbfgs";
import { linearLogits, labelsOfLargest, softmaxProbabilities } from "./linearModel";
import { InvalidOptionError, NotFittedError, SolverStatus, warnIfNotConverged } from "../errors";

export interface LogisticRegressionOptions {
  /** L2 coefficient λ in the objective below (the intercept is not penalised); default 1e-2 */
  lambda?: number;
  /** L-BFGS iterations at most; default 300 */
  maxIterations?: number;
  /** stop when max |gradient| ≤ tolerance (sklearn's criterion and default); default 1e-4 */
  tolerance?: number;
  /** learn a per-class intercept; default true */
  fitIntercept?: boolean;
  /** accepted for API uniformity: the objective is strictly convex and the start is 0, so nothing is random */
  seed?: number;
}

export const LOGISTIC_REGRESSION_DEFAULTS = { lambda: 1e-2, maxIterations: 300, tolerance: 1e-4, fitIntercept: true, seed: 0 };

/** How the last `fit` went. */
export interface FitInfo {
  loss: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** the gradient test was met (status "converged") */
  converged: boolean;
  /** how L-BFGS stopped: "converged", "stalled" (no measurable decrease) or "iteration-limit"; a warning says so once */
  status: SolverStatus;
}

/**
 * Minimises  Σᵢ wᵢ·CE(softmax(W·xᵢ + b), yᵢ) / Σᵢ wᵢ  +  (λ/2)‖W‖²_F  by full-batch L-BFGS: a weighted mean
 * cross-entropy, so λ means the same thing whatever the number or scale of the weights. The loss and its
 * analytic gradient are TF ops (two n×d×k matMuls per evaluation); L-BFGS starts from W = 0, b = 0, so the
 * same data give the same model. λ = 1e-2 suits standardised features (z-scores), e.g. Office-Caltech SURF.
 *
 * `predictProba` returns a tf.Tensor2D (n × classes, columns in the order of `classes`) that the caller
 * disposes; `predict` returns labels in the training labels' own values.
 */
export class LogisticRegression implements Classifier {
  readonly options: Required<LogisticRegressionOptions>;
  /** the distinct training labels, ascending; column j of `predictProba` is `classes[j]` */
  classes: Int32Array = new Int32Array(0);
  /** weights W (features × classes, row-major) and intercepts b, after fit */
  coef: Float32Array = new Float32Array(0);
  intercept: Float32Array = new Float32Array(0);
  fitInfo: FitInfo | null = null;
  private features = 0;

  constructor(options?: LogisticRegressionOptions) {
    this.options = checkOptions("LogisticRegression", options, LOGISTIC_REGRESSION_DEFAULTS);
    if (!(this.options.lambda >= 0)) throw new InvalidOptionError(`LogisticRegression: option "lambda" must be ≥ 0, got ${this.options.lambda}`);
    requireInteger("LogisticRegression", "maxIterations", this.options.maxIterations, 1);
    requirePositive("LogisticRegression", "tolerance", this.options.tolerance);
  }

  async fit(X: Matrix, y: Labels, sampleWeight?: ArrayLike<number>): Promise<this> {
    const Xt = toTensor2D(X, "X");
    const [n, d] = Xt.shape;
    let data: tf.Tensor[] = [];
    try {
      await assertFiniteAsync(Xt, "X"); // async: synchronous reads fail on WebGPU in Node
      const { classes, index } = encodeLabels(y, "y");
      checkLabelCount(index, n, "LogisticRegression.fit");
      const w = checkSampleWeight(sampleWeight, n, "LogisticRegression.fit");
      const k = classes.length;
      this.classes = classes;
      this.features = d;
      if (k === 1) {
        // one class: nothing to separate; it is predicted with probability 1
        this.coef = new Float32Array(d);
        this.intercept = new Float32Array(1);
        this.fitInfo = { loss: 0, gradientNorm: 0, iterations: 0, evaluations: 0, converged: true, status: "converged" };
        return this;
      }
      const total = w.reduce((a, b) => a + b, 0);
      const { lambda, fitIntercept } = this.options;
      // constants of the objective: one-hot targets scaled by the normalised weights, and those weights
      const wn = tf.tensor2d(Float32Array.from(w, (v) => v / total), [n, 1]);
      const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(index, "int32"), k).toFloat()) as tf.Tensor2D;
      const Yw = Y.mul(wn) as tf.Tensor2D;
      const XT = Xt.transpose() as tf.Tensor2D; // for the gradient: wasm's matMul is slow with transposeA
      data = [wn, Y, Yw, XT];
      const nW = d * k;
      const objective = async (theta: Float64Array) => {
        const out = tf.tidy(() => {
          const W = tf.tensor2d(Float32Array.from(theta.subarray(0, nW)), [d, k]);
          let logits = tf.matMul(Xt, W);
          if (fitIntercept) logits = logits.add(tf.tensor1d(Float32Array.from(theta.subarray(nW))));
          const lse = tf.logSumExp(logits, 1, true);
          // CEᵢ = lseᵢ − logit of the true class, per row before summing: one large sum minus another would
          // lose float32 digits to cancellation and make the loss too noisy for the line search
          const ce = lse.sub(Y.mul(logits).sum(1, true));
          const loss = tf.sum(wn.mul(ce)).add(tf.sum(W.square()).mul(lambda / 2));
          const R = tf.exp(logits.sub(lse)).mul(wn).sub(Yw); // wᵢ (pᵢ − yᵢ)
          const gW = tf.matMul(XT, R).add(W.mul(lambda));
          const parts = [loss.reshape([1]), gW.reshape([-1])];
          if (fitIntercept) parts.push(R.sum(0));
          return tf.concat(parts);
        });
        const v = await out.data();
        out.dispose();
        return { value: v[0], gradient: Float64Array.from(v.subarray(1)) };
      };
      const result = await minimizeLbfgs(objective, new Float64Array(nW + (fitIntercept ? k : 0)), {
        maxIterations: this.options.maxIterations,
        tolerance: this.options.tolerance,
      });
      this.coef = Float32Array.from(result.x.subarray(0, nW));
      this.intercept = fitIntercept ? Float32Array.from(result.x.subarray(nW)) : new Float32Array(k);
      this.fitInfo = {
        loss: result.value,
        gradientNorm: result.gradientNorm,
        iterations: result.iterations,
        evaluations: result.evaluations,
        converged: result.converged,
        status: result.status,
      };
      warnIfNotConverged("LogisticRegression", "L-BFGS", result);
      return this;
    } finally {
      tf.dispose(data);
      disposeIfCreated(Xt, X);
    }
  }

  /** W·x + b for each row (n × classes); the caller disposes. */
  private async logits(X: Matrix, where: string): Promise<tf.Tensor2D> {
    if (this.fitInfo === null) throw new NotFittedError("LogisticRegression: call fit(X, y) before predict");
    return linearLogits({ coef: this.coef, intercept: this.intercept, features: this.features, classes: this.classes }, X, (got) => `LogisticRegression.predict: X has ${got} features but the training data had ${this.features}`, where);
  }

  async predictProba(X: Matrix): Promise<tf.Tensor2D> {
    return softmaxProbabilities(await this.logits(X, "LogisticRegression.predictProba"));
  }

  async predict(X: Matrix): Promise<Int32Array> {
    return labelsOfLargest(await this.logits(X, "LogisticRegression.predict"), this.classes);
  }
}
