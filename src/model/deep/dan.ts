/**
 * DAN — Deep Adaptation Network (Long, Cao, Wang, Jordan, "Learning Transferable Features with Deep
 * Adaptation Networks", ICML 2015): train on the labelled source while a multi-kernel MMD (MK-MMD) between
 * the source and target activations of one or more task-specific layers is added to the loss, so that those
 * layers' features of the two domains match.
 *
 * Differences from the paper (stated, not hidden): the kernel weights β are equal (the paper learns them by a
 * quadratic program each epoch), and the MMD is the quadratic-time biased estimate on each mini-batch (the
 * paper's linear-time one is noisier at our batch sizes).
 */
import * as tf from "../../tf";
import { checkOptions } from "../../options";
import { DEEP_ADAPT_DEFAULTS, DeepAdaptOptions, DeepAdapter, DomainBatch, rampLambda } from "./adaptDomain";

export interface MkMmdOptions {
  /** multipliers of the median squared distance, one Gaussian kernel each; default [1/4, 1/2, 1, 2, 4] */
  multipliers?: number[];
}

/** flat indices of the pairs i < j of an n×n matrix, per n (the last batch of an epoch can be smaller) */
const upperPairs = new Map<number, Int32Array>();
function upperIndices(n: number): Int32Array {
  let idx = upperPairs.get(n);
  if (!idx) {
    idx = new Int32Array((n * (n - 1)) / 2);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) idx[k++] = i * n + j;
    upperPairs.set(n, idx);
  }
  return idx;
}

/**
 * The median of the off-diagonal squared distances (the bandwidth the kernel family is centred on), as a scalar
 * on the backend with no gradient (a constant of the step). Computed there, not read back: a synchronous read
 * fails on WebGPU in Node, and this runs inside the gradient step, where nothing can be awaited. The value equals
 * that of sorting on the CPU: the middle of a descending sort is the same element(s), and (a + b) / 2 rounded to
 * float32 once is what float64 gave after the conversion to float32 (so the default multipliers, powers of 2,
 * give bit-identical kernels; another multiplier can differ in the last float32 bit of −m·median).
 */
const medianSquaredDistance = tf.customGrad(((D: tf.Tensor) => {
  const n = D.shape[0];
  const m = (n * (n - 1)) / 2;
  const value = tf.tidy(() => {
    if (m === 0) return tf.scalar(1);
    const off = tf.gather(tf.reshape(D, [-1]), tf.tensor1d(upperIndices(n), "int32"));
    const sorted = tf.topk(off, m, true).values; // descending
    const median = m % 2 ? tf.slice(sorted, [(m - 1) / 2], [1]) : tf.mul(tf.sum(tf.slice(sorted, [m / 2 - 1], [2])), 0.5);
    const s = tf.reshape(median, []);
    return tf.where(tf.greater(s, 0), s, tf.onesLike(s)); // all samples equal: any bandwidth gives MMD 0
  });
  return { value, gradFunc: () => tf.zerosLike(D) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (D: tf.Tensor2D) => tf.Scalar;

/**
 * Multi-kernel MMD² between the rows of `a` and `b` (biased V-statistic), differentiable: the mean over a
 * family of Gaussian kernels exp(−‖x−y‖² / (m · median)), median = the median squared distance of a ∪ b.
 * ~0 for two samples of one distribution, growing with the shift between them.
 */
export function mkMmd(a: tf.Tensor2D, b: tf.Tensor2D, options: MkMmdOptions = {}): tf.Scalar {
  const o = checkOptions("mkMmd", options, { multipliers: [0.25, 0.5, 1, 2, 4] as number[] });
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[1]) {
    throw new Error(`mkMmd: a and b must be matrices with the same number of columns, got [${a.shape}] and [${b.shape}]`);
  }
  if (a.shape[0] === 0 || b.shape[0] === 0) throw new Error("mkMmd: a and b need at least one row each");
  if (o.multipliers.length === 0 || o.multipliers.some((m) => !(m > 0))) {
    throw new Error(`mkMmd: multipliers must be positive numbers, got [${o.multipliers}]`);
  }
  return tf.tidy(() => {
    const ns = a.shape[0], nt = b.shape[0];
    const z = tf.concat([a, b], 0);
    const sq = tf.sum(tf.square(z), 1, true);
    const D = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(z, z, false, true)))) as tf.Tensor2D;
    const median = medianSquaredDistance(D);
    let K = tf.zerosLike(D);
    for (const m of o.multipliers) K = tf.add(K, tf.exp(tf.div(D, tf.mul(median, -m))));
    K = tf.div(K, o.multipliers.length);
    const kss = tf.mean(tf.slice(K, [0, 0], [ns, ns]));
    const ktt = tf.mean(tf.slice(K, [ns, ns], [nt, nt]));
    const kst = tf.mean(tf.slice(K, [0, ns], [ns, nt]));
    return tf.add(tf.sub(kss, tf.mul(2, kst)), ktt) as tf.Scalar;
  });
}

