/**
 * Tensor methods (`x.add(y)`, `x.transpose()`, …): TF.js calls them chained ops and registers them in
 * `@tensorflow/tfjs-core/dist/public/chained_ops`, which is ES modules only; Node's `require` of tfjs-core
 * gets none of them (the `@tensorflow/tfjs` union bundles its own copy). transferlab loads tfjs-core alone
 * (tf.ts says why), so it registers them here, as the union does: the same 137 methods, each calling its op
 * with the tensor first. A method already there (the union loaded too) is left as it is.
 */
import * as tf from "@tensorflow/tfjs-core";

/** Methods that call the op of the same name with the tensor as its first argument. */
const SAME_NAME = [
  "abs", "acos", "acosh", "add", "all", "any", "argMax", "argMin", "asin", "asinh", "atan", "atan2", "atanh",
  "avgPool", "batchToSpaceND", "batchNorm", "broadcastTo", "cast", "ceil", "clipByValue", "conv1d",
  "conv2dTranspose", "conv2d", "cos", "cosh", "cumprod", "cumsum", "depthToSpace", "depthwiseConv2d",
  "dilation2d", "divNoNan", "div", "dot", "elu", "equal", "erf", "euclideanNorm", "exp", "expandDims", "expm1",
  "fft", "floor", "floorDiv", "gather", "greaterEqual", "greater", "ifft", "irfft", "isFinite", "isInf",
  "isNaN", "leakyRelu", "lessEqual", "less", "localResponseNormalization", "logSigmoid", "logSoftmax",
  "logSumExp", "log", "log1p", "logicalAnd", "logicalNot", "logicalOr", "logicalXor", "matMul", "maxPool",
  "max", "maximum", "mean", "min", "minimum", "mirrorPad", "mod", "mul", "neg", "norm", "notEqual", "oneHot",
  "onesLike", "pad", "pool", "pow", "prelu", "prod", "reciprocal", "relu", "relu6", "reshape",
  "reverse", "rfft", "round", "rsqrt", "selu", "separableConv2d", "sigmoid", "sign",
  "sin", "sinh", "slice", "softmax", "softplus", "spaceToBatchND", "split", "sqrt", "square",
  "squaredDifference", "squeeze", "step", "stridedSlice", "sub", "sum", "tan", "tanh", "tile", "topk",
  "transpose", "unique", "unsortedSegmentSum", "unstack", "zerosLike",
] as const;

type Method = (this: tf.Tensor, ...args: never[]) => unknown;

/** The methods that do something else first (names as the union's). */
const SPECIAL: Record<string, Method> = {
  asScalar(this: tf.Tensor) {
    tf.util.assert(this.size === 1, () => "The array must have only 1 element.");
    return tf.reshape(this, []);
  },
  asType: function (this: tf.Tensor, dtype: tf.DataType) {
    return tf.cast(this, dtype);
  },
  as1D(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  as2D(this: tf.Tensor, rows: number, columns: number) {
    return tf.reshape(this, [rows, columns]);
  },
  as3D(this: tf.Tensor, rows: number, columns: number, depth: number) {
    return tf.reshape(this, [rows, columns, depth]);
  },
  as4D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number) {
    return tf.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number, depth3: number) {
    return tf.reshape(this, [rows, columns, depth, depth2, depth3]);
  },
  concat(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.concat([this, ...(x instanceof tf.Tensor ? [x] : x)], axis);
  },
  flatten(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  resizeBilinear(this: tf.Tensor, ...args: never[]) {
    return (tf.image.resizeBilinear as (...a: unknown[]) => tf.Tensor)(this, ...args);
  },
  resizeNearestNeighbor(this: tf.Tensor, ...args: never[]) {
    return (tf.image.resizeNearestNeighbor as (...a: unknown[]) => tf.Tensor)(this, ...args);
  },
  reshapeAs(this: tf.Tensor, x: tf.Tensor) {
    return tf.reshape(this, x.shape);
  },
  stack(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.stack(x instanceof tf.Tensor ? [this, x] : [this, ...x], axis);
  },
  toBool(this: tf.Tensor) {
    return tf.cast(this, "bool");
  },
  toFloat(this: tf.Tensor) {
    return tf.cast(this, "float32");
  },
  toInt(this: tf.Tensor) {
    return tf.cast(this, "int32");
  },
  where(this: tf.Tensor, condition: tf.Tensor, x: tf.Tensor) {
    return tf.where(condition, this, x);
  },
};

/** Register every chained op missing on tfjs-core's Tensor class. */
export function registerChainedOps(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => unknown>;
  const define = (name: string, body: Method) => {
    if (typeof proto[name] === "function") return;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (this: tf.Tensor, ...args: never[]) {
        (this as unknown as { throwIfDisposed(): void }).throwIfDisposed();
        return body.apply(this, args);
      },
    });
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    define(name, function (this: tf.Tensor, ...args: never[]) {
      return op(this, ...args);
    });
  }
  for (const [name, body] of Object.entries(SPECIAL)) define(name, body);
}
