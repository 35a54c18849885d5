/**
 * CART classification trees with sample weights (Breiman et al. 1984): the weak learner of boosting, and of
 * TrAdaBoost in particular, whose whole mechanism is re-weighting the training samples round by round.
 * `DecisionStump` is the one-split tree of AdaBoost's papers.
 */
import * as tf from "../tf";
import { checkOptions, requireInteger } from "../options";
import { Random } from "../random";
import { Labels, Matrix, assertFinite, disposeIfCreated, toTensor2D, checkFinite } from "../tensor";
import { Classifier, checkLabelCount, checkSampleWeight, encodeLabels } from "./classifier";
import { InvalidOptionError, NotFittedError, ShapeMismatchError } from "../errors";

export interface DecisionTreeOptions {
  /** depth of the deepest leaf (a stump has depth 1); default 5 */
  maxDepth?: number;
  /** a split must leave at least this many samples on each side; default 1 */
  minSamplesLeaf?: number;
  /** features tried at each node, drawn at random (seeded); default: all of them */
  maxFeatures?: number;
  /** seed of the feature draws (only used with `maxFeatures`); default 0 */
  seed?: number;
}

export const DECISION_TREE_DEFAULTS = { maxDepth: 5, minSamplesLeaf: 1, maxFeatures: undefined as number | undefined, seed: 0 };

/** One node of the fitted tree; leaves have feature −1. */
export interface DecisionTreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  /** weighted class distribution of the node's training samples (sums to 1) */
  proba: Float64Array;
}

/**
 * A classification tree grown greedily by the weighted Gini impurity: at each node, the split x_f ≤ θ that
 * most decreases Σ_nodes W·(1 − Σ_k p_k²), with class proportions p_k and node weight W summed from the
 * sample weights, so a sample of weight 2 counts as two copies of it (what boosting needs). Thresholds are
 * midpoints between consecutive distinct values; ties go to the lowest feature index, so a fit is
 * deterministic. Leaves predict the class of largest weight (`predictProba`: the weighted proportions).
 */
export class DecisionTree implements Classifier {
  readonly options: Required<Omit<DecisionTreeOptions, "maxFeatures">> & { maxFeatures?: number };
  /** the base learner uses its `sampleWeight` (adaptation methods check this) */
  readonly supportsSampleWeight = true;
  /** the distinct training labels, ascending; column j of `predictProba` is `classes[j]` */
  classes: Int32Array = new Int32Array(0);
  /** the fitted nodes, root first */
  nodes: DecisionTreeNode[] = [];
  private features = 0;

  constructor(options?: DecisionTreeOptions, className = "DecisionTree") {
    this.options = checkOptions(className, options, DECISION_TREE_DEFAULTS);
    requireInteger(className, "maxDepth", this.options.maxDepth, 1);
    requireInteger(className, "minSamplesLeaf", this.options.minSamplesLeaf, 1);
    if (this.options.maxFeatures !== undefined) requireInteger(className, "maxFeatures", this.options.maxFeatures, 1);
  }

  async fit(X: Matrix, y: Labels, sampleWeight?: ArrayLike<number>): Promise<this> {
    const Xt = toTensor2D(X, "X");
    let data: Float32Array;
    let n: number, d: number;
    try {
      [n, d] = Xt.shape;
      if (n === 0) throw new Error(`${this.constructor.name}.fit: X is empty: it needs at least one row (sample)`);
      assertFinite(Xt, "X");
      data = Float32Array.from(await Xt.data());
    } finally {
      disposeIfCreated(Xt, X);
    }
    const { classes, index } = encodeLabels(y, "y");
    checkLabelCount(index, n, `${this.constructor.name}.fit`);
    const w = checkSampleWeight(sampleWeight, n, `${this.constructor.name}.fit`);
    this.classes = classes;
    this.features = d;
    this.nodes = new Grower(data, n, d, index, classes.length, w, this.options).grow();
    return this;
  }