export interface DANOptions extends DeepAdaptOptions {
  /** weight of the MMD term; default 1 */
  lambda?: number;
  /** "ramp": λ · (2/(1+exp(−10p)) − 1) (Ganin et al.'s schedule, steadier early on); "constant": λ. Default "ramp" */
  schedule?: "ramp" | "constant";
  /** body layers whose activations are matched (0-based; −1 = the penultimate); default [−1] */
  layers?: number[];
  /** also match the logits (the paper adapts fc6–fc8, the last being the classifier); default true */
  adaptLogits?: boolean;
  /** the MK-MMD's kernel multipliers; default [1/4, 1/2, 1, 2, 4] */
  multipliers?: number[];
}

export class DAN extends DeepAdapter {
  private readonly lambda: number;
  private readonly schedule: "ramp" | "constant";
  private readonly layers: number[];
  private readonly adaptLogits: boolean;
  private readonly multipliers: number[];

  constructor(options: DANOptions = {}) {
    const o = checkOptions("DAN", options, {
      ...DEEP_ADAPT_DEFAULTS, lambda: 1, schedule: "ramp" as "ramp" | "constant", layers: [-1] as number[], adaptLogits: true,
      multipliers: [0.25, 0.5, 1, 2, 4] as number[],
    });
    const { lambda, schedule, layers, adaptLogits, multipliers, ...common } = o;
    super("DAN", common);
    if (!(lambda >= 0)) throw new Error(`DAN: option "lambda" must be ≥ 0, got ${lambda}`);
    if (schedule !== "ramp" && schedule !== "constant") throw new Error(`DAN: option "schedule" must be "ramp" or "constant", got ${schedule}`);
    const depth = common.hidden.length;
    for (const l of layers) {
      if (!Number.isInteger(l) || l < -depth || l >= depth) throw new Error(`DAN: option "layers" holds ${l}; body layers are 0..${depth - 1} (or −1 … −${depth} from the end)`);
    }
    if (layers.length === 0 && !adaptLogits) throw new Error("DAN: nothing to adapt: give layers or adaptLogits: true");
    this.lambda = lambda;
    this.schedule = schedule;
    this.layers = layers.map((l) => (l < 0 ? depth + l : l));
    this.adaptLogits = adaptLogits;
    this.multipliers = multipliers;
  }

  protected adaptationLoss(b: DomainBatch): { loss: tf.Scalar; extra: Record<string, tf.Scalar> } {
    const weight = this.lambda * (this.schedule === "ramp" ? rampLambda(b.p) : 1);
    const L = b.source.length;
    const matched = this.adaptLogits ? [...this.layers, L - 1] : this.layers;
    let total: tf.Tensor = tf.scalar(0);
    for (const l of matched) total = tf.add(total, mkMmd(b.source[l] as tf.Tensor2D, b.target[l] as tf.Tensor2D, { multipliers: this.multipliers }));
    return { loss: tf.mul(weight, total) as tf.Scalar, extra: { "MK-MMD": total as tf.Scalar, "λ": tf.scalar(weight) } };
  }
}
