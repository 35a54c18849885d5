/**
 * The shared frame of the deep domain-adaptation methods (DAN, DANN) and their baseline, on the deep core's
 * `Network` (an MLP from `mlpSpec`) and `train` (its custom-loss hook): every step takes a labelled source
 * batch (from `train`) and an unlabelled target batch of the same size (drawn here from a seeded sampler),
 * and adds a method-specific adaptation term to the source cross-entropy. `SourceOnly` adds nothing: the
 * baseline the methods must beat. The API is that of the lecture's other adapters:
 * `await new DAN({...}).fitPredict(Xs, ys, Xt)` → the target's labels in ys's own values.
 */
import * as tf from "../../tf";
import { AdaptData, BaseAdapter, readAdaptData } from "../../adapter";
import { requireTwoClasses } from "../../classifiers/classifier";
import { Random } from "../../random";
import { checkOptions, requireInteger, requirePositive } from "../../options";
import { Labels, Matrix, assertFiniteAsync, disposeIfCreated, readFloat32, toLabelsAsync, toTensor2D } from "../../tensor";
import { Network, mlpSpec } from "./network";
import { featuresAt, train, type BatchInfo, type EpochStats } from "./train";
import { InvalidOptionError, NotFittedError, ShapeMismatchError } from "../../errors";

/** An epoch of a domain-adaptation run: the core's statistics plus the method's own figures (means over the epoch's steps). */
export interface AdaptEpoch extends EpochStats {
  /** e.g. "MK-MMD", "domain accuracy", "domain loss", "λ" */
  extra: Record<string, number>;
}

export interface DeepAdaptOptions {
  /** widths of the network's hidden ReLU layers (the last is the penultimate representation); default [256, 128] */
  hidden?: number[];
  /** passes over the source samples; default 20 */
  epochs?: number;
  /** source samples per step (and as many target samples); default 64 */
  batchSize?: number;
  /** the optimiser's step size; default 0.001 */
  lr?: number;
  /** "adam" (default), "sgd" or "momentum" */
  optimizer?: "adam" | "sgd" | "momentum";
  /** seed of the weights, the source order and the target batches; default 0 */
  seed?: number;
  /** L2 penalty on the network's weight matrices (weightDecay · Σ‖W‖²); default 0 */
  weightDecay?: number;
  /** after each batch (for a live progress bar) */
  onBatch?: (info: BatchInfo) => void;
  /** after each epoch, with the method's figures */
  onEpoch?: (epoch: AdaptEpoch) => void;
  /** stop at the next batch on SIGINT (a notebook interrupt), keeping what was trained; default false */
  stopOnSigint?: boolean;
  /** stop at the next batch when aborted */
  signal?: AbortSignal;
}

export const DEEP_ADAPT_DEFAULTS = {
  hidden: [256, 128] as number[], epochs: 20, batchSize: 64, lr: 0.001, optimizer: "adam" as "adam" | "sgd" | "momentum", seed: 0, weightDecay: 0,
  onBatch: undefined as ((info: BatchInfo) => void) | undefined,
  onEpoch: undefined as ((epoch: AdaptEpoch) => void) | undefined,
  stopOnSigint: false, signal: undefined as AbortSignal | undefined,
};

/** What the adaptation term sees at one step: the activations of every layer (the last = logits) of both batches. */
export interface DomainBatch {
  source: tf.Tensor[];
  target: tf.Tensor[];
  /** training progress in [0, 1) */
  p: number;
}

/** λ_p = 2 / (1 + exp(−γ p)) − 1 (Ganin et al. 2016, γ = 10): from 0 towards 1, so the early, noisy adaptation signal weighs little. */
export function rampLambda(p: number, gamma = 10): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`rampLambda: progress p must be in [0, 1], got ${p}`);
  return 2 / (1 + Math.exp(-gamma * p)) - 1;
}

