/**
 * Transitive Transfer Learning (Tan, Song, Zhong & Yang, "Transitive Transfer Learning", KDD 2015): when the
 * source and the target share too little for direct transfer, pick an intermediate domain that shares with
 * both, and let the labels travel source → intermediate → target through two coupled non-negative matrix
 * tri-factorisations.
 */
import * as tf from "../tf";
import { AdaptData, BaseAdapter, matrixList, readAdaptData } from "../adapter";
import { checkOptions, requireInteger } from "../options";
import { mmd } from "../metrics/mmd";
import { proxyADistance } from "../metrics/proxyADistance";
import { Random } from "../random";
import { Labels, Matrix } from "../tensor";
import { checkDomain, checkFeatures, checkLabels } from "./common";

export interface IntermediateScore {
  /** index of the candidate */
  index: number;
  /** distance source ↔ candidate and candidate ↔ target */
  sourceDistance: number;
  targetDistance: number;
  /** the larger of the two legs: a bridge must be close to both ends */
  score: number;
}

export type DomainDistance = "mmd" | "proxyA";

/**
 * TTL's first step: score each candidate intermediate domain by its distance to the source and to the target
 * and rank them; the best bridge has the shorter longest leg, max(d(S, I), d(I, T)). Distances: the squared
 * MMD with an RBF kernel (median heuristic; default) or the proxy A-distance of the paper. The proxy
 * A-distance saturates at 2 as soon as two domains are linearly separable — which distant domains are —
 * so MMD, which keeps ordering them, is the default. Returns the scores, best first.
 */
export async function rankIntermediates(Xs: Matrix, Xt: Matrix, candidates: Matrix[], options: { distance?: DomainDistance; seed?: number } = {}): Promise<IntermediateScore[]> {
  const where = "rankIntermediates";
  const o = checkOptions(where, options, { distance: "mmd" as DomainDistance, seed: 0 });
  if (o.distance !== "mmd" && o.distance !== "proxyA") throw new Error(`${where}: option "distance" must be "mmd" or "proxyA", got ${JSON.stringify(o.distance)}`);
  if (!Array.isArray(candidates) || candidates.length === 0) throw new Error(`${where}: candidates must be a non-empty array of matrices (the candidate intermediate domains)`);
  const S = checkDomain(Xs, "Xs", where);
  const owned: tf.Tensor2D[] = S.owned ? [S.t] : [];
  try {
    const T = checkDomain(Xt, "Xt", where);
    if (T.owned) owned.push(T.t);
    checkFeatures(T.t, S.t.shape[1], "Xt", "Xs", where);
    const distance = (A: tf.Tensor2D, B: tf.Tensor2D) =>
      o.distance === "mmd" ? mmd(A, B, { kernel: "rbf", seed: o.seed }) : proxyADistance(A, B, { seed: o.seed });
    const scores: IntermediateScore[] = [];
    for (const [index, C] of candidates.entries()) {
      const I = checkDomain(C, `candidates[${index}]`, where);
      if (I.owned) owned.push(I.t);
      checkFeatures(I.t, S.t.shape[1], `candidates[${index}]`, "Xs", where);
      const sourceDistance = await distance(S.t, I.t);
      const targetDistance = await distance(I.t, T.t);
      scores.push({ index, sourceDistance, targetDistance, score: Math.max(sourceDistance, targetDistance) });
    }
    return scores.sort((a, b) => a.score - b.score || a.index - b.index);
  } finally {
    tf.dispose(owned);
  }
}

export interface TTLOptions {
  /** feature (word) clusters shared within each pair (source–intermediate, intermediate–target); default 10 */
  clusters?: number;
  /** multiplicative-update iterations (a quarter per stage, see below); default 100 */
  iterations?: number;
  /** how candidates are scored (see `rankIntermediates`); default "mmd" */
  distance?: DomainDistance;
  /** seed of the factor initialisation (and the distances' subsamples); default 0 */
  seed?: number;
}

export const TTL_DEFAULTS = { clusters: 10, iterations: 100, distance: "mmd" as DomainDistance, seed: 0 };

const EPS = 1e-12;

