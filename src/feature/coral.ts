/**
 * CORrelation ALignment (Sun, Feng & Saenko, "Return of Frustratingly Easy Domain Adaptation", AAAI 2016):
 * whiten the source features with their own covariance, re-colour them with the target's. No eigenproblem
 * to choose components from, no labels: the second-order statistics are matched exactly.
 */
import * as tf from "../tf";
import { AdaptData, isAdaptData, readAdaptData } from "../adapter";
import { ShapeMismatchError } from "../errors";
import { dense } from "../linalg/dense";
import { sqrtm } from "../linalg/sqrtm";
import { symmetricEigen } from "../linalg/symmetricEigen";
import { checkOptions, requirePositive } from "../options";
import { Labels, Matrix, assertFinite, disposeIfCreated, toTensor2D } from "../tensor";
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
 * Y ↦ Y (C + λI)^p for C = cov(X): with fewer samples than features (n − 1 < d) C has rank < n, and
 * (C + λI)^p = λ^p I + V ((σ + λ)^p − λ^p) Vᵀ over C's nonzero eigenpairs (σ, V), which come from the n × n
 * Gram matrix of the centred rows (float64 eigendecomposition): O(n² d + n³) instead of d³ per step of an
 * iteration. Otherwise the d × d matrix power by the scaled Newton–Schulz iteration (λ bounds the spectrum
 * from below). Returns the operator and the iterations it took (0 on the Gram route).
 */
export function ridgedCovariancePower(X: tf.Tensor2D, lambda: number, power: 0.5 | -0.5, seed: number): { apply: (Y: tf.Tensor2D) => tf.Tensor2D; iterations: number; dispose: () => void } {
  const [n, d] = X.shape;
  if (n - 1 < d) {
    const Xc = tf.tidy(() => X.sub(X.mean(0, true)).div(Math.sqrt(n - 1)) as tf.Tensor2D);
    const gram = tf.tidy(() => tf.matMul(Xc, Xc.transpose()));
    const { values, vectors } = symmetricEigen(dense(n, n, Float64Array.from(gram.dataSync())));
    gram.dispose();
    const top = values[n - 1];
    const keep: number[] = [];
    for (let j = n - 1; j >= 0; j--) if (values[j] > 1e-10 * top) keep.push(j);
    const r = keep.length;
    // V = Xcᵀ U σ^{-1/2} (d × r, orthonormal), and the diagonal (σ + λ)^p − λ^p
    const U = new Float32Array(n * r);
    const scale = new Float32Array(r);
    keep.forEach((j, c) => {
      const inv = 1 / Math.sqrt(values[j]);
      for (let i = 0; i < n; i++) U[i * r + c] = vectors!.data[i * n + j] * inv;
      scale[c] = (values[j] + lambda) ** power - lambda ** power;
    });
    // explicit transposes: wasm's matMul is ~15× slower with its transpose flags
    const V = tf.tidy(() => tf.matMul(Xc.transpose(), tf.tensor2d(U, [n, r])) as tf.Tensor2D);
    const VT = V.transpose() as tf.Tensor2D;
    Xc.dispose();
    const D = tf.tensor1d(scale);
    const base = lambda ** power;
    return {
      apply: (Y) => tf.tidy(() => Y.mul(base).add(tf.matMul(tf.matMul(Y, V).mul(D), VT)) as tf.Tensor2D),
      iterations: 0,
      dispose: () => tf.dispose([V, VT, D]),
    };
  }
  const C = covariancePlusRidge(X, lambda);
  const roots = sqrtm(C, { seed, lowerBound: lambda });
  C.dispose();
  const M = power === 0.5 ? roots.sqrt : roots.invSqrt;
  tf.dispose(power === 0.5 ? roots.invSqrt : roots.sqrt);
  return { apply: (Y) => tf.matMul(Y, M) as tf.Tensor2D, iterations: roots.iterations, dispose: () => M.dispose() };
}

/**
 * CORAL: C_s = cov(X_s) + λI, C_t = cov(X_t) + λI, X_s ← X_s C_s^{-1/2} C_t^{1/2}; the target is left as it is.
 * Each matrix power is applied through the covariance's Gram matrix when the domain has fewer samples than
 * features, through `sqrtm` (scaled coupled Newton–Schulz on the TF backend) otherwise.
 */
export class CORAL extends FeatureAdapter {
  protected readonly name = "CORAL";
  readonly options: typeof CORAL_DEFAULTS;
  /** Newton–Schulz iterations of the two square roots, after fit (0: that side went the Gram-matrix route) */
  iterations: [number, number] = [0, 0];

  constructor(options?: CORALOptions) {
    super();
    this.options = checkOptions("CORAL", options, CORAL_DEFAULTS);
    requirePositive("CORAL", "lambda", this.options.lambda);
  }

  protected learnerOption(): LearnerOption | undefined {
    return this.options.learner;
  }

  /** New target rows as they are: CORAL re-colours the source and leaves the target unchanged. A new tensor. */
  override transform(X: Matrix): tf.Tensor2D {
    const shape = this.transformTargetShape();
    const T = toTensor2D(X, "X");
    try {
      if (T.shape[1] !== shape) throw new ShapeMismatchError(`CORAL.transform: X has ${T.shape[1]} features but the target had ${shape}`);
      assertFinite(T, "X", "CORAL.transform");
      return tf.clone(T);
    } finally {
      disposeIfCreated(T, X);
    }
  }

  private transformTargetShape(): number {
    const Zt = this.transformTarget();
    const d = Zt.shape[1];
    Zt.dispose();
    return d;
  }

  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, Xt } = readAdaptData("CORAL.fit", args, ["Xs", "Xt"], ["Xs", "Xt"]);
    const ys = isAdaptData(args[0]) ? args[0].source?.y : undefined;
    this.sourceLabels = ys === undefined ? null : checkSourceLabels("CORAL.fit", ys, rowCount(Xs, "Xs")).labels;
    const domains = checkDomains("CORAL.fit", Xs, Xt);
    const { lambda, seed } = this.options;
    try {
      if (domains.Xs.shape[0] < 2) throw new Error("CORAL.fit: Xs needs at least 2 rows to estimate a covariance");
      if (domains.Xt.shape[0] < 2) throw new Error("CORAL.fit: Xt needs at least 2 rows to estimate a covariance");
      const whiten = ridgedCovariancePower(domains.Xs, lambda, -0.5, seed);
      const colour = ridgedCovariancePower(domains.Xt, lambda, 0.5, seed);
      this.iterations = [whiten.iterations, colour.iterations];
      const white = whiten.apply(domains.Xs);
      const Zs = colour.apply(white);
      white.dispose();
      whiten.dispose();
      colour.dispose();
      await this.setResult(Zs, tf.clone(domains.Xt));
      return this;
    } finally {
      domains.release();
    }
  }

  /** fit, then the base learner trained on the re-coloured source labels the target. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt } = readAdaptData("CORAL.fitPredict", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    const { labels } = checkSourceLabels("CORAL.fitPredict", ys!, rowCount(Xs, "Xs"));
    await this.fit(Xs, Xt);
    this.sourceLabels = labels;
    return this.predictTarget(this.options.learner, labels);
  }
}
