/**
 * The decision tree of TransEMDT: CART (Gini) on numeric features, built so that it can be *adapted* — its
 * split thresholds and leaf classes are plain numbers that the target's clusters re-estimate — and so that
 * missing values (NaN, WISDM's `?`) need no imputation: a split is chosen on the samples that have the
 * feature, and a missing value follows the branch that most training samples took.
 */
import { checkOptions, requireInteger } from "../options";
import { Labels, Matrix, toFloat64, toLabels } from "../tensor";
import { NotFittedError, ShapeMismatchError } from "../errors";

export interface AdaptiveTreeOptions {
  /** depth of the deepest leaf; default 6 */
  maxDepth?: number;
  /** a split must leave at least this many samples (with the feature present) on each side; default 5 */
  minSamplesLeaf?: number;
  /** accepted for API uniformity: growing is deterministic (ties go to the lowest feature index) */
  seed?: number;
}

export const ADAPTIVE_TREE_DEFAULTS = { maxDepth: 6, minSamplesLeaf: 5, seed: 0 };

/** One node; a leaf has feature −1. */
export interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  /** where a sample whose feature is missing goes */
  missingLeft: boolean;
  /** class counts of the training samples that reached the node (index = position in `classes`) */
  counts: Float64Array;
  /** the class (index into `classes`) the node predicts: the majority of `counts` unless adapted */
  label: number;
  depth: number;
}

/** Rows as a row-major Float64Array (NaN allowed), from a Matrix or from such an array already. */
export interface Rows {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** A Matrix → rows (NaN kept; the tree handles missing values itself). */
export function toRows(X: Matrix | Rows, argName = "X"): Rows {
  if (!Array.isArray(X) && "data" in X && X.data instanceof Float64Array) return X as Rows;
  return toFloat64(X as Matrix, argName);
}

// Hot loops read module-level constants and use `v !== v` for NaN: in a vm context (jest, the notebook kernel)
// every global lookup (Infinity, Number.isNaN) goes through the context's interceptor and costs ~30×.
const INF = Infinity;

export class AdaptiveTree {
  readonly options: Required<AdaptiveTreeOptions>;
  /** the distinct training labels, ascending; node labels index into it */
  classes: Int32Array = new Int32Array(0);
  nodes: TreeNode[] = [];
  features = 0;

  constructor(options?: AdaptiveTreeOptions) {
    this.options = checkOptions("AdaptiveTree", options, ADAPTIVE_TREE_DEFAULTS);
    requireInteger("AdaptiveTree", "maxDepth", this.options.maxDepth, 1);
    requireInteger("AdaptiveTree", "minSamplesLeaf", this.options.minSamplesLeaf, 1);
  }

  /** Grows the tree on the rows of X (NaN = missing) with labels y (any integers). */
  async fit(X: Matrix | Rows, y: Labels): Promise<this> {
    return this.fitSync(toRows(X), y);
  }