/** One domain's part of the model in one pair: X ≈ G Pᵀ + 1 bᵀ, P = U Hᵀ the pair's shared class profiles. */
interface Term {
  X: tf.Tensor2D;
  /** which instance factor G it uses (the intermediate's is shared by both pairs) */
  g: "S" | "I" | "T";
  pair: 0 | 1;
  /** this domain's own, class-independent word distribution (features × 1) */
  b: tf.Tensor2D;
}

/**
 * TTL: intermediate-domain selection, then transitive knowledge transfer by joint non-negative matrix
 * tri-factorisation. Each domain's data (rows: samples; non-negative features such as word frequencies) is
 * factorised within its pair p as
 *
 *   X_D ≈ G_D H_p U_pᵀ + 1 b_Dᵀ           D ∈ {S, I} in pair 1, D ∈ {I, T} in pair 2
 *
 * G_D (samples × classes): class memberships — fixed to the one-hot labels for the source, learned for the
 * intermediate and the target; U_p (features × k): feature (word) clusters shared by the two domains of a
 * pair, H_p (classes × k) the classes' association with them; b_D: what each domain has of its own that says
 * nothing about the class (its own vocabulary use). The intermediate's G_I is the same matrix in both pairs:
 * what pair 1 learns about the intermediate from the source's labels through the shared clusters, pair 2
 * passes on to the target — the transitive step. The factors minimise Σ_terms ‖X_D − G_D H_p U_pᵀ − 1b_Dᵀ‖²_F
 * by multiplicative updates (Lee & Seung 2001; Ding et al. 2006 for tri-factorisations), which keep them
 * non-negative and never increase the objective; the columns of U sum to 1 (their scale moved into H). The
 * updates follow the chain: a quarter of the iterations source → intermediate (pair 1), a quarter learning
 * pair 2's clusters from the labelled intermediate, a quarter placing the target in them, the rest all terms
 * jointly. The target's labels are argmax G_T.
 *
 * Deviation from the paper: its domain-specific factors are feature clusters of each domain; here they are a
 * single class-independent profile b_D, because own clusters with their own class associations let a domain
 * explain itself without the shared factors, and the labels then arrive permuted.
 *
 * `fit(Xs, ys, candidates, Xt)` ranks the candidates (`rankIntermediates`), keeps the best, and factorises;
 * `fitPredict` returns the target labels. `intermediateLabels` are the labels it gave the intermediate domain.
 */
export class TTL extends BaseAdapter {
  protected readonly name = "TTL";
  readonly options: typeof TTL_DEFAULTS;
  /** the candidates' scores, best first, and the chosen one's index */
  ranking: IntermediateScore[] = [];
  selected = -1;
  classes: Int32Array = new Int32Array(0);
  targetLabels: Int32Array = new Int32Array(0);
  intermediateLabels: Int32Array = new Int32Array(0);
  /** the factorisation's objective every 10 iterations */
  objective: number[] = [];

  constructor(options?: TTLOptions) {
    super();
    this.options = checkOptions("TTL", options, TTL_DEFAULTS);
    const o = this.options;
    requireInteger("TTL", "clusters", o.clusters, 1);
    requireInteger("TTL", "iterations", o.iterations, 1);
    if (o.distance !== "mmd" && o.distance !== "proxyA") throw new Error(`TTL: option "distance" must be "mmd" or "proxyA", got ${JSON.stringify(o.distance)}`);
  }

