/**
 * Distant Domain Transfer Learning (Tan, Zhang, Pan & Yang, "Distant Domain Transfer Learning", AAAI 2017):
 * the Selective Learning Algorithm (SLA). When source and target are far apart, a pool of unlabelled data from
 * intermediate domains can bridge them — but only some of it (and only some of the source) helps. SLA learns,
 * together with a supervised autoencoder, which source and intermediate samples to use: those that the shared
 * representation reconstructs well (and, for labelled source samples, classifies well; for intermediate ones,
 * classifies confidently) are kept, the others dropped, round by round.
 */
import * as tf from "../tf";
import { needGradients } from "../tfjsUnion";
import { AdaptData, BaseAdapter, matrixList, readAdaptData } from "../adapter";
import { InvalidOptionError } from "../errors";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Random } from "../random";
import { Labels, Matrix } from "../tensor";
import { checkDomain, checkFeatures, checkKnownClasses, checkLabels } from "./common";

export interface DDTLOptions {
  /** units of the encoder's (and decoder's) hidden layer; default 64 */
  hidden?: number;
  /** units of the code h = f_e(x) that the classifier reads; default 16 */
  code?: number;
  /** alternations of "train the network" and "update the selection"; default 8 */
  rounds?: number;
  /** full-batch Adam steps per round; default 60 */
  epochs?: number;
  /** Adam's step size; default 0.01 */
  learningRate?: number;
  /** λ_S: a source sample is kept while its loss (reconstruction + classification) is below λ_S × the median
   * loss of the source samples; default 1.5 */
  lambdaSource?: number;
  /** λ_I: an intermediate sample is kept while its loss (reconstruction + prediction entropy) is below λ_I × the
   * median loss of the intermediate samples; default 1 */
  lambdaIntermediate?: number;
  /** weight of the intermediate samples' prediction entropy in J₂ (the paper: 1); default 1 */
  entropyWeight?: number;
  /** false: keep every sample (the ablation "no selection"); default true */
  select?: boolean;
  seed?: number;
}

export const DDTL_DEFAULTS = {
  hidden: 64,
  code: 16,
  rounds: 8,
  epochs: 60,
  learningRate: 0.01,
  lambdaSource: 1.5,
  lambdaIntermediate: 1,
  entropyWeight: 1,
  select: true,
  seed: 0,
};

/** What one round selected, and its losses. */
export interface DDTLRound {
  round: number;
  /** 1 for each source / intermediate sample used in this round's training */
  source: Uint8Array;
  intermediate: Uint8Array;
  /** the objective J = J₁ + J₂ at the end of the round's training */
  loss: number;
  /** the selection thresholds (absolute) applied after this round */
  thresholdSource: number;
  thresholdIntermediate: number;
}

/**
 * x·W with a gradient that transposes explicitly: on the wasm backend the matMul transpose flags that the
 * built-in gradient uses are several times slower (measured 35 ms vs 9 ms for a 1800×150 · 150×64 layer).
 */
const dense = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, (saved[1] as tf.Tensor2D).transpose()),
      tf.matMul((saved[0] as tf.Tensor2D).transpose(), dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  return m === 0 ? 0 : m % 2 ? sorted[(m - 1) / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
}

/** Glorot-uniform weights from the seeded generator, so the same seed gives the same network on every backend. */
function glorot(rng: Random, fanIn: number, fanOut: number): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return variableOf(tf.tensor2d(Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-limit, limit)), [fanIn, fanOut]));
}

