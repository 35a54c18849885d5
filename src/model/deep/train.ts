/**
 * The training loop of the deep networks: mini-batch gradient steps on the network's unfrozen layers, every
 * step's tensors freed (memory flat across epochs), progress through callbacks (the library knows nothing
 * of Jupyter: a notebook wires `onBatch` to kernel-ext's `progress`), and a clean stop at the next batch on
 * an AbortSignal, a `shouldStop` callback or SIGINT (a notebook interrupt), keeping what was trained so far.
 */
import * as tf from "../../tf";
import { needGradients } from "../../tfjsUnion";
import { Random } from "../../random";
import type { Network } from "./network";
import { readFloat32 } from "../../tensor";

/** A labelled set: X is [n, ...input] or flat [n, prod(input)]; y holds class indices 0 … classes − 1. */
export interface LabelledImages {
  X: tf.Tensor;
  y: ArrayLike<number>;
}

/** What a custom loss sees at one step. */
export interface StepContext {
  net: Network;
  /** the batch, input of the first trainable layer unless `from` > 0 says otherwise */
  x: tf.Tensor;
  /** the batch's labels, int32 [b] */
  labels: tf.Tensor1D;
  /** one-hot labels [b, classes] */
  y: tf.Tensor2D;
  /** x is the output of layer `from` − 1 (0: raw inputs); pass it on to net.forward(x, { from }) */
  from: number;
  epoch: number;
  /** global step count, from 0 */
  step: number;
}

/** A custom loss returns the scalar to minimise, and the logits when training accuracy should be tracked. */
export type LossFn = (ctx: StepContext) => tf.Scalar | { loss: tf.Scalar; logits?: tf.Tensor };

export interface BatchInfo {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** samples processed so far in this call, and in all */
  samples: number;
  totalSamples: number;
  /** mean loss and accuracy of this epoch so far (as of the last read-out, every `reportEvery` batches) */
  loss: number;
  accuracy: number;
  samplesPerSec: number;
  etaSeconds: number;
}

export interface EpochStats {
  epoch: number;
  /** mean training loss and accuracy over the epoch's batches */
  loss: number;
  accuracy: number;
  /** accuracy on `validation`, when given */
  valAccuracy?: number;
  seconds: number;
  samplesPerSec: number;
  /** true for an epoch cut short by a stop (its loss and accuracy cover the batches it ran) */
  partial?: boolean;
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  /** learning rate (default 0.002 for adam, 0.05 for sgd and momentum) */
  lr?: number;
  optimizer?: "adam" | "sgd" | "momentum";
  /** the order of the samples in each epoch */
  seed?: number;
  /**
   * The layers to train: layers [trainableFrom, L). Defaults to net.frozen. Frozen layers of a network
   * without a custom loss are applied once to all of X (their output does not change), not at every step.
   */
  trainableFrom?: number;
  /** replaces the cross-entropy of the logits (DAN, DANN: extra terms, a second data stream in the closure) */
  loss?: LossFn;
  /** variables outside the network that the loss trains too (e.g. a domain discriminator) */
  extraVariables?: tf.Variable[];
  /** evaluated at the end of each epoch (EpochStats.valAccuracy) */
  validation?: LabelledImages;
  onBatch?: (info: BatchInfo) => void;
  /** a promise it returns is awaited (e.g. to read epoch figures asynchronously) */
  onEpoch?: (stats: EpochStats) => unknown;
  /** read loss and accuracy back every this many batches (a GPU waits at each read; default 10) */
  reportEvery?: number;
  signal?: AbortSignal;
  shouldStop?: () => boolean;
  /** stop at the next batch on SIGINT (what a Jupyter interrupt sends); the listener is removed afterwards */
  stopOnSigint?: boolean;
}

export interface TrainResult {
  history: EpochStats[];
  /** true when training stopped early (signal, shouldStop or SIGINT); the network keeps what it learned */
  stopped: boolean;
  samples: number;
  seconds: number;
  samplesPerSec: number;
}