/** Cycles through a seeded permutation of n rows, reshuffling after each pass. */
class TargetSampler {
  private order: Int32Array;
  private at = 0;
  private readonly rng: Random;
  constructor(private readonly n: number, seed: number) {
    this.rng = new Random(seed);
    this.order = this.rng.permutation(n);
  }
  next(size: number): Int32Array {
    const out = new Int32Array(Math.min(size, this.n));
    for (let i = 0; i < out.length; i++) {
      if (this.at === this.n) { this.order = this.rng.permutation(this.n); this.at = 0; }
      out[i] = this.order[this.at++];
    }
    return out;
  }
}

/** Activations of every layer of `net` for x (the last one: the logits), inside the caller's tape. */
export function layerActivations(net: Network, x: tf.Tensor): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let h = x;
  for (let i = 0; i < net.depth; i++) { h = net.forward(h, { from: i, upTo: i + 1 }); out.push(h); }
  return out;
}

export abstract class DeepAdapter extends BaseAdapter {
  /** the trained network (after fit) */
  net: Network | null = null;
  /** one entry per epoch */
  history: AdaptEpoch[] = [];
  protected readonly o: typeof DEEP_ADAPT_DEFAULTS;
  private classValues: Int32Array = new Int32Array(0);

  protected constructor(protected readonly name: string, common: typeof DEEP_ADAPT_DEFAULTS) {
    super();
    requireInteger(name, "epochs", common.epochs, 0);
    requireInteger(name, "batchSize", common.batchSize);
    requirePositive(name, "lr", common.lr);
    if (!(common.weightDecay >= 0)) throw new InvalidOptionError(`${name}: option "weightDecay" must be ≥ 0, got ${common.weightDecay}`);
    if (!Array.isArray(common.hidden) || common.hidden.length === 0) throw new InvalidOptionError(`${name}: option "hidden" must list at least one layer width, e.g. [256, 128]`);
    common.hidden.forEach((h, i) => requireInteger(name, `hidden[${i}]`, h));
    this.o = common;
  }

  /** Does the adaptation term need the target batch? (SourceOnly: no, so it skips that forward pass.) */
  protected usesTarget = true;

  /** Variables of the method's own modules (e.g. DANN's domain classifier), created for a network. */
  protected extraVariables(_net: Network): tf.Variable[] {
    return [];
  }

  /** The adaptation term of one step (null: none) and figures to report (averaged per epoch). */
  protected abstract adaptationLoss(batch: DomainBatch): { loss: tf.Scalar; extra: Record<string, tf.Scalar> } | null;

