/**
 * The two common ways to transfer a deep network (lecture section 11, 深度网络的两种常用迁移方式), and their
 * combination, on the deep core's `Network` and `train`:
 * - **linear probing** (LP): freeze the pretrained body (layers 0 … L−2), train only a new linear head;
 * - **full fine-tuning** (FT): train every parameter, starting from the pretrained body and a new head;
 * - **LP-FT** (Kumar et al., "Fine-Tuning can Distort Pretrained Features and Underperform Out-of-Distribution",
 *   ICLR 2022): linear probing first, then full fine-tuning that starts from the probed head, so that the large
 *   early gradients of a random head do not distort the pretrained features.
 * Each returns a new network; the pretrained one is never changed.
 */
import { Network } from "./network";
import { train, type LabelledImages, type TrainOptions, type TrainResult } from "./train";

/** The training options of one stage (the layers to train are the method's choice). */
export type StageOptions = Omit<TrainOptions, "trainableFrom" | "loss" | "extraVariables">;

export interface FineTuneOptions extends StageOptions {
  /** seed of the new head; default: `seed` (else 0) */
  headSeed?: number;
  /** fine-tuning only: start from a new head (true, default) or keep the network's own head (LP-FT) */
  newHead?: boolean;
}

export interface LpFtOptions {
  /** the probing stage; default { epochs: 30, lr: 0.01 } */
  probe?: FineTuneOptions;
  /** the fine-tuning stage; default { epochs: 10, lr: 0.001 } */
  fineTune?: FineTuneOptions;
}

export interface TransferRun {
  net: Network;
  result: TrainResult;
}

export interface LpFtRun extends TransferRun {
  /** the network after the probing stage: fine-tuning started from its head */
  probe: TransferRun;
}

/** Defaults of linear probing: a convex problem on fixed features, so a larger step and more passes are cheap. */
export const PROBE_DEFAULTS = { epochs: 30, lr: 0.01 };
/** Defaults of fine-tuning: a small step, so that the pretrained features are adapted, not overwritten. */
export const FINETUNE_DEFAULTS = { epochs: 10, lr: 0.001 };

function classesOf(data: LabelledImages, fn: string): number {
  let max = -1;
  for (let i = 0; i < data.y.length; i++) {
    const c = data.y[i];
    if (!Number.isInteger(c) || c < 0) throw new Error(`${fn}: data.y[${i}] = ${c} is not a class index (0, 1, 2 …)`);
    max = Math.max(max, c);
  }
  if (max < 1) throw new Error(`${fn}: data.y must hold at least two classes (0 and 1 …), got max ${max}`);
  return max + 1;
}

/**
 * A copy of `base` whose body (layers 0 … L−2) is base's and whose head (layer L−1, linear) has `classes`
 * outputs drawn afresh from `seed`.
 */
export function withNewHead(base: Network, classes: number, seed: number): Network {
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`withNewHead: classes must be an integer ≥ 2, got ${classes}`);
  const spec = JSON.parse(JSON.stringify(base.spec)) as Network["spec"];
  const head = spec.layers[spec.layers.length - 1];
  if (head.type !== "dense") throw new Error(`withNewHead: the last layer of the network must be dense (the head), got ${head.type}`);
  head.units = classes;
  const net = new Network(spec, seed);
  net.copyLayersFrom(base, base.depth - 1);
  return net;
}

function stage(options: FineTuneOptions | undefined, defaults: { epochs: number; lr: number }) {
  const { headSeed, newHead, ...rest } = options ?? {};
  const train: StageOptions = { ...defaults, ...rest };
  return { train, headSeed: headSeed ?? rest.seed ?? 0, newHead: newHead ?? true };
}

/**
 * Linear probing: a copy of `pretrained` with a new head for data's classes, layers 0 … L−2 frozen, so only
 * the head is trained (the body's weights stay bit-identical).
 */
export async function linearProbe(pretrained: Network, data: LabelledImages, options: FineTuneOptions = {}): Promise<TransferRun> {
  if (options.newHead === false) throw new Error("linearProbe: newHead: false makes no sense here (the probe is a new head); use fineTune");
  const o = stage(options, PROBE_DEFAULTS);
  const net = withNewHead(pretrained, classesOf(data, "linearProbe"), o.headSeed);
  net.freeze(net.depth - 1);
  return trainOwned(net, data, o.train);
}

/** Full fine-tuning: a copy of `pretrained` (a new head unless `newHead: false`), every layer trained. */
export async function fineTune(pretrained: Network, data: LabelledImages, options: FineTuneOptions = {}): Promise<TransferRun> {
  const o = stage(options, FINETUNE_DEFAULTS);
  const classes = classesOf(data, "fineTune");
  let net: Network;
  if (o.newHead) net = withNewHead(pretrained, classes, o.headSeed);
  else {
    const headUnits = pretrained.layers[pretrained.depth - 1].outShape[0];
    if (headUnits < classes) throw new Error(`fineTune: newHead is false but the network's head has ${headUnits} classes and data.y goes up to ${classes - 1}`);
    net = pretrained.clone();
  }
  net.freeze(0);
  return trainOwned(net, data, o.train);
}

/** Train a network this module made; on failure it is disposed (the caller never got it). */
async function trainOwned(net: Network, data: LabelledImages, options: TrainOptions): Promise<TransferRun> {
  try {
    return { net, result: await train(net, data, options) };
  } catch (e) {
    net.dispose();
    throw e;
  }
}

/** LP-FT: linear probing, then full fine-tuning that starts from the probed head. */
export async function lpFt(pretrained: Network, data: LabelledImages, options: LpFtOptions = {}): Promise<LpFtRun> {
  for (const k of Object.keys(options)) if (k !== "probe" && k !== "fineTune") throw new Error(`lpFt: unknown option "${k}"; valid: probe, fineTune`);
  const probe = await linearProbe(pretrained, data, options.probe);
  try {
    const ft = await fineTune(probe.net, data, { ...options.fineTune, newHead: false });
    return { ...ft, probe };
  } catch (e) {
    probe.net.dispose();
    throw e;
  }
}