const OPTIONS = ["epochs", "batchSize", "lr", "optimizer", "seed", "trainableFrom", "loss", "extraVariables", "validation",
  "onBatch", "onEpoch", "reportEvery", "signal", "shouldStop", "stopOnSigint"];

function makeOptimizer(name: string, lr: number): tf.Optimizer {
  if (name === "adam") return tf.train.adam(lr);
  if (name === "sgd") return tf.train.sgd(lr);
  if (name === "momentum") return tf.train.momentum(lr, 0.9);
  throw new Error(`train: optimizer "${name}" is unknown; valid: adam, sgd, momentum`);
}

/** Outputs of layers [0, n) for all of X, in batches (kept: the caller disposes). */
export function featuresAt(net: Network, X: tf.Tensor, n: number, batchSize = 256): tf.Tensor {
  if (n === 0) return X.clone();
  const parts: tf.Tensor[] = [];
  for (let s = 0; s < X.shape[0]; s += batchSize) parts.push(tf.tidy(() => net.forward(X.slice(s, Math.min(batchSize, X.shape[0] - s)), { upTo: n })));
  const out = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return out;
}

/** Train `net` in place on `data`. Resolves when done or stopped; nothing of the steps stays allocated. */
export async function train(net: Network, data: LabelledImages, options: TrainOptions = {}): Promise<TrainResult> {
  needGradients();
  for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new Error(`train: unknown option "${k}"; valid: ${OPTIONS.join(", ")}`);
  const epochs = options.epochs ?? 5, batchSize = options.batchSize ?? 64;
  const optName = options.optimizer ?? "adam";
  const lr = options.lr ?? (optName === "adam" ? 0.002 : 0.05);
  const reportEvery = options.reportEvery ?? 10;
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`train: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`train: batchSize must be a positive integer, got ${batchSize}`);
  if (!(lr > 0)) throw new Error(`train: lr must be positive, got ${lr}`);
  const n = data.X.shape[0];
  if (data.y.length !== n) throw new Error(`train: data.X has ${n} samples but data.y has ${data.y.length} labels`);
  const classes = net.layers[net.depth - 1].outShape[0];
  for (let i = 0; i < n; i++) {
    const c = data.y[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new Error(`train: data.y[${i}] = ${c} is not a class index in [0, ${classes})`);
  }
  const from = options.trainableFrom ?? net.frozen;
  if (!Number.isInteger(from) || from < 0 || from >= net.depth) throw new Error(`train: trainableFrom must be an integer in [0, ${net.depth - 1}], got ${from}`);
  const varList = [...net.layers.slice(from).flatMap((l) => l.variables), ...(options.extraVariables ?? [])];

  // frozen layers without a custom loss: their output is fixed, compute it once
  const cut = options.loss ? 0 : from;
  const inputs = featuresAt(net, data.X, cut);
  const labelsAll = tf.tensor1d(Array.from(data.y), "int32");
  const optimizer = makeOptimizer(optName, lr);
  const rng = new Random(options.seed ?? 0);
  const batches = Math.ceil(n / batchSize);
  const history: EpochStats[] = [];
  let stopped = false, step = 0, samples = 0;
  // a custom loss that returns no logits: no training accuracy to report (NaN)
  let accuracyTracked = false;
  const t0 = performance.now();
  let sigint = false;
  const onSigint = () => { sigint = true; };
  if (options.stopOnSigint) {
    // not while the caller's synchronous code runs: a Jupyter cell runs with vm's breakOnSigint, and a SIGINT
    // listener added during that (tested: in this kernel) leaves the process to die of the next SIGINT
    await new Promise((r) => setImmediate(r));
    process.on("SIGINT", onSigint);
  }
  const stopNow = () => sigint || Boolean(options.signal?.aborted) || Boolean(options.shouldStop?.());
  try {
    for (let epoch = 1; epoch <= epochs && !stopped; epoch++) {
      const te = performance.now();
      const order = rng.permutation(n);
      let lossSum = tf.scalar(0), correctSum = tf.scalar(0);
      let seen = 0, shownLoss = NaN, shownAcc = NaN;
      for (let b = 0; b < batches; b++) {
        // yield to the event loop: lets a SIGINT or an abort arrive between two batches
        await new Promise((r) => setImmediate(r));
        if (stopNow()) { stopped = true; break; }
        const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
        const bs = idx.length;
        const { loss, correct } = tf.tidy(() => {
          const ind = tf.tensor1d(idx, "int32");
          const x = tf.gather(inputs, ind);
          const labels = tf.gather(labelsAll, ind) as tf.Tensor1D;
          const y = tf.oneHot(labels, classes).toFloat() as tf.Tensor2D;
          let correct: tf.Scalar = tf.scalar(-1);
          const cost = optimizer.minimize(() => {
            let lossT: tf.Scalar, logits: tf.Tensor | undefined;
            if (options.loss) {
              const r = options.loss({ net, x, labels, y, from: cut, epoch, step });
              if (r instanceof tf.Tensor) lossT = r;
              else ({ loss: lossT, logits } = r);
            } else {
              logits = net.forward(x, { from: cut });
              lossT = tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
            }
            if (logits) {
              correct = tf.keep(tf.equal(tf.argMax(logits, -1), labels).sum().toFloat() as tf.Scalar);
              accuracyTracked = true;
            }
            return lossT;
          }, true, varList) as tf.Scalar;
          return { loss: tf.mul(cost, bs) as tf.Scalar, correct };
        });
        const nl = tf.add(lossSum, loss) as tf.Scalar, nc = tf.tidy(() => tf.add(correctSum, tf.maximum(correct, 0))) as tf.Scalar;
        lossSum.dispose(); correctSum.dispose(); loss.dispose(); correct.dispose();
        lossSum = nl; correctSum = nc;
        seen += bs; samples += bs; step++;
        if (options.onBatch && (b % reportEvery === reportEvery - 1 || b === batches - 1)) {
          const [l, c] = await readFloat32(lossSum, correctSum); // one GPU round trip for both
          shownLoss = l[0] / seen;
          shownAcc = accuracyTracked ? c[0] / seen : NaN;
        }
        if (options.onBatch) {
          const secs = (performance.now() - t0) / 1000, rate = samples / Math.max(secs, 1e-9);
          options.onBatch({
            epoch, epochs, batch: b + 1, batches, samples, totalSamples: epochs * n, loss: shownLoss, accuracy: shownAcc,
            samplesPerSec: rate, etaSeconds: (epochs * n - samples) / rate,
          });
        }
      }
      const [l, c] = seen ? await readFloat32(lossSum, correctSum) : [[NaN], [NaN]];
      const loss = seen ? l[0] / seen : NaN;
      const accuracy = seen && accuracyTracked ? c[0] / seen : NaN;
      lossSum.dispose(); correctSum.dispose();
      if (seen === 0) break;
      const seconds = (performance.now() - te) / 1000;
      const stats: EpochStats = { epoch, loss, accuracy, seconds, samplesPerSec: seen / seconds, ...(seen < n ? { partial: true } : {}) };
      if (options.validation) stats.valAccuracy = await net.evaluate(options.validation.X, options.validation.y);
      history.push(stats);
      await options.onEpoch?.(stats);
    }
  } finally {
    if (options.stopOnSigint) process.off("SIGINT", onSigint);
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose forgets its base class's learning-rate scalar `c`
    if (optimizer instanceof tf.MomentumOptimizer) (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
    inputs.dispose();
    labelsAll.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { history, stopped, samples, seconds, samplesPerSec: samples / Math.max(seconds, 1e-9) };
}
