/**
 * Deep transfer (lecture sections 10–11): small networks cut-able at every layer boundary, trained on every
 * backend (wasm included), saved and reused. See network.ts, train.ts, io.ts, transfer.ts; fine-tuning vs
 * linear probing (finetune.ts) and deep domain adaptation (adaptDomain.ts, dan.ts, dann.ts). The deep core is
 * `tl.deep` (src/api/deep.ts); the methods are flat on `tl.`.
 */
export * from "../../api/deep";
export { SourceOnly, DeepAdapter, DEEP_ADAPT_DEFAULTS } from "./adaptDomain";
export type { DeepAdaptOptions } from "./adaptDomain";
export { DAN } from "./dan";
export type { DANOptions } from "./dan";
export { DANN } from "./dann";
export type { DANNOptions } from "./dann";