  /** Rank the intermediate candidates (`data.intermediate`), keep the best, factorise (transductive: labels the fitted target). */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, ys: Labels, candidates: Matrix | Matrix[], Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, intermediate, Xt } = readAdaptData("TTL.fit", args, ["Xs", "ys", "intermediate", "Xt"], ["Xs", "ys", "intermediate", "Xt"]);
    await this.fitArrays(Xs, ys!, intermediate!, Xt);
    return this;
  }

  private async fitArrays(Xs: Matrix, ys: Labels, candidates: Matrix | Matrix[], Xt: Matrix): Promise<void> {
    const where = "TTL.fit";
    const list = matrixList(candidates, "TTL.fit", "candidates (the candidate intermediate domains)");
    const owned: tf.Tensor[] = [];
    try {
      const S = checkDomain(Xs, "Xs", where);
      if (S.owned) owned.push(S.t);
      const T = checkDomain(Xt, "Xt", where);
      if (T.owned) owned.push(T.t);
      checkFeatures(T.t, S.t.shape[1], "Xt", "Xs", where);
      const labels = checkLabels(ys, S.t.shape[0], "ys", "Xs", where);
      for (const [name, t] of [["Xs", S.t], ["Xt", T.t]] as const) await checkNonNegative(t, name, where);
      this.ranking = list.length === 1
        ? [{ index: 0, sourceDistance: NaN, targetDistance: NaN, score: NaN }]
        : await rankIntermediates(S.t, T.t, list, { distance: this.options.distance, seed: this.options.seed });
      this.selected = this.ranking[0].index;
      const I = checkDomain(list[this.selected], `candidates[${this.selected}]`, where);
      if (I.owned) owned.push(I.t);
      checkFeatures(I.t, S.t.shape[1], `candidates[${this.selected}]`, "Xs", where);
      await checkNonNegative(I.t, `candidates[${this.selected}]`, where);
      this.classes = Int32Array.from(new Set(labels)).sort();
      const column = new Map<number, number>();
      this.classes.forEach((c, j) => column.set(c, j));
      const { GI, GT } = await this.factorise(S.t, Int32Array.from(labels, (c) => column.get(c)!), I.t, T.t);
      this.intermediateLabels = Int32Array.from(GI, (j) => this.classes[j]);
      this.targetLabels = Int32Array.from(GT, (j) => this.classes[j]);
    } finally {
      tf.dispose(owned);
    }
  }

  /** `fit`, then the target's labels (TTL is transductive: `data.test` is not supported). */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, candidates: Matrix | Matrix[], Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, intermediate, Xt } = readAdaptData("TTL.fitPredict", args, ["Xs", "ys", "intermediate", "Xt"], ["Xs", "ys", "intermediate", "Xt"]);
    await this.fitArrays(Xs, ys!, intermediate!, Xt);
    return this.targetLabels;
  }

  /** The coupled tri-factorisations; returns argmax G_I and argmax G_T (class indices). */
  private async factorise(XS: tf.Tensor2D, yIndex: Int32Array, XI: tf.Tensor2D, XT: tf.Tensor2D): Promise<{ GI: Int32Array; GT: Int32Array }> {
    const { clusters: k, iterations, seed } = this.options;
    const c = this.classes.length;
    const d = XS.shape[1];
    const rng = new Random(seed);
    const positive = (rows: number, cols: number, scale = 1) =>
      tf.tensor2d(Float32Array.from({ length: rows * cols }, () => scale * (0.5 + rng.next())), [rows, cols]);
    const G: Record<"S" | "I" | "T", tf.Tensor2D> = {
      S: tf.tidy(() => tf.oneHot(tf.tensor1d(yIndex, "int32"), c).toFloat() as tf.Tensor2D),
      I: positive(XI.shape[0], c, 1 / c),
      T: positive(XT.shape[0], c, 1 / c),
    };
    const U = [positive(d, k, 1 / d), positive(d, k, 1 / d)];
    const H = [positive(c, k, 1 / k), positive(c, k, 1 / k)];
    const terms: Term[] = [
      { X: XS, g: "S", pair: 0, b: positive(d, 1, 0.1 / d) },
      { X: XI, g: "I", pair: 0, b: positive(d, 1, 0.1 / d) },
      { X: XI, g: "I", pair: 1, b: positive(d, 1, 0.1 / d) },
      { X: XT, g: "T", pair: 1, b: positive(d, 1, 0.1 / d) },
    ];
    const swap = (old: tf.Tensor, next: tf.Tensor2D) => {
      old.dispose();
      return next;
    };
    // the model of a term: M = G H Uᵀ + 1 bᵀ (samples × features)
    const model = (t: Term) => tf.tidy(() => tf.matMul(tf.matMul(G[t.g], H[t.pair]), U[t.pair], false, true).add(t.b.reshape([1, -1])) as tf.Tensor2D);
    const sumOver = (parts: tf.Tensor2D[]) => (parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor2D));
    this.objective = [];
    /**
     * One round of multiplicative updates of the factors in `update`, fitted to the terms in `use` only:
     * G ← G ⊙ Σ X U Hᵀ / Σ M U Hᵀ;  H ← H ⊙ Σ Gᵀ X U / Σ Gᵀ M U;  U ← U ⊙ Σ Xᵀ G H / Σ Mᵀ G H (columns then
     * normalised, the scale moved into H);  b ← b ⊙ Xᵀ1 / Mᵀ1.
     */
    const round = (use: Term[], update: { G: ("I" | "T")[]; pairs: (0 | 1)[] }) => {
      for (const g of update.G) {
        const own = use.filter((t) => t.g === g);
        const next = tf.tidy(() => {
          const num = sumOver(own.map((t) => tf.matMul(tf.matMul(t.X, U[t.pair]), H[t.pair], false, true) as tf.Tensor2D));
          const den = sumOver(own.map((t) => tf.matMul(tf.matMul(model(t), U[t.pair]), H[t.pair], false, true) as tf.Tensor2D));
          return G[g].mul(num).div(den.add(EPS)) as tf.Tensor2D;
        });
        G[g] = swap(G[g], next);
      }
      for (const p of update.pairs) {
        const pair = use.filter((t) => t.pair === p);
        H[p] = swap(H[p], tf.tidy(() => {
          const num = sumOver(pair.map((t) => tf.matMul(tf.matMul(G[t.g], t.X, true, false), U[p]) as tf.Tensor2D));
          const den = sumOver(pair.map((t) => tf.matMul(tf.matMul(G[t.g], model(t), true, false), U[p]) as tf.Tensor2D));
          return H[p].mul(num).div(den.add(EPS)) as tf.Tensor2D;
        }));
        const [nextU, nextH] = tf.tidy(() => {
          const num = sumOver(pair.map((t) => tf.matMul(tf.matMul(t.X, G[t.g], true, false), H[p]) as tf.Tensor2D));
          const den = sumOver(pair.map((t) => tf.matMul(tf.matMul(model(t), G[t.g], true, false), H[p]) as tf.Tensor2D));
          const raw = U[p].mul(num).div(den.add(EPS));
          const scale = raw.sum(0, true).add(EPS);
          return [raw.div(scale) as tf.Tensor2D, H[p].mul(scale) as tf.Tensor2D];
        });
        U[p] = swap(U[p], nextU);
        H[p] = swap(H[p], nextH);
      }
      for (const t of use) {
        t.b = swap(t.b, tf.tidy(() => t.b.mul(t.X.sum(0).reshape([-1, 1])).div(model(t).sum(0).reshape([-1, 1]).add(EPS)) as tf.Tensor2D));
      }
    };
    const record = async () => {
      const value = tf.tidy(() => tf.addN(terms.map((t) => tf.sum(tf.squaredDifference(t.X, model(t))))));
      this.objective.push((await value.data())[0]);
      value.dispose();
    };
    // The transfer runs along the chain, as the method's name says: (1) source → intermediate: pair 1 alone
    // labels the intermediate; (2) intermediate → target: pair 2's clusters are learned from the intermediate
    // with its labels held, then the target is expressed in them; (3) everything together. Starting the
    // target's memberships from random instead lets the target cluster itself with the classes permuted.
    const [pair1, intermediate2, target2] = [terms.filter((t) => t.pair === 0), [terms[2]], [terms[3]]];
    const stage = Math.max(1, Math.floor(iterations / 4));
    for (let it = 0; it < iterations; it++) {
      if (it < stage) round(pair1, { G: ["I"], pairs: [0] });
      else if (it < 2 * stage) round(intermediate2, { G: [], pairs: [1] });
      else if (it < 3 * stage) round(target2, { G: ["T"], pairs: [] });
      else round(terms, { G: ["I", "T"], pairs: [0, 1] });
      if (it % 10 === 9 || it === iterations - 1) await record();
    }
    const argmax = async (M: tf.Tensor2D) => {
      const a = M.argMax(1);
      const out = Int32Array.from(await a.data());
      a.dispose();
      return out;
    };
    const result = { GI: await argmax(G.I), GT: await argmax(G.T) };
    tf.dispose([G.S, G.I, G.T, ...U, ...H, ...terms.map((t) => t.b)]);
    return result;
  }
}


async function checkNonNegative(X: tf.Tensor2D, name: string, where: string): Promise<void> {
  const m = tf.tidy(() => X.min());
  const v = (await m.data())[0];
  m.dispose();
  if (v < 0) throw new Error(`${where}: ${name} has a negative value (${v}); TTL factorises non-negative data such as word counts or frequencies`);
}