/** A variable initialised from `t`, which is then freed (tf.variable keeps its own handle). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/**
 * DDTL's Selective Learning Algorithm with a supervised autoencoder (SAN).
 *
 * Network: encoder h = f_e(x) (one ReLU layer of `hidden` units, then a sigmoid code of `code` units),
 * decoder x̂ = f_d(h) (mirror, linear output), classifier f_c(h) (softmax). With selection variables
 * v_S ∈ {0,1}^{n_S}, v_I ∈ {0,1}^{n_I}, the objective is
 *
 *   J₁ = 1/n_S Σ v_Sᵢ‖x̂_Sᵢ − x_Sᵢ‖² + 1/n_I Σ v_Iᵢ‖x̂_Iᵢ − x_Iᵢ‖² + 1/n_T Σ ‖x̂_Tᵢ − x_Tᵢ‖²   (reconstruction)
 *   J₂ = 1/n_S Σ v_Sᵢ ℓ(y_Sᵢ, f_c(h_Sᵢ)) + 1/n_L Σ ℓ(y_Tᵢ, f_c(h_Tᵢ)) + 1/n_I Σ v_Iᵢ H(f_c(h_Iᵢ))   (side information)
 *
 * ℓ the cross-entropy, H the entropy of the prediction (confident predictions on the kept intermediate data),
 * the target reconstruction over all its rows (labelled and unlabelled), its classification over the n_L
 * labelled ones. SLA alternates: (a) with v fixed, train the network on J₁ + J₂ (Adam); (b) with the network
 * fixed, each v has a closed form: v_Sᵢ = 1 iff its reconstruction + classification loss < λ_S,
 * v_Iᵢ = 1 iff its reconstruction + entropy < λ_I (the minimiser of J with the paper's regulariser
 * −λ_S/n_S Σ v_S − λ_I/n_I Σ v_I). Training starts from all source samples and no intermediate ones, so the
 * pool is taken in as the representation learns to explain it.
 *
 * Deviation from the paper: λ_S and λ_I are multiples of the median loss of their group, re-measured each
 * round, rather than absolute numbers, so the same values work whatever the scale of the features.
 *
 * `fitPredict(Xs, ys, Xi, XtLabelled, ytLabelled, XtTest)` labels XtTest (which also enters the target's
 * reconstruction term: the unlabelled target is data too). `history` says what each round kept.
 */
export class DDTL extends BaseAdapter {
  protected readonly name = "DDTL";
  readonly options: typeof DDTL_DEFAULTS;
  classes: Int32Array = new Int32Array(0);
  history: DDTLRound[] = [];
  private weights: tf.Variable[] = [];
  private features = 0;

  constructor(options?: DDTLOptions) {
    super();
    this.options = checkOptions("DDTL", options, DDTL_DEFAULTS);
    const o = this.options;
    for (const key of ["hidden", "code", "rounds", "epochs"] as const) requireInteger("DDTL", key, o[key], 1);
    for (const key of ["learningRate", "lambdaSource", "lambdaIntermediate"] as const) requirePositive("DDTL", key, o[key]);
    if (!(o.entropyWeight >= 0)) throw new Error(`DDTL: option "entropyWeight" must be ≥ 0, got ${o.entropyWeight}`);
  }

  /** Frees the network's weights (fitting again frees the old ones too). */
  override dispose(): void {
    tf.dispose(this.weights);
    this.weights = [];
  }

  private encode(X: tf.Tensor2D): tf.Tensor2D {
    const [W1, b1, W2, b2] = this.weights;
    return tf.sigmoid(dense(tf.relu(dense(X, W1 as tf.Tensor2D).add(b1)) as tf.Tensor2D, W2 as tf.Tensor2D).add(b2)) as tf.Tensor2D;
  }

  private decode(H: tf.Tensor2D): tf.Tensor2D {
    const [, , , , W3, b3, W4, b4] = this.weights;
    return dense(tf.relu(dense(H, W3 as tf.Tensor2D).add(b3)) as tf.Tensor2D, W4 as tf.Tensor2D).add(b4) as tf.Tensor2D;
  }

  private logits(H: tf.Tensor2D): tf.Tensor2D {
    const [, , , , , , , , Wc, bc] = this.weights;
    return dense(H, Wc as tf.Tensor2D).add(bc) as tf.Tensor2D;
  }

  /** Per-row reconstruction error ‖x̂ − x‖², cross-entropy (given labels) and prediction entropy. */
  private perSample(X: tf.Tensor2D, yOneHot?: tf.Tensor2D): { recon: tf.Tensor1D; ce?: tf.Tensor1D; entropy: tf.Tensor1D } {
    const H = this.encode(X);
    const recon = tf.sum(tf.squaredDifference(this.decode(H), X), 1) as tf.Tensor1D;
    const z = this.logits(H);
    const logp = tf.logSoftmax(z);
    const entropy = tf.neg(tf.sum(tf.exp(logp).mul(logp), 1)) as tf.Tensor1D;
    const ce = yOneHot ? (tf.neg(tf.sum(yOneHot.mul(logp), 1)) as tf.Tensor1D) : undefined;
    return { recon, ce, entropy };
  }