  /** The leaf each row of X falls into. */
  private async leaves(X: Matrix): Promise<Int32Array> {
    if (this.nodes.length === 0) throw new NotFittedError(`${this.constructor.name}: call fit(X, y) before predict`);
    const Xt = toTensor2D(X, "X");
    let data: Float32Array | Int32Array | Uint8Array;
    let n: number;
    try {
      if (Xt.shape[1] !== this.features) {
        throw new ShapeMismatchError(`${this.constructor.name}.predict: X has ${Xt.shape[1]} features but the training data had ${this.features}`);
      }
      n = Xt.shape[0];
      data = await Xt.data();
      checkFinite(data, Xt, "X", `${this.constructor.name}.predict`); // a NaN row would still reach a leaf
    } finally {
      disposeIfCreated(Xt, X);
    }
    const d = this.features;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (this.nodes[node].feature >= 0) {
        const nd = this.nodes[node];
        node = data[i * d + nd.feature] <= nd.threshold ? nd.left : nd.right;
      }
      out[i] = node;
    }
    return out;
  }

  async predict(X: Matrix): Promise<Int32Array> {
    const leaves = await this.leaves(X);
    return Int32Array.from(leaves, (leaf) => {
      const p = this.nodes[leaf].proba;
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
      return this.classes[best];
    });
  }

  async predictProba(X: Matrix): Promise<tf.Tensor2D> {
    const leaves = await this.leaves(X);
    const k = this.classes.length;
    const out = new Float32Array(leaves.length * k);
    leaves.forEach((leaf, i) => out.set(this.nodes[leaf].proba, i * k));
    return tf.tensor2d(out, [leaves.length, k]);
  }

  /** Depth of the fitted tree (0 for a single leaf). */
  depth(): number {
    const walk = (i: number): number => (this.nodes[i].feature < 0 ? 0 : 1 + Math.max(walk(this.nodes[i].left), walk(this.nodes[i].right)));
    return this.nodes.length === 0 ? 0 : walk(0);
  }
}

/** A decision stump: the tree of depth 1 (one threshold on one feature), AdaBoost's classic weak learner. */
export class DecisionStump extends DecisionTree {
  constructor(options?: Omit<DecisionTreeOptions, "maxDepth">) {
    const depth = (options as { maxDepth?: unknown } | undefined)?.maxDepth;
    if (depth !== undefined && depth !== 1) {
      throw new InvalidOptionError('DecisionStump: option "maxDepth" is fixed at 1; use DecisionTree for deeper trees');
    }
    super({ ...(options ?? {}), maxDepth: 1 }, "DecisionStump");
  }
}

/** Grows one tree; the training data stay in flat typed arrays. */
class Grower {
  /** sorted[f·n + r]: the sample of rank r along feature f */
  private readonly sorted: Int32Array;
  private readonly member: Int32Array;
  private readonly nodes: DecisionTreeNode[] = [];
  private readonly rng: Random;

  constructor(
    private readonly X: Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly y: Int32Array,
    private readonly k: number,
    private readonly w: Float64Array,
    private readonly opts: { maxDepth: number; minSamplesLeaf: number; maxFeatures?: number; seed: number },
  ) {
    // every feature presorted once; a node then scans the global order and skips non-members (O(n) per feature)
    this.sorted = new Int32Array(n * d);
    const order = new Int32Array(n);
    const values = new Float64Array(n);
    for (let f = 0; f < d; f++) {
      for (let i = 0; i < n; i++) {
        order[i] = i;
        values[i] = X[i * d + f];
      }
      order.sort((a, b) => values[a] - values[b] || a - b);
      this.sorted.set(order, f * n);
    }
    this.member = new Int32Array(n); // node id of each sample while growing
    this.rng = new Random(opts.seed);
  }

