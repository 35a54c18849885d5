/**
 * TransEMDT — Transfer learning Embedded Decision Tree (Zhao, Chen, Liu, Shen & Liu, "Cross-People
 * Mobile-Phone Based Activity Recognition", IJCAI 2011): model-based transfer from labelled persons to an
 * unlabelled one. The *model* (a decision tree's structure) is shared; its *parameters* (split thresholds,
 * leaf classes) are re-estimated on the target with K-means.
 *
 *   1. Grow a decision tree on the labelled source person(s).
 *   2. Each round: classify the target with the current tree; seed K-means on the target with the tree's class
 *      prototypes (the mean of the target samples it classifies confidently into each class), so that cluster c
 *      stands for class c; the confidence rule picks the target samples that may update the model; each split
 *      threshold is re-estimated, top down, from those samples' clusters (`adaptThreshold`), and a leaf takes the
 *      class its samples' clusters vote for. Stop when nothing changes.
 *
 * The paper gives no code; the concrete choices (the K-means space, the confidence rule, a trust region for the
 * thresholds) are this implementation's and are options, compared in notebooks/04-model-based.ipynb.
 */
import { AdaptData, BaseAdapter, readAdaptData } from "../adapter";
import { checkOptions, requireInteger } from "../options";
import { Labels, Matrix, toLabels } from "../tensor";
import { AdaptiveTree, Rows, argmax, toRows } from "./tree";
import { kMeans } from "./kmeans";
import { adaptThreshold } from "./thresholdUpdate";
import { InvalidOptionError, NotFittedError, ShapeMismatchError } from "../errors";

export type ConfidenceRule = "agreement" | "cluster";
export type ClusterSpace = "weighted" | "all";

export interface TransEMDTOptions {
  /** the source tree (see AdaptiveTree); defaults 6 and 5 */
  maxDepth?: number;
  minSamplesLeaf?: number;
  /** adaptation rounds at most; default 10 */
  iterations?: number;
  /** Lloyd steps of K-means per round (few: the rounds iterate it, and long runs let one cluster take another's class); default 1 */
  kmeansIterations?: number;
  /** a target sample seeds its class's prototype when its leaf's source purity is at least this; default 0.6 */
  confidence?: number;
  /**
   * the confidence rule, which target samples update the tree: "agreement" (default) — K-means puts it in the class
   * the tree predicts, and its cluster is clear (`margin`); "cluster" — every sample with a clear cluster
   */
  rule?: ConfidenceRule;
  /** a clear cluster: distance to the nearest centre ≤ margin × distance to the second nearest; default 0.7 */
  margin?: number;
  /** K-means space: target z-scores weighted by √(the source tree's Gini importance) (default), or all features alike */
  space?: ClusterSpace;
  /** confident samples needed on each side to move a threshold, and in a leaf to relabel it; default 3 */
  minSamples?: number;
  /** a class goes left (right) at a split when at least this share of its source samples did; default 0.75 */
  sideShare?: number;
  /** trust region: a threshold stays within this many source standard deviations of the source's; default 0.5 */
  maxShift?: number;
  /** relabel leaves from the clusters too (not only thresholds); default true */
  relabelLeaves?: boolean;
  /** the threshold update (leftValues, rightValues, oldThreshold) → new threshold; default `adaptThreshold` */
  thresholdUpdate?: ThresholdUpdate;
  seed?: number;
}

export type ThresholdUpdate = (leftValues: number[], rightValues: number[], oldThreshold: number) => number;

export const TRANSEMDT_DEFAULTS = {
  maxDepth: 6, minSamplesLeaf: 5, iterations: 10, kmeansIterations: 1, confidence: 0.6, rule: "agreement" as ConfidenceRule,
  margin: 0.7, space: "weighted" as ClusterSpace, minSamples: 3, sideShare: 0.75, maxShift: 0.5, relabelLeaves: true,
  thresholdUpdate: adaptThreshold as ThresholdUpdate, seed: 0,
};

/** What one adaptation round did. */
export interface AdaptationRound {
  iteration: number;
  /** share of target samples that passed the confidence rule */
  confidentShare: number;
  /** share of target samples where the tree and K-means agree */
  agreement: number;
  thresholdsMoved: number;
  leavesRelabelled: number;
  /** share of target predictions that changed in this round */
  predictionsChanged: number;
}

/** One split before and after adaptation. */
export interface ThresholdShift {
  node: number;
  depth: number;
  feature: number;
  before: number;
  after: number;
  /** (after − before) / (the source's standard deviation of the feature) */
  shiftInSourceStd: number;
}

