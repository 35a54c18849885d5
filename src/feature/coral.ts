/**
 * CORrelation ALignment (Sun, Feng & Saenko, "Return of Frustratingly Easy Domain Adaptation", AAAI 2016):
 * whiten the source features with their own covariance, re-colour them with the target's. No eigenproblem
 * to choose components from, no labels: the second-order statistics are matched exactly.
 */
import * as tf from "@tensorflow/tfjs";
import { sqrtm } from "../linalg/sqrtm";
import { checkOptions, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { FeatureAdapter, LearnerOption, checkDomains, checkSourceLabels, rowCount } from "./adapter";

export interface CORALOptions {
  /** ridge added to both covariances (the paper's and the reference code's identity); default 1 */
  lambda?: number;
  /** base learner of `fitPredict`; default 1-NN */
  learner?: LearnerOption;
  /** seed of the square roots' power iteration; default 0 */
  seed?: number;
}

export const CORAL_DEFAULTS = {
  lambda: 1,
  learner: undefined as LearnerOption | undefined,
  seed: 0,
};

/** The sample covariance (rows are samples, divisor n − 1, as numpy's cov) plus λI. */
function covariancePlusRidge(X: tf.Tensor2D, lambda: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = X.shape[0];
    const Xc = X.sub(X.mean(0, true)) as tf.Tensor2D;
    const C = tf.matMul(Xc.transpose(), Xc).div(Math.max(1, n - 1));
    return C.add(tf.eye(X.shape[1]).mul(lambda)) as tf.Tensor2D;
  });
}

/**
 * CORAL: C_s = cov(X_s) + λI, C_t = cov(X_t) + λI, X_s ← X_s C_s^{-1/2} C_t^{1/2}; the target is left as it is.
 * The square roots come from `sqrtm` (coupled Newton–Schulz on the TF backend).
 */
export class CORAL extends FeatureAdapter {
  protected readonly name = "CORAL";
  readonly options: typeof CORAL_DEFAULTS;
  /** Newton–Schulz iterations of the two square roots, after fit */
  iterations: [number, number] = [0, 0];

  constructor(options?: CORALOptions) {
    super();
    this.options = checkOptions("CORAL", options, CORAL_DEFAULTS);
    requirePositive("CORAL", "lambda", this.options.lambda);
  }

  async fit(Xs: Matrix, Xt: Matrix): Promise<this> {
    const domains = checkDomains("CORAL.fit", Xs, Xt);
    const { lambda, seed } = this.options;
    try {
      if (domains.Xs.shape[0] < 2) throw new Error("CORAL.fit: Xs needs at least 2 rows to estimate a covariance");
      if (domains.Xt.shape[0] < 2) throw new Error("CORAL.fit: Xt needs at least 2 rows to estimate a covariance");
      const Cs = covariancePlusRidge(domains.Xs, lambda);
      const whiten = sqrtm(Cs, { seed });
      Cs.dispose();
      const Ct = covariancePlusRidge(domains.Xt, lambda);
      const colour = sqrtm(Ct, { seed });
      Ct.dispose();
      this.iterations = [whiten.iterations, colour.iterations];
      const Zs = tf.tidy(() => tf.matMul(domains.Xs, tf.matMul(whiten.invSqrt, colour.sqrt)) as tf.Tensor2D);
      tf.dispose([whiten.sqrt, whiten.invSqrt, colour.sqrt, colour.invSqrt]);
      this.setResult(Zs, tf.clone(domains.Xt));
      return this;
    } finally {
      domains.release();
    }
  }

  /** fit, then the base learner trained on the re-coloured source labels the target. */
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array> {
    const { labels } = checkSourceLabels("CORAL.fitPredict", ys, rowCount(Xs, "Xs"));
    await this.fit(Xs, Xt);
    return this.predictTarget(this.options.learner, labels);
  }
}