  fitSync(X: Rows, y: Labels): this {
    const labels = toLabels(y, "y");
    if (labels.length !== X.rows) throw new ShapeMismatchError(`AdaptiveTree.fit: y has ${labels.length} labels but X has ${X.rows} rows; give one label per sample`);
    if (X.rows === 0) throw new Error("AdaptiveTree.fit: X is empty: it needs at least one row (sample)");
    for (let i = 0; i < X.data.length; i++) {
      const v = X.data[i];
      if (v === INF || v === -INF) throw new Error(`AdaptiveTree.fit: X has ${v} at row ${Math.floor(i / X.cols)}, column ${i % X.cols} (NaN is a missing value; ±∞ is not)`);
    }
    this.classes = Int32Array.from(new Set(labels)).sort();
    const index = Int32Array.from(labels, (v) => this.classes.indexOf(v));
    this.features = X.cols;
    this.nodes = [];
    // each feature's samples (those that have it) sorted once by value; a split partitions these lists stably,
    // so no node sorts again (CART's presorting: O(d·n) per tree level instead of O(d·n log n) per node)
    const d = X.cols;
    const sorted: Int32Array[] = [];
    const column = new Float64Array(X.rows);
    for (let f = 0; f < d; f++) {
      const present: number[] = [];
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * d + f];
        column[i] = v;
        if (v === v) present.push(i); // not NaN
      }
      sorted.push(Int32Array.from(present).sort((a, b) => column[a] - column[b] || a - b));
    }
    this.grow(X, index, Int32Array.from({ length: X.rows }, (_, i) => i), sorted, 0, new Uint8Array(X.rows));
    return this;
  }

  private grow(X: Rows, y: Int32Array, samples: Int32Array, sorted: Int32Array[], depth: number, goesLeft: Uint8Array): number {
    const k = this.classes.length;
    const counts = new Float64Array(k);
    for (const i of samples) counts[y[i]]++;
    const id = this.nodes.length;
    this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, missingLeft: true, counts, label: argmax(counts), depth });
    const pure = counts.filter((c) => c > 0).length <= 1;
    if (pure || depth >= this.options.maxDepth || samples.length < 2 * this.options.minSamplesLeaf) return id;
    const split = this.bestSplit(X, y, samples.length, sorted);
    if (split === null) return id;
    const d = X.cols;
    let nLeft = 0, nRight = 0;
    for (const i of samples) {
      const v = X.data[i * d + split.feature];
      if (v === v) v <= split.threshold ? nLeft++ : nRight++;
    }
    const missingLeft = nLeft >= nRight;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of samples) {
      const v = X.data[i * d + split.feature];
      const l = v !== v ? missingLeft : v <= split.threshold;
      goesLeft[i] = l ? 1 : 0;
      (l ? left : right).push(i);
    }
    const sortedLeft: Int32Array[] = [], sortedRight: Int32Array[] = [];
    for (const list of sorted) {
      let a = 0;
      for (const i of list) a += goesLeft[i];
      const L = new Int32Array(a), R = new Int32Array(list.length - a);
      let p = 0, q = 0;
      for (const i of list) goesLeft[i] ? (L[p++] = i) : (R[q++] = i);
      sortedLeft.push(L);
      sortedRight.push(R);
    }
    const node = this.nodes[id];
    node.feature = split.feature;
    node.threshold = split.threshold;
    node.missingLeft = missingLeft;
    node.left = this.grow(X, y, Int32Array.from(left), sortedLeft, depth + 1, goesLeft);
    node.right = this.grow(X, y, Int32Array.from(right), sortedRight, depth + 1, goesLeft);
    return id;
  }

  /**
   * The split x_f ≤ θ of largest Gini decrease on the samples that have feature f, scaled by their share of the
   * node's n samples; `sorted[f]` lists them in ascending order of x_f.
   */
  private bestSplit(X: Rows, y: Int32Array, n: number, sorted: Int32Array[]): { feature: number; threshold: number } | null {
    const k = this.classes.length;
    const d = X.cols;
    const minLeaf = this.options.minSamplesLeaf;
    let best: { feature: number; threshold: number; gain: number } | null = null;
    const leftC = new Float64Array(k);
    const totC = new Float64Array(k);
    for (let f = 0; f < d; f++) {
      const order = sorted[f];
      const m = order.length;
      if (m < 2 * minLeaf) continue;
      totC.fill(0);
      for (let j = 0; j < m; j++) totC[y[order[j]]]++;
      const parent = gini(totC, m) / m;
      leftC.fill(0);
      for (let j = 0; j < m - 1; j++) {
        leftC[y[order[j]]]++;
        const nl = j + 1;
        if (nl < minLeaf || m - nl < minLeaf) continue;
        const a = X.data[order[j] * d + f], b = X.data[order[j + 1] * d + f];
        if (a === b) continue;
        let gl = 0, gr = 0;
        for (let c = 0; c < k; c++) {
          gl += leftC[c] * leftC[c];
          const rc = totC[c] - leftC[c];
          gr += rc * rc;
        }
        const impurity = (nl - gl / nl + (m - nl) - gr / (m - nl)) / m;
        const gain = ((parent - impurity) * m) / n;
        if (gain > 1e-12 && (best === null || gain > best.gain + 1e-12)) best = { feature: f, threshold: (a + b) / 2, gain };
      }
    }
    return best;
  }

  private checkFitted(where: string, X: Rows): void {
    if (this.nodes.length === 0) throw new NotFittedError(`AdaptiveTree.${where}: call fit(X, y) first`);
    if (X.cols !== this.features) throw new ShapeMismatchError(`AdaptiveTree.${where}: X has ${X.cols} features but the tree was trained on ${this.features}`);
  }

  /** The leaf (node index) of each row. */
  leaves(X: Matrix | Rows): Int32Array {
    const R = toRows(X);
    this.checkFitted("leaves", R);
    const out = new Int32Array(R.rows);
    const d = R.cols;
    for (let i = 0; i < R.rows; i++) {
      let node = 0;
      for (;;) {
        const nd = this.nodes[node];
        if (nd.feature < 0) break;
        const v = R.data[i * d + nd.feature];
        node = v !== v ? (nd.missingLeft ? nd.left : nd.right) : v <= nd.threshold ? nd.left : nd.right;
      }
      out[i] = node;
    }
    return out;
  }

  /** Class index (into `classes`) of each row. */
  predictIndex(X: Matrix | Rows): Int32Array {
    return Int32Array.from(this.leaves(X), (leaf) => this.nodes[leaf].label);
  }

  /** One label per row, in the training labels' own values. */
  async predict(X: Matrix | Rows): Promise<Int32Array> {
    return Int32Array.from(this.predictIndex(X), (c) => this.classes[c]);
  }

  /** The share of the training samples in each row's leaf that belong to the leaf's class (the leaf's purity). */
  confidence(X: Matrix | Rows): Float64Array {
    return Float64Array.from(this.leaves(X), (leaf) => {
      const nd = this.nodes[leaf];
      const total = nd.counts.reduce((a, b) => a + b, 0);
      return total > 0 ? nd.counts[nd.label] / total : 0;
    });
  }

  /** A deep copy (the adapted tree starts as a copy of the source tree). */
  clone(): AdaptiveTree {
    const t = new AdaptiveTree(this.options);
    t.classes = Int32Array.from(this.classes);
    t.features = this.features;
    t.nodes = this.nodes.map((n) => ({ ...n, counts: Float64Array.from(n.counts) }));
    return t;
  }

  /** Inner nodes (index, feature, threshold) in depth-first order. */
  splits(): { node: number; feature: number; threshold: number; depth: number }[] {
    return this.nodes.flatMap((n, i) => (n.feature >= 0 ? [{ node: i, feature: n.feature, threshold: n.threshold, depth: n.depth }] : []));
  }

  /**
   * Gini importance of each feature: the decrease in (sample-count-weighted) Gini impurity of the splits on it,
   * summed and normalised to sum 1 (0 for a feature the tree never uses).
   */
  importance(): Float64Array {
    const imp = new Float64Array(this.features);
    const g = (c: Float64Array) => {
      const n = c.reduce((a, b) => a + b, 0);
      return n > 0 ? gini(c, n) : 0;
    };
    for (const nd of this.nodes) {
      if (nd.feature < 0) continue;
      imp[nd.feature] += Math.max(0, g(nd.counts) - g(this.nodes[nd.left].counts) - g(this.nodes[nd.right].counts));
    }
    const total = imp.reduce((a, b) => a + b, 0);
    return total > 0 ? imp.map((v) => v / total) : imp;
  }

  /** Number of leaves. */
  leafCount(): number {
    return this.nodes.filter((n) => n.feature < 0).length;
  }

  /**
   * The tree as indented text, one node a line. With `before` (a tree of the same structure, e.g. the source
   * tree), changed thresholds read `XAVG ≤ 1.20 → 1.45` and relabelled leaves `Walking → Upstairs`.
   */
  render(options: { featureNames?: string[]; classNames?: string[]; before?: AdaptiveTree; digits?: number; maxDepth?: number } = {}): string {
    const fname = (f: number) => options.featureNames?.[f] ?? `x${f}`;
    const cname = (c: number) => options.classNames?.[this.classes[c]] ?? String(this.classes[c]);
    const digits = options.digits ?? 2;
    const before = options.before;
    if (before && before.nodes.length !== this.nodes.length) throw new Error("AdaptiveTree.render: `before` has another structure (node count differs)");
    const lines: string[] = [];
    const walk = (i: number, prefix: string, depth: number): void => {
      const nd = this.nodes[i];
      const total = nd.counts.reduce((a, b) => a + b, 0);
      if (nd.feature < 0) {
        const old = before?.nodes[i].label;
        const cls = old !== undefined && old !== nd.label ? `${cname(old)} → ${cname(nd.label)}` : cname(nd.label);
        lines.push(`${prefix}⇒ ${cls}  (${total} source samples, ${(100 * nd.counts[before?.nodes[i].label ?? nd.label] / Math.max(1, total)).toFixed(0)} % pure)`);
        return;
      }
      if (options.maxDepth !== undefined && depth >= options.maxDepth) {
        lines.push(`${prefix}… (${total} source samples below)`);
        return;
      }
      const oldT = before?.nodes[i].threshold;
      const t = oldT !== undefined && oldT !== nd.threshold ? `${oldT.toFixed(digits)} → ${nd.threshold.toFixed(digits)}` : nd.threshold.toFixed(digits);
      lines.push(`${prefix}${fname(nd.feature)} ≤ ${t}`);
      walk(nd.left, prefix + "│  ", depth + 1);
      lines.push(`${prefix}${fname(nd.feature)} > ${nd.threshold.toFixed(digits)}`);
      walk(nd.right, prefix + "   ", depth + 1);
    };
    if (this.nodes.length > 0) walk(0, "", 0);
    return lines.join("\n");
  }
}

/** n · Gini impurity of class counts summing to n. */
function gini(counts: Float64Array, n: number): number {
  let s = 0;
  for (const c of counts) s += c * c;
  return n - s / n;
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