  /** Train on the labelled source, the intermediate domain, the labelled target and (`data.test`) the unlabelled target. */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, ys: Labels, Xi: Matrix, XtLabelled: Matrix, ytLabelled: Labels, XtUnlabelled?: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, intermediate, Xt, yt, test } = readAdaptData("DDTL.fit", args, ["Xs", "ys", "intermediate", "Xt", "yt", "test"], ["Xs", "ys", "intermediate", "Xt", "yt"]);
    await this.fitArrays(Xs, ys!, single(intermediate!, "DDTL.fit"), Xt, yt!, test);
    return this;
  }

  private async fitArrays(Xs: Matrix, ys: Labels, Xi: Matrix, XtLabelled: Matrix, ytLabelled: Labels, XtUnlabelled?: Matrix): Promise<void> {
    const where = "DDTL.fit";
    const o = this.options;
    const owned: tf.Tensor[] = [];
    const take = (X: Matrix, name: string) => {
      const D = checkDomain(X, name, where);
      if (D.owned) owned.push(D.t);
      return D.t;
    };
    try {
      const S = take(Xs, "Xs");
      const d = S.shape[1];
      const I = take(Xi, "Xi");
      const TL = take(XtLabelled, "XtLabelled");
      checkFeatures(I, d, "Xi", "Xs", where);
      checkFeatures(TL, d, "XtLabelled", "Xs", where);
      const TU = XtUnlabelled === undefined ? null : take(XtUnlabelled, "XtUnlabelled");
      if (TU) checkFeatures(TU, d, "XtUnlabelled", "Xs", where);
      const labelsS = checkLabels(ys, S.shape[0], "ys", "Xs", where);
      const labelsT = checkLabels(ytLabelled, TL.shape[0], "ytLabelled", "XtLabelled", where);
      checkKnownClasses(labelsT, labelsS, "ytLabelled", "ys (the source labels)", where);
      this.classes = Int32Array.from(new Set(labelsS)).sort();
      this.features = d;
      const column = new Map<number, number>();
      this.classes.forEach((c, j) => column.set(c, j));
      const c = this.classes.length;
      const nS = S.shape[0], nI = I.shape[0], nL = TL.shape[0];
      const nT = nL + (TU ? TU.shape[0] : 0);
      // one batch of every row — source, intermediate, labelled target, unlabelled target — so a training
      // step is one forward pass; each term of J is a per-row weight
      const [X, Y] = tf.tidy(() => [
        tf.concat([S, I, TL, ...(TU ? [TU] : [])], 0) as tf.Tensor2D,
        tf.concat([
          tf.oneHot(tf.tensor1d(Int32Array.from(labelsS, (v) => column.get(v)!), "int32"), c).toFloat(),
          tf.zeros([nI, c]),
          tf.oneHot(tf.tensor1d(Int32Array.from(labelsT, (v) => column.get(v)!), "int32"), c).toFloat(),
          tf.zeros([nT - nL, c]),
        ], 0) as tf.Tensor2D,
      ]);
      owned.push(X, Y);
      const n = nS + nI + nT;
      const rowWeights = (vS: Uint8Array, vI: Uint8Array) => {
        const recon = new Float32Array(n), ce = new Float32Array(n), entropy = new Float32Array(n);
        for (let i = 0; i < nS; i++) recon[i] = ce[i] = vS[i] / nS;
        for (let i = 0; i < nI; i++) {
          recon[nS + i] = vI[i] / nI;
          entropy[nS + i] = (o.entropyWeight * vI[i]) / nI;
        }
        for (let i = 0; i < nT; i++) recon[nS + nI + i] = 1 / nT;
        for (let i = 0; i < nL; i++) ce[nS + nI + i] = 1 / nL;
        return [tf.tensor1d(recon), tf.tensor1d(ce), tf.tensor1d(entropy)];
      };

      this.dispose();
      const rng = new Random(o.seed);
      const zeros = (k: number) => variableOf(tf.zeros([k]));
      this.weights = [
        glorot(rng, d, o.hidden), zeros(o.hidden), glorot(rng, o.hidden, o.code), zeros(o.code),
        glorot(rng, o.code, o.hidden), zeros(o.hidden), glorot(rng, o.hidden, d), zeros(d),
        glorot(rng, o.code, c), zeros(c),
      ];
      needGradients();
      const optimizer = tf.train.adam(o.learningRate);
      let vS = new Uint8Array(nS).fill(1);
      let vI = new Uint8Array(nI).fill(o.select ? 0 : 1);
      this.history = [];
      for (let round = 0; round < o.rounds; round++) {
        const [wRecon, wCe, wEntropy] = rowWeights(vS, vI);
        const objective = () => {
          const { recon, ce, entropy } = this.perSample(X, Y);
          return tf.sum(wRecon.mul(recon)).add(tf.sum(wCe.mul(ce!))).add(tf.sum(wEntropy.mul(entropy))) as tf.Scalar;
        };
        let last = 0;
        for (let epoch = 0; epoch < o.epochs; epoch++) {
          const cost = optimizer.minimize(objective, epoch === o.epochs - 1, this.weights);
          if (cost) {
            last = (await cost.data())[0];
            cost.dispose();
          }
        }
        tf.dispose([wRecon, wCe, wEntropy]);
        // the selection step: per-sample losses under the trained network, against the target's own level
        const perRow = tf.tidy(() => {
          const { recon, ce, entropy } = this.perSample(X, Y);
          return tf.stack([recon, ce!, entropy], 1);
        });
        const L = await perRow.data();
        perRow.dispose();
        const lossS = Float64Array.from({ length: nS }, (_, i) => L[3 * i] + L[3 * i + 1]);
        const lossI = Float64Array.from({ length: nI }, (_, i) => L[3 * (nS + i)] + L[3 * (nS + i) + 2]);
        const thresholdSource = o.lambdaSource * median(lossS);
        const thresholdIntermediate = o.lambdaIntermediate * median(lossI);
        this.history.push({ round, source: vS, intermediate: vI, loss: last, thresholdSource, thresholdIntermediate });
        if (o.select) {
          vS = Uint8Array.from(lossS, (v) => (v < thresholdSource ? 1 : 0));
          vI = Uint8Array.from(lossI, (v) => (v < thresholdIntermediate ? 1 : 0));
        }
      }
      optimizer.dispose();
      return;
    } finally {
      tf.dispose(owned);
    }
  }

  /** Labels from the classifier on the learned code. */
  async predict(X: Matrix): Promise<Int32Array> {
    return this.predictAs(X, "X", "DDTL.predict");
  }

  private async predictAs(X: Matrix, argName: string, where: string): Promise<Int32Array> {
    if (this.weights.length === 0) throw this.notFitted(where.slice("DDTL.".length));
    const D = checkDomain(X, argName, where);
    try {
      checkFeatures(D.t, this.features, argName, "Xs", where);
      const best = tf.tidy(() => this.logits(this.encode(D.t)).argMax(1));
      const idx = await best.data();
      best.dispose();
      return Int32Array.from(idx, (j) => this.classes[j]);
    } finally {
      if (D.owned) D.t.dispose();
    }
  }

  /** Train with XtTest as the target's unlabelled data, then label it. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xi: Matrix, XtLabelled: Matrix, ytLabelled: Labels, XtTest: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, intermediate, Xt, yt, test } = readAdaptData("DDTL.fitPredict", args, ["Xs", "ys", "intermediate", "Xt", "yt", "test"], ["Xs", "ys", "intermediate", "Xt", "yt", "test"]);
    await this.fitArrays(Xs, ys!, single(intermediate!, "DDTL.fitPredict"), Xt, yt!, test);
    return this.predictAs(test!, "XtTest", "DDTL.fitPredict");
  }
}

/** DDTL takes one intermediate domain. */
function single(intermediate: Matrix | Matrix[], where: string): Matrix {
  const list = matrixList(intermediate, where, "Xi (the intermediate domain)");
  if (list.length !== 1) throw new InvalidOptionError(`${where}: it takes one intermediate domain (Xi), got a list of ${list.length}`);
  return list[0];
}
