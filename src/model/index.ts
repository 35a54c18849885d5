/** Model-based transfer (lecture section 8, 基于模型迁移): share a model's structure or parameters. */
export { AdaptiveTree, ADAPTIVE_TREE_DEFAULTS, toRows } from "./tree";
export type { AdaptiveTreeOptions, TreeNode, Rows } from "./tree";
export { kMeans } from "./kmeans";
export type { KMeansOptions, KMeansResult } from "./kmeans";
export { adaptThreshold } from "./thresholdUpdate";
export { TransEMDT, TRANSEMDT_DEFAULTS, classSides } from "./transEMDT";
export type { TransEMDTOptions, AdaptationRound, ThresholdShift, ConfidenceRule, ClusterSpace, ThresholdUpdate } from "./transEMDT";
export { crossPersonEvaluation, targetTreeAccuracy } from "./crossPerson";
export type { CrossPersonRow, CrossPersonOptions } from "./crossPerson";
export { ParameterTransfer, PARAMETER_TRANSFER_DEFAULTS } from "./parameterTransfer";
export type { ParameterTransferOptions, SourceParameters } from "./parameterTransfer";
export { parameterTransferCurve, labelledPerClassCapped } from "./labelBudget";
export type { BudgetCurve, BudgetCurveOptions } from "./labelBudget";
export * from "./deep";