  grow(): DecisionTreeNode[] {
    this.split(Int32Array.from({ length: this.n }, (_, i) => i), 0);
    return this.nodes;
  }

  private classWeights(samples: Int32Array): Float64Array {
    const cw = new Float64Array(this.k);
    for (const i of samples) cw[this.y[i]] += this.w[i];
    return cw;
  }

  /** Adds the node for `samples` (and its subtree); returns its index. */
  private split(samples: Int32Array, depth: number): number {
    const cw = this.classWeights(samples);
    const total = cw.reduce((a, b) => a + b, 0);
    const proba = total > 0 ? cw.map((v) => v / total) : new Float64Array(this.k).fill(1 / this.k);
    const index = this.nodes.length;
    this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, proba });
    const pure = cw.filter((v) => v > 0).length <= 1;
    if (depth >= this.opts.maxDepth || pure || samples.length < 2 * this.opts.minSamplesLeaf) return index;
    const best = this.bestSplit(samples, cw, total, index);
    if (best === null) return index;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of samples) (this.X[i * this.d + best.feature] <= best.threshold ? left : right).push(i);
    const node = this.nodes[index];
    node.feature = best.feature;
    node.threshold = best.threshold;
    node.left = this.split(Int32Array.from(left), depth + 1);
    node.right = this.split(Int32Array.from(right), depth + 1);
    return index;
  }

  private candidateFeatures(): Int32Array {
    const m = this.opts.maxFeatures;
    if (m === undefined || m >= this.d) return Int32Array.from({ length: this.d }, (_, f) => f);
    return this.rng.permutation(this.d).slice(0, m).sort();
  }

  /** The split of largest Gini decrease, or null when none decreases it (or none is allowed). */
  private bestSplit(samples: Int32Array, cw: Float64Array, total: number, nodeId: number): { feature: number; threshold: number } | null {
    const { n, d, k, X, y, w } = this;
    const tag = nodeId + 1;
    for (const i of samples) this.member[i] = tag;
    let parentSq = 0;
    for (let c = 0; c < k; c++) parentSq += cw[c] * cw[c];
    // maximise Σ_L w_k²/W_L + Σ_R w_k²/W_R (equivalent to the largest decrease of W·Gini). A split that
    // does not decrease it is still taken when it is the best there is (as CART does): XOR needs one.
    const floor = parentSq / total - 1e-9 * total;
    let bestScore = -Infinity;
    let best: { feature: number; threshold: number } | null = null;
    const left = new Float64Array(k);
    const minLeaf = this.opts.minSamplesLeaf;
    const m = samples.length;
    for (const f of this.candidateFeatures()) {
      left.fill(0);
      let wl = 0;
      let sqL = 0;
      let sqR = parentSq;
      let count = 0;
      let prev = -1;
      const base = f * n;
      for (let r = 0; r < n; r++) {
        const i = this.sorted[base + r];
        if (this.member[i] !== tag) continue;
        if (prev >= 0) {
          const vPrev = X[prev * d + f];
          const v = X[i * d + f];
          if (v > vPrev && count >= minLeaf && m - count >= minLeaf && wl > 0 && total - wl > 0) {
            const score = sqL / wl + sqR / (total - wl);
            if (score > bestScore) {
              bestScore = score;
              // midpoint in float32, nudged so that the left value itself satisfies x ≤ θ
              best = { feature: f, threshold: Math.fround((vPrev + v) / 2) < v ? Math.fround((vPrev + v) / 2) : vPrev };
            }
          }
        }
        const c = y[i];
        const wi = w[i];
        const lc = left[c];
        const rc = cw[c] - lc;
        sqL += (lc + wi) * (lc + wi) - lc * lc;
        sqR += (rc - wi) * (rc - wi) - rc * rc;
        left[c] = lc + wi;
        wl += wi;
        count++;
        prev = i;
      }
    }
    for (const i of samples) this.member[i] = 0;
    return bestScore >= floor ? best : null;
  }
}
