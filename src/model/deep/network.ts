/**
 * A deep network as an ordered list of layers, cut-able at every layer boundary: what Yosinski et al. (2014)
 * need to copy the first n layers of one network into another (AnB, BnB), freeze them or fine-tune them.
 */
import * as tf from "../../tf";
import { createLayer, layerSeed, type Layer, type LayerSpec } from "./layers";

/** A network as plain JSON: input shape of one sample and the layers in order. */
export interface NetworkSpec {
  /** one sample: [h, w, c] for images (conv layers first), [d] for vectors */
  input: number[];
  layers: LayerSpec[];
}

export interface ForwardOptions {
  /** apply layers [from, upTo): `from` (default 0) means x is already the output of layer `from` − 1 */
  from?: number;
  /** stop after this many layers (default all): `upTo: L − 1` gives the penultimate features */
  upTo?: number;
}

/**
 * The convnet of notebook 06, L = 6 layers and so five cuts: three 3×3 conv layers (2×2 max pooling after the
 * 2nd and 3rd: 14 → 7 → 4), two hidden dense layers and the linear output layer. Width w (default 8) gives
 * w, w, 2w filters and 8w hidden units.
 */
export function yosinskiSpec(classes: number, options: { size?: number; width?: number } = {}): NetworkSpec {
  const size = options.size ?? 14, w = options.width ?? 8;
  return {
    input: [size, size, 1],
    layers: [
      { type: "conv", filters: w },
      { type: "conv", filters: w, pool: true },
      { type: "conv", filters: 2 * w, pool: true },
      { type: "dense", units: 8 * w },
      { type: "dense", units: 8 * w },
      { type: "dense", units: classes, activation: "linear" },
    ],
  };
}

/** A multilayer perceptron: hidden ReLU layers, then a linear output layer. */
export function mlpSpec(inputDim: number, hidden: number[], classes: number): NetworkSpec {
  return {
    input: [inputDim],
    layers: [...hidden.map((units): LayerSpec => ({ type: "dense", units })), { type: "dense", units: classes, activation: "linear" }],
  };
}

export class Network {
  readonly spec: NetworkSpec;
  /** the seed the layers were drawn with (re-initialised layers record theirs in `layerSeeds`) */
  readonly seed: number;
  readonly layers: Layer[];
  /** layers [0, frozen) are not trained */
  frozen = 0;

  /** Build a network from its spec with weights drawn from `seed` (layer i from layerSeed(seed, i)). */
  constructor(spec: NetworkSpec, seed: number) {
    if (!spec || !Array.isArray(spec.input) || !Array.isArray(spec.layers) || spec.layers.length === 0) {
      throw new Error(`Network: spec must be { input: number[], layers: LayerSpec[] } with at least one layer, got ${JSON.stringify(spec)}`);
    }
    if (!Number.isFinite(seed)) throw new Error(`Network: seed must be a finite number, got ${seed}`);
    this.spec = JSON.parse(JSON.stringify(spec));
    this.seed = seed;
    this.layers = [];
    let shape = spec.input;
    spec.layers.forEach((ls, i) => {
      const layer = createLayer(ls, shape, layerSeed(seed, i), `layer${i + 1}`);
      this.layers.push(layer);
      shape = layer.outShape;
    });
  }

  /** number of layers L (cut points n = 1 … L − 1) */
  get depth(): number {
    return this.layers.length;
  }

  /** Variables that training updates: those of layers [frozen, L). */
  trainableVariables(): tf.Variable[] {
    return this.layers.slice(this.frozen).flatMap((l) => l.variables);
  }

  /** Every variable, layer by layer. */
  variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  /**
   * Features of x after layer `upTo` (default: the logits). x is [n, ...input] or flat [n, prod(input)];
   * with `from`, x is the output of layer `from` − 1. The caller owns the result (wrap in tf.tidy).
   */
  forward(x: tf.Tensor, options: ForwardOptions = {}): tf.Tensor {
    const from = options.from ?? 0, upTo = options.upTo ?? this.depth;
    this.checkCut(from, "from", 0);
    this.checkCut(upTo, "upTo", from);
    return tf.tidy(() => {
      const inShape = from === 0 ? this.spec.input : this.layers[from - 1].outShape;
      let h = x.reshape([x.shape[0], ...inShape]);
      for (let i = from; i < upTo; i++) h = this.layers[i].apply(h);
      return h;
    });
  }

