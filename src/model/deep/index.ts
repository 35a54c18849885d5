/**
 * Deep transfer (lecture sections 10–11): small networks cut-able at every layer boundary, trained on every
 * backend (wasm included), saved and reused. See network.ts, train.ts, io.ts, transfer.ts; fine-tuning vs
 * linear probing (finetune.ts) and deep domain adaptation (adaptDomain.ts, dan.ts, dann.ts).
 */
export { conv2dSame, createLayer, layerSeed } from "./layers";
export type { Layer, LayerSpec } from "./layers";
export { Network, yosinskiSpec, mlpSpec } from "./network";
export type { NetworkSpec, ForwardOptions } from "./network";
export { train, featuresAt } from "./train";
export type { TrainOptions, TrainResult, EpochStats, BatchInfo, StepContext, LossFn, LabelledImages } from "./train";
export { saveNetwork, loadNetwork, loadNetworkWithMetadata, fileIOHandler, trainOrLoad, modelsDir, modelKey, MODEL_CACHE_VERSION } from "./io";
export type { TrainOrLoadResult } from "./io";
export { transferNetwork } from "./transfer";
export type { TransferOptions } from "./transfer";
export { transferabilityCurves, summarizeCurves, TRANSFER_VARIANTS } from "./yosinski";
export type { TransferCell, TransferVariant, TransferExperimentOptions } from "./yosinski";
export { linearProbe, fineTune, lpFt, withNewHead, PROBE_DEFAULTS, FINETUNE_DEFAULTS } from "./finetune";
export type { FineTuneOptions, StageOptions, LpFtOptions, TransferRun, LpFtRun } from "./finetune";
export { SourceOnly, DeepAdapter, rampLambda, layerActivations } from "./adaptDomain";
export type { DeepAdaptOptions, DomainBatch, AdaptEpoch } from "./adaptDomain";
export { DAN, mkMmd } from "./dan";
export type { DANOptions, MkMmdOptions } from "./dan";
export { DANN, gradientReversal } from "./dann";
export type { DANNOptions } from "./dann";