export class TransEMDT extends BaseAdapter {
  protected readonly name = "TransEMDT";
  readonly options: typeof TRANSEMDT_DEFAULTS;
  /** the tree grown on the source, untouched */
  sourceTree: AdaptiveTree | null = null;
  /** the tree adapted to the target */
  tree: AdaptiveTree | null = null;
  history: AdaptationRound[] = [];
  private sourceStd: Float64Array = new Float64Array(0);

  constructor(options?: TransEMDTOptions) {
    super();
    this.options = checkOptions("TransEMDT", options, TRANSEMDT_DEFAULTS);
    const o = this.options;
    requireInteger("TransEMDT", "iterations", o.iterations, 0);
    requireInteger("TransEMDT", "kmeansIterations", o.kmeansIterations, 1);
    requireInteger("TransEMDT", "minSamples", o.minSamples, 1);
    for (const key of ["confidence", "margin", "sideShare"] as const) {
      if (!(o[key] >= 0 && o[key] <= 1)) throw new InvalidOptionError(`TransEMDT: option "${key}" must be in [0, 1], got ${o[key]}`);
    }
    if (o.sideShare <= 0.5) throw new InvalidOptionError(`TransEMDT: option "sideShare" must be > 0.5 (a class goes to one side), got ${o.sideShare}`);
    if (!(o.maxShift > 0)) throw new InvalidOptionError(`TransEMDT: option "maxShift" must be > 0 (source standard deviations), got ${o.maxShift}`);
    if (o.rule !== "agreement" && o.rule !== "cluster") throw new InvalidOptionError(`TransEMDT: option "rule" must be "agreement" or "cluster", got ${JSON.stringify(o.rule)}`);
    if (typeof o.thresholdUpdate !== "function") throw new InvalidOptionError(`TransEMDT: option "thresholdUpdate" must be a function (leftValues, rightValues, oldThreshold) => threshold, got ${typeof o.thresholdUpdate}`);
    if (o.space !== "weighted" && o.space !== "all") throw new InvalidOptionError(`TransEMDT: option "space" must be "weighted" or "all", got ${JSON.stringify(o.space)}`);
  }

