/**
 * The layers of a small deep network, written with ops that every TensorFlow.js backend can run and
 * differentiate. The wasm backend has no Conv2DBackpropFilter kernel, so `tf.conv2d` cannot be trained
 * there: `conv2dSame` is tf.conv2d with its own gradient, made of forward convolutions only (the
 * input gradient is a convolution with the flipped filter, the filter gradient a convolution of the input
 * with the output gradient, batch and channels swapped). Measured on wasm: 4 ms for forward + backward of
 * a 64 × 14 × 14 × 8 → 8 layer, against 17 ms for im2col (slices + concat + matMul).
 */
import * as tf from "../../tf";
import { Random } from "../../random";

/** What a layer is, as plain JSON (saved with the network). */
export type LayerSpec =
  | { type: "conv"; filters: number; /** 2×2 max pooling after the ReLU (odd sizes padded: 7 → 4) */ pool?: boolean }
  | { type: "dense"; units: number; /** "relu" (default) or "linear" (the output layer, logits) */ activation?: "relu" | "linear" };

/** One layer: its variables and how it maps features. `apply` is pure given the variables. */
export interface Layer {
  readonly spec: LayerSpec;
  /** shape of one sample's input, [h, w, c] for conv and [d] for dense */
  readonly inShape: number[];
  /** shape of one sample's output */
  readonly outShape: number[];
  /** [kernel, bias] */
  readonly variables: tf.Variable[];
  /** x: [n, ...inShape] (dense also takes [n, h, w, c] and flattens it) → [n, ...outShape] */
  apply(x: tf.Tensor): tf.Tensor;
}

/** dL/dW of a stride-1 "same" convolution: for filter [k, k, c, f], x [n, h, w, c], dy [n, h, w, f]. */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const p = (k - 1) / 2;
  // channels as the batch, samples as the channels, dy as a k'×k' filter: a "valid" convolution gives [c, k, k, f]
  const xt = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]).transpose([3, 1, 2, 0]) as tf.Tensor4D;
  const g = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D;
  return tf.conv2d(xt, g, 1, "valid").transpose([1, 2, 0, 3]) as tf.Tensor4D;
}

/**
 * Stride-1 "same" convolution, x [n, h, w, c] with filter [k, k, c, f] (k odd): the value of
 * tf.conv2d(x, filter, 1, "same"), with a gradient that needs no Conv2DBackpropFilter (so it trains on wasm).
 */
export function conv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [k, k2, c] = filter.shape;
  if (k !== k2 || k % 2 !== 1) throw new Error(`conv2dSame: the filter must be k × k with k odd, got ${filter.shape[0]} × ${filter.shape[1]}`);
  if (x.shape[3] !== c) throw new Error(`conv2dSame: x has ${x.shape[3]} channels, the filter expects ${c}`);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    return {
      value: tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, "same"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor4D[];
        // dx: the convolution of dy with the filter flipped in space and with in/out channels swapped
        const flipped = tf.reverse(ws, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
        return [tf.conv2d(dy as tf.Tensor4D, flipped, 1, "same"), filterGradient(xs, dy as tf.Tensor4D, k)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/** He-normal weights from a seeded stream (fan-in scaling, what ReLU networks want). */
function heNormal(rows: number, cols: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const std = Math.sqrt(2 / rows);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
  return out;
}

/** The seed of layer `index` of a network seeded with `seed`: each layer's initial weights depend on these two only. */
export function layerSeed(seed: number, index: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/** A variable holding `init`, which is released (tf.variable keeps the initial tensor alive otherwise). */
function variableOf(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init);
  init.dispose();
  return v;
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** Create the layer `spec` for inputs of one-sample shape `inShape`, with weights drawn from `seed`. */
export function createLayer(spec: LayerSpec, inShape: number[], seed: number, name: string): Layer {
  if (spec.type === "conv") {
    check(inShape.length === 3, `layer ${name}: a conv layer needs an [h, w, c] input, got [${inShape}] (conv layers must come before dense ones)`);
    check(Number.isInteger(spec.filters) && spec.filters > 0, `layer ${name}: filters must be a positive integer, got ${spec.filters}`);
    const [h, w, c] = inShape; // 3 × 3 filters
    const kernel = variableOf(tf.tensor4d(heNormal(9 * c, spec.filters, seed), [3, 3, c, spec.filters]));
    const bias = variableOf(tf.zeros([spec.filters]));
    const outShape = spec.pool ? [Math.ceil(h / 2), Math.ceil(w / 2), spec.filters] : [h, w, spec.filters];
    return {
      spec, inShape, outShape, variables: [kernel, bias],
      apply: (x) => tf.tidy(() => {
        const y = tf.relu(tf.add(conv2dSame(x as tf.Tensor4D, kernel as tf.Tensor4D), bias)) as tf.Tensor4D;
        return spec.pool ? tf.maxPool(y, 2, 2, "same") : y;
      }),
    };
  }
  if (spec.type === "dense") {
    check(Number.isInteger(spec.units) && spec.units > 0, `layer ${name}: units must be a positive integer, got ${spec.units}`);
    const d = inShape.reduce((a, b) => a * b, 1);
    const kernel = variableOf(tf.tensor2d(heNormal(d, spec.units, seed), [d, spec.units]));
    const bias = variableOf(tf.zeros([spec.units]));
    const relu = (spec.activation ?? "relu") === "relu";
    return {
      spec, inShape, outShape: [spec.units], variables: [kernel, bias],
      apply: (x) => tf.tidy(() => {
        const z = tf.add(tf.matMul(x.reshape([x.shape[0], d]) as tf.Tensor2D, kernel as tf.Tensor2D), bias);
        return relu ? tf.relu(z) : z;
      }),
    };
  }
  throw new Error(`layer ${name}: unknown layer type ${JSON.stringify((spec as { type?: unknown }).type)}; valid: "conv", "dense"`);
}
