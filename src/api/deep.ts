/**
 * `tl.deep`: the deep core the deep methods (`tl.DAN`, `tl.DANN`, `tl.SourceOnly`) are built on: networks
 * cut-able at every layer boundary, training, saving, Yosinski's transferability experiment, linear probing and
 * fine-tuning.
 */
export { conv2dSame, createLayer } from "../model/deep/layers";
export type { Layer, LayerSpec } from "../model/deep/layers";
export { Network, yosinskiSpec, mlpSpec } from "../model/deep/network";
export type { NetworkSpec, ForwardOptions } from "../model/deep/network";
export { train, featuresAt } from "../model/deep/train";
export type { TrainOptions, TrainResult, EpochStats, BatchInfo, StepContext, LossFn, LabelledImages } from "../model/deep/train";
export { saveNetwork, loadNetwork, loadNetworkWithMetadata, trainOrLoad, modelsDir } from "../model/deep/io";
export type { TrainOrLoadResult } from "../model/deep/io";
export { transferNetwork } from "../model/deep/transfer";
export type { TransferOptions } from "../model/deep/transfer";
export { transferabilityCurves, summarizeCurves, TRANSFER_VARIANTS } from "../model/deep/yosinski";
export type { TransferCell, TransferVariant, TransferExperimentOptions } from "../model/deep/yosinski";
export { linearProbe, fineTune, lpFt, withNewHead, PROBE_DEFAULTS, FINETUNE_DEFAULTS } from "../model/deep/finetune";
export type { FineTuneOptions, StageOptions, LpFtOptions, TransferRun, LpFtRun } from "../model/deep/finetune";
export { rampLambda, layerActivations } from "../model/deep/adaptDomain";
export type { DomainBatch, AdaptEpoch } from "../model/deep/adaptDomain";
export { mkMmd } from "../model/deep/dan";
export type { MkMmdOptions } from "../model/deep/dan";
export { gradientReversal } from "../model/deep/dann";