  /** Grows the source tree on (Xs, ys) and adapts it to the unlabelled target Xt (NaN = missing, in both). */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix | Rows, ys: Labels, Xt: Matrix | Rows): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, Xt } = readAdaptData("TransEMDT.fit", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    return this.fitRows(Xs, ys!, Xt);
  }

  private async fitRows(Xs: Matrix | Rows, ys: Labels, Xt: Matrix | Rows): Promise<this> {
    const S = toRows(Xs, "Xs");
    const T = toRows(Xt, "Xt");
    if (S.cols !== T.cols) throw new ShapeMismatchError(`TransEMDT.fit: Xs has ${S.cols} features but Xt has ${T.cols}`);
    if (T.rows === 0) throw new Error("TransEMDT.fit: Xt is empty: the target needs samples to adapt to");
    const y = toLabels(ys, "ys");
    const { maxDepth, minSamplesLeaf, seed } = this.options;
    this.sourceTree = new AdaptiveTree({ maxDepth, minSamplesLeaf, seed }).fitSync(S, y);
    this.sourceStd = columnStats(S).std;
    this.tree = this.sourceTree.clone();
    this.history = [];
    // K-means space: the target's own z-scores (missing → the target's median), each feature weighted by
    // √(its Gini importance in the source tree): distances in the features the model relies on, not in the
    // 30 histogram bins that dominate a plain Euclidean distance on WISDM
    const weights = this.options.space === "weighted" ? Array.from(this.sourceTree.importance(), Math.sqrt) : new Array<number>(T.cols).fill(1);
    const cols = weights.map((_, j) => j).filter((j) => weights[j] > 0);
    const w = cols.map((j) => weights[j]);
    const Tsel = selectColumns(T, cols);
    const Z = standardise(Tsel, w);
    const sourcePrototypes = classMeansIn(selectColumns(S, cols), y, this.sourceTree.classes, columnStats(Tsel), w);
    let predicted = this.tree.predictIndex(T);
    for (let it = 1; it <= this.options.iterations; it++) {
      const round = this.adaptOnce(T, Z, sourcePrototypes, predicted, it);
      const next = this.tree.predictIndex(T);
      let changed = 0;
      for (let i = 0; i < next.length; i++) if (next[i] !== predicted[i]) changed++;
      round.predictionsChanged = changed / next.length;
      predicted = next;
      this.history.push(round);
      if (round.thresholdsMoved === 0 && round.leavesRelabelled === 0) break;
    }
    return this;
  }

  /** `fit` then the adapted tree's labels for the target (docs/design.md: `fitPredict(Xs, ys, Xt)`). */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix | Rows, ys: Labels, Xt: Matrix | Rows): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt, test } = readAdaptData("TransEMDT.fitPredict", args, ["Xs", "ys", "Xt", "test"], ["Xs", "ys", "Xt"]);
    const T = toRows(Xt, "Xt");
    await this.fitRows(Xs, ys!, T);
    return this.predict(test ?? T);
  }

  /** Labels from the adapted tree. */
  async predict(X: Matrix | Rows): Promise<Int32Array> {
    if (!this.tree) throw this.notFitted("predict");
    return this.tree.predict(X);
  }

  /** One round: K-means seeded by the tree, the confidence rule, thresholds and leaves re-estimated. */
  private adaptOnce(T: Rows, Z: Rows, sourcePrototypes: Float64Array, predicted: Int32Array, iteration: number): AdaptationRound {
    const tree = this.tree!;
    const source = this.sourceTree!;
    const k = tree.classes.length;
    const { confidence, margin, minSamples, relabelLeaves, rule } = this.options;
    const n = T.rows, dz = Z.cols;
    // the tree's class prototypes in the target: mean of the target samples it classifies with confidence
    // (leaf purity ≥ `confidence`) into each class, else of all it puts there, else the source class mean
    const purity = source.confidence(T);
    const sure = new Float64Array(k), any = new Float64Array(k);
    const sumSure = new Float64Array(k * dz), sumAny = new Float64Array(k * dz);
    for (let i = 0; i < n; i++) {
      const c = predicted[i];
      const confident = purity[i] >= confidence;
      any[c]++;
      if (confident) sure[c]++;
      for (let j = 0; j < dz; j++) {
        sumAny[c * dz + j] += Z.data[i * dz + j];
        if (confident) sumSure[c * dz + j] += Z.data[i * dz + j];
      }
    }
    const init = new Float64Array(k * dz);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < dz; j++) {
        init[c * dz + j] = sure[c] > 0 ? sumSure[c * dz + j] / sure[c] : any[c] > 0 ? sumAny[c * dz + j] / any[c] : sourcePrototypes[c * dz + j];
      }
    }
    const km = kMeans(Z.data, n, dz, k, { init, maxIterations: this.options.kmeansIterations, seed: this.options.seed + iteration });
    // the confidence rule: which samples update the model, with their cluster's class as the label
    const pseudo = new Int32Array(n).fill(-1);
    let agree = 0;
    const confidentRows: number[] = [];
    for (let i = 0; i < n; i++) {
      const agrees = km.assignment[i] === predicted[i];
      if (agrees) agree++;
      const clear = km.distance[i] <= margin * margin * km.secondDistance[i]; // squared distances
      if (clear && (agrees || rule === "cluster")) {
        pseudo[i] = km.assignment[i];
        confidentRows.push(i);
      }
    }
    const moved = this.updateThresholds(T, pseudo, confidentRows);
    // leaves: the majority cluster of the confident samples now in each leaf
    let relabelled = 0;
    if (relabelLeaves) {
      const leafOf = tree.leaves(T);
      const votes = new Map<number, Float64Array>();
      for (const i of confidentRows) {
        const v = votes.get(leafOf[i]) ?? new Float64Array(k);
        v[pseudo[i]]++;
        votes.set(leafOf[i], v);
      }
      for (const [leaf, v] of votes) {
        const total = v.reduce((a, b) => a + b, 0);
        const c = argmax(v);
        if (total >= minSamples && v[c] > total / 2 && tree.nodes[leaf].label !== c) {
          tree.nodes[leaf].label = c;
          relabelled++;
        }
      }
    }
    return { iteration, confidentShare: confidentRows.length / n, agreement: agree / n, thresholdsMoved: moved, leavesRelabelled: relabelled, predictionsChanged: 0 };
  }

  /**
   * Top down: at each split, the confident samples that reach it are grouped by the side their (cluster) class
   * takes in the source tree, and the threshold moves to where the target separates the two groups.
   */
  private updateThresholds(T: Rows, pseudo: Int32Array, rows: number[]): number {
    const tree = this.tree!;
    const source = this.sourceTree!;
    const { minSamples, sideShare, maxShift } = this.options;
    const d = T.cols;
    let moved = 0;
    const visit = (node: number, reaching: number[]): void => {
      const nd = tree.nodes[node];
      if (nd.feature < 0) return;
      const sides = classSides(source, node, sideShare);
      const leftValues: number[] = [], rightValues: number[] = [];
      for (const i of reaching) {
        const v = T.data[i * d + nd.feature];
        if (v !== v) continue; // NaN: missing
        if (sides[pseudo[i]] === -1) leftValues.push(v);
        else if (sides[pseudo[i]] === 1) rightValues.push(v);
      }
      if (leftValues.length >= minSamples && rightValues.length >= minSamples) {
        // trust region around the source's threshold: a person differs from the others, but not without bound
        const origin = source.nodes[node].threshold;
        const limit = maxShift * this.sourceStd[nd.feature];
        const proposed = this.options.thresholdUpdate(leftValues, rightValues, nd.threshold);
        if (!Number.isFinite(proposed)) throw new Error(`TransEMDT: the threshold update returned ${proposed} at node ${node}; it must return a finite threshold`);
        const t = Math.min(origin + limit, Math.max(origin - limit, proposed));
        if (t !== nd.threshold) {
          nd.threshold = t;
          moved++;
        }
      }
      const left: number[] = [], right: number[] = [];
      for (const i of reaching) {
        const v = T.data[i * d + nd.feature];
        ((v !== v ? nd.missingLeft : v <= nd.threshold) ? left : right).push(i);
      }
      visit(nd.left, left);
      visit(nd.right, right);
    };
    visit(0, rows);
    return moved;
  }

  /** Every split's threshold before and after adaptation, with the shift in source standard deviations. */
  thresholdShifts(): ThresholdShift[] {
    if (!this.tree || !this.sourceTree) throw this.notFitted("thresholdShifts");
    return this.sourceTree.splits().map((s) => {
      const after = this.tree!.nodes[s.node].threshold;
      const sd = this.sourceStd[s.feature];
      return { node: s.node, depth: s.depth, feature: s.feature, before: s.threshold, after, shiftInSourceStd: sd > 0 ? (after - s.threshold) / sd : 0 };
    });
  }
}

