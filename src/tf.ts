/**
 * TensorFlow.js as transferlab uses it: tfjs-core (tensors, ops, `tidy`, `memory`, the engine) and its cpu
 * backend; the wasm and GPU backends are chosen in backend.ts. Not the `@tensorflow/tfjs` union package:
 * it also loads layers, the converter, tf.data and the WebGL backend, none of which transferlab uses, and
 * in Node they were 5.3 of the 8.2 MB of JavaScript a notebook loaded with `import "transferlab"` (every
 * kernel start paid for them; `npm run bench:grade` shows the effect). For layers or models, import
 * `@tensorflow/tfjs` yourself: it shares this tfjs-core, so tensors pass between the two unchanged.
 */
import "@tensorflow/tfjs-backend-cpu";
import { registerChainedOps } from "./chainedOps";
// the types of tensor methods (x.add(y)), in our declarations too (cells use them); chainedOps.ts registers the methods
export type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";

registerChainedOps();

export * from "@tensorflow/tfjs-core";