  /** Predicted classes of X (argmax of the logits), in batches. */
  async predict(X: tf.Tensor, batchSize = 256): Promise<Int32Array> {
    const n = X.shape[0], out = new Int32Array(n);
    for (let s = 0; s < n; s += batchSize) {
      const b = Math.min(batchSize, n - s);
      const cls = tf.tidy(() => this.forward(X.slice(s, b)).argMax(-1));
      out.set(await cls.data() as Int32Array, s);
      cls.dispose();
    }
    return out;
  }

  /** Accuracy (0..1) on X, y. */
  async evaluate(X: tf.Tensor, y: ArrayLike<number>): Promise<number> {
    if (y.length !== X.shape[0]) throw new Error(`evaluate: ${X.shape[0]} samples but ${y.length} labels`);
    const yhat = await this.predict(X);
    let ok = 0;
    for (let i = 0; i < yhat.length; i++) if (yhat[i] === y[i]) ok++;
    return ok / yhat.length;
  }

  /** A deep copy (same spec, seed, weights and frozen count). */
  clone(): Network {
    const c = new Network(this.spec, this.seed);
    c.copyLayersFrom(this, this.depth);
    c.frozen = this.frozen;
    return c;
  }

  /** Copy the weights of the first n layers of `other` (same layer shapes there) into this network. */
  copyLayersFrom(other: Network, n: number): this {
    this.checkCut(n, "n", 0);
    if (n > other.depth) throw new Error(`copyLayersFrom: the other network has ${other.depth} layers, cannot copy ${n}`);
    for (let i = 0; i < n; i++) {
      const mine = this.layers[i].variables, theirs = other.layers[i].variables;
      mine.forEach((v, k) => {
        if (v.shape.join() !== theirs[k].shape.join()) {
          throw new Error(`copyLayersFrom: layer ${i + 1} variable ${k} has shape [${v.shape}] here and [${theirs[k].shape}] in the other network`);
        }
        v.assign(theirs[k]);
      });
    }
    return this;
  }

  /** Freeze the first n layers (training leaves them as they are); freeze(0) unfreezes all. */
  freeze(n: number): this {
    this.checkCut(n, "n", 0);
    this.frozen = n;
    return this;
  }

  /** Draw layers [n, L) afresh from `seed` (layer i from layerSeed(seed, i), as a new Network(spec, seed) would). */
  reinitFrom(n: number, seed: number): this {
    this.checkCut(n, "n", 0);
    const fresh = new Network(this.spec, seed);
    for (let i = n; i < this.depth; i++) this.layers[i].variables.forEach((v, k) => v.assign(fresh.layers[i].variables[k]));
    fresh.dispose();
    return this;
  }

  /** Weights as named tensors (copies: the caller disposes them). */
  namedWeights(): { name: string; tensor: tf.Tensor }[] {
    return this.layers.flatMap((l, i) => l.variables.map((v, k) => ({ name: `layer${i + 1}/${k === 0 ? "kernel" : "bias"}`, tensor: v.clone() })));
  }

  /** Free the variables. */
  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }

  /** One line per layer: what it is and its output shape. */
  summary(): string {
    return this.layers.map((l, i) => {
      const s = l.spec;
      const what = s.type === "conv" ? `conv 3×3 × ${s.filters}${s.pool ? " + maxpool 2×2" : ""}` : `dense ${s.units}${s.activation === "linear" ? " (logits)" : ""}`;
      return `${i + 1}. ${what} → [${l.outShape.join(", ")}]${i < this.frozen ? " (frozen)" : ""}`;
    }).join("\n");
  }

  private checkCut(n: number, name: string, min: number): void {
    if (!Number.isInteger(n) || n < min || n > this.depth) throw new Error(`${name} must be an integer in [${min}, ${this.depth}], got ${n}`);
  }
}
