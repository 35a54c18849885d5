/**
 * DANN — Domain-Adversarial Neural Network (Ganin et al., "Domain-Adversarial Training of Neural Networks",
 * JMLR 2016): a domain classifier tries to tell source from target features; between it and the feature
 * extractor sits a *gradient reversal layer* (identity forward, gradient × −λ backward), so one backward pass
 * trains the domain classifier to separate the domains and the features to make them inseparable.
 * λ follows the paper's schedule λ_p = 2/(1 + exp(−10p)) − 1 over training progress p.
 *
 * Measured in notebook 07 (MLP on 16×16 MNIST ↔ USPS): train it with SGD (`optimizer: "momentum"`), not Adam —
 * Adam rescales the small reversed gradients of weights that only the target's inputs reach and collapsed it
 * even at λ = 0.1 — and with the schedule scaled to end at λ = 0.2 (`lambda: 0.2`); λ → 1 collapsed MNIST → USPS.
 */
import * as tf from "../../tf";
import { Random } from "../../random";
import { checkOptions, requireInteger } from "../../options";
import type { Network } from "./network";
import { DEEP_ADAPT_DEFAULTS, DeepAdaptOptions, DeepAdapter, DomainBatch, rampLambda } from "./adaptDomain";
import { InvalidOptionError, NotFittedError } from "../../errors";

/** The gradient reversal layer R_λ: R_λ(x) = x, dR_λ/dx = −λ I (built with tf.customGrad). */
export function gradientReversal<T extends tf.Tensor>(x: T, lambda: number): T {
  if (!Number.isFinite(lambda)) throw new Error(`gradientReversal: lambda must be a finite number, got ${lambda}`);
  const reverse = tf.customGrad((...args) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, -lambda),
  }));
  return reverse(x) as T;
}

export interface DANNOptions extends DeepAdaptOptions {
  /** the largest λ the schedule reaches (λ_p = lambda · (2/(1+exp(−10p)) − 1)); default 1 */
  lambda?: number;
  /** "ramp" (the paper's schedule) or "constant" λ; default "ramp" */
  schedule?: "ramp" | "constant";
  /** width of the domain classifier's hidden ReLU layer; default 64 */
  domainHidden?: number;
}

export class DANN extends DeepAdapter {
  private readonly lambda: number;
  private readonly schedule: "ramp" | "constant";
  private readonly domainHidden: number;
  /** the domain classifier: features → ReLU(domainHidden) → one logit (target = 1) */
  private domain: tf.Variable[] = [];

  constructor(options: DANNOptions = {}) {
    const o = checkOptions("DANN", options, { ...DEEP_ADAPT_DEFAULTS, lambda: 1, schedule: "ramp" as "ramp" | "constant", domainHidden: 64 });
    const { lambda, schedule, domainHidden, ...common } = o;
    super("DANN", common);
    if (!(lambda >= 0)) throw new InvalidOptionError(`DANN: option "lambda" must be ≥ 0, got ${lambda}`);
    if (schedule !== "ramp" && schedule !== "constant") throw new InvalidOptionError(`DANN: option "schedule" must be "ramp" or "constant", got ${schedule}`);
    requireInteger("DANN", "domainHidden", domainHidden);
    this.lambda = lambda;
    this.schedule = schedule;
    this.domainHidden = domainHidden;
  }

  /** Domain-classifier accuracy per epoch (on the training batches, both domains): 0.5 = features indistinguishable. */
  get domainAccuracy(): number[] {
    return this.history.map((r) => r.extra["domain accuracy"]);
  }

  protected override extraVariables(net: Network): tf.Variable[] {
    for (const v of this.domain) v.dispose();
    const rng = new Random(this.o.seed + 3);
    const dense = (fanIn: number, fanOut: number, scale: number) => {
      const limit = scale / Math.sqrt(fanIn);
      const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-limit, limit));
      // inside a tidy: the variables survive it, their initial values do not
      return tf.tidy(() => [tf.variable(tf.tensor2d(w, [fanIn, fanOut])), tf.variable(tf.zeros([fanOut]))]);
    };
    const featureDim = net.layers[net.depth - 2].outShape[0];
    this.domain = [...dense(featureDim, this.domainHidden, Math.sqrt(6)), ...dense(this.domainHidden, 1, Math.sqrt(3))];
    return this.domain;
  }

  /** The domain classifier's logit for features (no reversal: for probing after training). */
  domainLogits(features: tf.Tensor2D): tf.Tensor2D {
    if (this.domain.length === 0) throw new NotFittedError("DANN.domainLogits: call fit(Xs, ys, Xt) first");
    const [W1, b1, W2, b2] = this.domain;
    return tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(features, W1 as tf.Tensor2D), b1)) as tf.Tensor2D, W2 as tf.Tensor2D), b2) as tf.Tensor2D);
  }

  protected adaptationLoss(b: DomainBatch): { loss: tf.Scalar; extra: Record<string, tf.Scalar> } {
    const lambda = this.lambda * (this.schedule === "ramp" ? rampLambda(b.p) : 1);
    const L = b.source.length;
    const fs = b.source[L - 2] as tf.Tensor2D, ft = b.target[L - 2] as tf.Tensor2D;
    const feats = gradientReversal(tf.concat([fs, ft], 0) as tf.Tensor2D, lambda);
    const logits = tf.reshape(this.domainLogits(feats), [-1]);
    const domainLabels = tf.concat([tf.zeros([fs.shape[0]]), tf.ones([ft.shape[0]])]);
    const loss = tf.losses.sigmoidCrossEntropy(domainLabels, logits) as tf.Scalar;
    const correct = tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(logits, 0), "float32"), domainLabels), "float32")) as tf.Scalar;
    return { loss, extra: { "domain loss": loss, "domain accuracy": correct, "λ": tf.scalar(lambda) } };
  }

  override dispose(): void {
    super.dispose();
    for (const v of this.domain) v.dispose();
    this.domain = [];
  }
}