  /** Train on labelled (Xs, ys) and unlabelled Xt. */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, Xt } = readAdaptData(`${this.name}.fit`, args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    return this.fitArrays(Xs, ys!, Xt);
  }

  private async fitArrays(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<this> {
    const S = toTensor2D(Xs, "Xs"), T = toTensor2D(Xt, "Xt");
    const sums: Record<string, tf.Scalar> = {};
    try {
      const labels = await toLabelsAsync(ys, "ys");
      if (labels.length !== S.shape[0]) throw new ShapeMismatchError(`${this.name}.fit: ys has ${labels.length} labels for ${S.shape[0]} samples in Xs`);
      if (S.shape[1] !== T.shape[1]) throw new ShapeMismatchError(`${this.name}.fit: Xs has ${S.shape[1]} features, Xt has ${T.shape[1]}`);
      this.classValues = requireTwoClasses(labels, "ys", `${this.name}.fit`);
      const index = new Map(Array.from(this.classValues, (c, i) => [c, i]));
      this.dispose();
      const net = new Network(mlpSpec(S.shape[1], this.o.hidden, this.classValues.length), this.o.seed);
      this.net = net;
      this.history = [];
      const extraVariables = this.extraVariables(net);
      const sampler = new TargetSampler(T.shape[0], this.o.seed + 7919);
      const stepsPerEpoch = Math.ceil(S.shape[0] / this.o.batchSize);
      const totalSteps = Math.max(1, this.o.epochs * stepsPerEpoch);
      let stepsThisEpoch = 0;
      await train(net, { X: S, y: Int32Array.from(labels, (c) => index.get(c)!) }, {
        epochs: this.o.epochs, batchSize: this.o.batchSize, lr: this.o.lr, optimizer: this.o.optimizer, seed: this.o.seed,
        extraVariables, onBatch: this.o.onBatch, stopOnSigint: this.o.stopOnSigint, signal: this.o.signal,
        loss: (ctx) => {
          const source = layerActivations(net, ctx.x);
          const sourceLogits = source[source.length - 1];
          const ce = tf.losses.softmaxCrossEntropy(ctx.y, sourceLogits) as tf.Scalar;
          const target = this.usesTarget ? layerActivations(net, tf.gather(T, tf.tensor1d(sampler.next(ctx.x.shape[0]), "int32"))) : [];
          const adapt = this.adaptationLoss({ source, target, p: Math.min(ctx.step / totalSteps, 1) });
          // per-epoch means of the figures: running sums kept outside the step's tidy (off the loss's path)
          for (const [k, v] of Object.entries({ "source CE": ce, ...(adapt?.extra ?? {}) })) {
            const old = sums[k];
            sums[k] = tf.keep(old ? (tf.add(old, v) as tf.Scalar) : v.clone());
            old?.dispose();
          }
          stepsThisEpoch++;
          let loss = adapt ? (tf.add(ce, adapt.loss) as tf.Scalar) : ce;
          if (this.o.weightDecay > 0) {
            const kernels = net.layers.map((l) => tf.sum(tf.square(l.variables[0])));
            loss = tf.add(loss, tf.mul(this.o.weightDecay, tf.addN(kernels))) as tf.Scalar;
          }
          return { loss, logits: sourceLogits };
        },
        onEpoch: async (stats) => {
          // one asynchronous read of all the sums (synchronous reads fail on WebGPU in Node)
          const extra: Record<string, number> = {};
          const names = Object.keys(sums);
          const values = await readFloat32(...names.map((k) => sums[k]));
          names.forEach((k, i) => { extra[k] = values[i][0] / Math.max(1, stepsThisEpoch); sums[k].dispose(); delete sums[k]; });
          stepsThisEpoch = 0;
          const epoch: AdaptEpoch = { ...stats, extra };
          this.history.push(epoch);
          this.o.onEpoch?.(epoch);
        },
      });
      return this;
    } finally {
      for (const v of Object.values(sums)) v.dispose();
      disposeIfCreated(S, Xs);
      disposeIfCreated(T, Xt);
    }
  }

  /** Labels of X, in the training labels' own values. */
  async predict(X: Matrix): Promise<Int32Array> {
    const net = this.trained("predict");
    const Xt = toTensor2D(X);
    try {
      await assertFiniteAsync(Xt, "X", `${this.name}.predict`); // a NaN row would still get a label
      return Int32Array.from(await net.predict(Xt), (i) => this.classValues[i]);
    } finally {
      disposeIfCreated(Xt, X);
    }
  }

  /** Fit, then the target's predicted labels. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt, test } = readAdaptData(`${this.name}.fitPredict`, args, ["Xs", "ys", "Xt", "test"], ["Xs", "ys", "Xt"]);
    await this.fitArrays(Xs, ys!, Xt);
    return this.predict(test ?? Xt);
  }

  /** The penultimate representation of X (n × last hidden width; the caller disposes it). */
  features(X: Matrix): tf.Tensor2D {
    const net = this.trained("features");
    const Xt = toTensor2D(X);
    try {
      return featuresAt(net, Xt, net.depth - 1) as tf.Tensor2D;
    } finally {
      disposeIfCreated(Xt, X);
    }
  }

  override dispose(): void {
    this.net?.dispose();
    this.net = null;
  }

  protected trained(what: string): Network {
    if (!this.net) throw this.notFitted(what);
    return this.net;
  }
}

/** The baseline: the same network, the same source batches, trained on the labelled source only. */
export class SourceOnly extends DeepAdapter {
  constructor(options: DeepAdaptOptions = {}) {
    super("SourceOnly", checkOptions("SourceOnly", options, DEEP_ADAPT_DEFAULTS));
    this.usesTarget = false;
  }
  protected adaptationLoss(): null {
    return null;
  }
}