/**
 * For each class, the side it takes at split `node` of the (source) tree: −1 left, +1 right, 0 when it is
 * absent there or split between the sides (less than `share` of its samples on one side).
 */
export function classSides(tree: AdaptiveTree, node: number, share: number): Int8Array {
  const nd = tree.nodes[node];
  if (!nd || nd.feature < 0) throw new Error(`classSides: node ${node} is not a split of the tree`);
  const k = tree.classes.length;
  const sides = new Int8Array(k);
  const l = tree.nodes[nd.left].counts, r = tree.nodes[nd.right].counts;
  for (let c = 0; c < k; c++) {
    const total = l[c] + r[c];
    if (total === 0) continue;
    if (l[c] / total >= share) sides[c] = -1;
    else if (r[c] / total >= share) sides[c] = 1;
  }
  return sides;
}

function selectColumns(X: Rows, cols: number[]): Rows {
  const out = new Float64Array(X.rows * cols.length);
  for (let i = 0; i < X.rows; i++) cols.forEach((c, j) => (out[i * cols.length + j] = X.data[i * X.cols + c]));
  return { data: out, rows: X.rows, cols: cols.length };
}

/** Column means, standard deviations and medians over the non-missing values. */
export function columnStats(X: Rows): { mean: Float64Array; std: Float64Array; median: Float64Array } {
  const { data, rows, cols } = X;
  const mean = new Float64Array(cols), std = new Float64Array(cols), median = new Float64Array(cols);
  const col: number[] = [];
  for (let j = 0; j < cols; j++) {
    col.length = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      if (v === v) col.push(v); // skips NaN (a global lookup per cell is slow in a vm context)
    }
    if (col.length === 0) continue;
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    mean[j] = m;
    std[j] = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
    col.sort((a, b) => a - b);
    median[j] = col[Math.floor(col.length / 2)];
  }
  return { mean, std, median };
}

/** Weighted z-scores of X by its own statistics (a missing value → the column's median first). */
function standardise(X: Rows, weights: number[]): Rows {
  const { mean, std, median } = columnStats(X);
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      let v = X.data[i * X.cols + j];
      if (v !== v) v = median[j];
      out[i * X.cols + j] = std[j] > 0 ? (weights[j] * (v - mean[j])) / std[j] : 0;
    }
  }
  return { data: out, rows: X.rows, cols: X.cols };
}

/** Source class means in the target's weighted z-score space: the prototype of a class the tree never predicts. */
function classMeansIn(S: Rows, y: Int32Array, classes: Int32Array, target: { mean: Float64Array; std: Float64Array }, weights: number[]): Float64Array {
  const k = classes.length, d = S.cols;
  const sums = new Float64Array(k * d), counts = new Float64Array(k * d);
  for (let i = 0; i < S.rows; i++) {
    const c = classes.indexOf(y[i]);
    for (let j = 0; j < d; j++) {
      const v = S.data[i * d + j];
      if (v !== v) continue;
      sums[c * d + j] += v;
      counts[c * d + j]++;
    }
  }
  return sums.map((s, idx) => {
    const j = idx % d;
    const m = counts[idx] > 0 ? s / counts[idx] : target.mean[j];
    return target.std[j] > 0 ? (weights[j] * (m - target.mean[j])) / target.std[j] : 0;
  });
}
