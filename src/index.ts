/**
 * transferlab: the transfer learning methods of the lecture on TensorFlow.js.
 * `import * as tl from "transferlab"` — see docs/design.md for the contracts and README.md for a tour.
 *
 * The public API, curated (docs/design.md, "Contract: the public API"): the methods, the classifiers they build
 * on, the metrics, the data layer and the figures are flat on `tl.`; the solvers (`tl.optim`, `tl.linalg`),
 * the methods' building blocks (`tl.feature`, `tl.instance`, `tl.model`, `tl.deep`, `tl.kernels`), the
 * relational logic (`tl.logic`) and the notebooks' reporting helpers (`tl.report`) sit in namespaces. Nothing
 * internal (option checks, projections, limits) is exported.
 */
import type * as tfc from "./tf";
import type * as TF from "@tensorflow/tfjs";
import { tfjsUnion } from "./tfjsUnion";

/**
 * TensorFlow.js itself (the `@tensorflow/tfjs` package: ops, gradients, layers, models), on the tfjs-core
 * instance transferlab uses. Loaded on first use: transferlab alone loads tfjs-core only (src/tf.ts says why).
 */
export declare const tf: typeof TF;
const lazy = {
  get tf(): typeof TF {
    return tfjsUnion();
  },
};
// (this getter's form is one Node's ES module loader recognises as a named export of a CommonJS module)
Object.defineProperty(exports, "tf", { enumerable: true, get: function () { return lazy.tf; } });
export type Tensor = tfc.Tensor;
export type Tensor1D = tfc.Tensor1D;
export type Tensor2D = tfc.Tensor2D;
export type { Matrix, Labels } from "./tensor";

// the runtime: backends, seeds, typed errors
export { useBestBackend, currentBackend, backendReport, strictAsync, BACKENDS } from "./backend";
export type { BackendName, BackendChoice, UseBackendOptions } from "./backend";
export { Random } from "./random";
export { TransferlabError, InvalidOptionError, ShapeMismatchError, NotFittedError, ConvergenceWarning } from "./errors";
export type { SolverStatus } from "./errors";

// the estimator contract every method keeps
export { BaseAdapter } from "./adapter";
export type { AdaptData, DomainSamples } from "./adapter";
export type { Classifier, LearnerOption } from "./classifiers/classifier";

// data and splits
export * from "./data";
export { trainTestSplit, labelledPerClass, takeRows, takeLabels, concatDomains, LabelEncoder, SPLIT_DEFAULTS } from "./splits";
export type { IndexSplit, TrainTestSplitOptions, LabelledPerClassOptions } from "./splits";
export { selectionBiasRegression, fitPolynomial, meanSquaredError, flippedLabelDomains, domainChain } from "./instance/toys";
export type { SelectionBiasRegression, FlippedLabelDomains, ChainDomain, DomainChain, DomainChainOptions } from "./instance/toys";

// classifiers (the base learners)
export { OneNearestNeighbor } from "./classifiers/nearestNeighbor";
export type { OneNearestNeighborOptions } from "./classifiers/nearestNeighbor";
export { LogisticRegression, LOGISTIC_REGRESSION_DEFAULTS } from "./classifiers/logisticRegression";
export type { LogisticRegressionOptions, FitInfo } from "./classifiers/logisticRegression";
export { DecisionTree, DecisionStump, DECISION_TREE_DEFAULTS } from "./classifiers/decisionTree";
export type { DecisionTreeOptions, DecisionTreeNode } from "./classifiers/decisionTree";

// feature-based methods
export { TCA, TCA_DEFAULTS } from "./feature/tca";
export type { TCAOptions } from "./feature/tca";
export { JDA, JDA_DEFAULTS } from "./feature/jda";
export type { JDAOptions } from "./feature/jda";
export { TJM, TJM_DEFAULTS } from "./feature/tjm";
export type { TJMOptions } from "./feature/tjm";
export { CORAL, CORAL_DEFAULTS } from "./feature/coral";
export type { CORALOptions } from "./feature/coral";
export { FeatureAdapter } from "./feature/adapter";

// instance-based methods
export { KMM, KMM_DEFAULTS } from "./instance/kmm";
export type { KMMOptions, KMMFitInfo } from "./instance/kmm";
export { KLIEP, KLIEP_DEFAULTS } from "./instance/kliep";
export type { KLIEPOptions } from "./instance/kliep";
export { InstanceWeighting } from "./instance/weighting";
export { TrAdaBoost, TRADABOOST_DEFAULTS } from "./instance/trAdaBoost";
export type { TrAdaBoostOptions, TrAdaBoostHistory } from "./instance/trAdaBoost";
export { DynamicTrAdaBoost, DYNAMIC_TRADABOOST_DEFAULTS } from "./instance/dynamicTrAdaBoost";
export type { DynamicTrAdaBoostOptions, BoostOrPoolSelection } from "./instance/dynamicTrAdaBoost";
export { TTL, TTL_DEFAULTS } from "./instance/ttl";
export type { TTLOptions } from "./instance/ttl";
export { DDTL, DDTL_DEFAULTS } from "./instance/ddtl";
export type { DDTLOptions, DDTLRound } from "./instance/ddtl";

// model-based methods
export { AdaptiveTree, ADAPTIVE_TREE_DEFAULTS } from "./model/tree";
export type { AdaptiveTreeOptions } from "./model/tree";
export { TransEMDT, TRANSEMDT_DEFAULTS } from "./model/transEMDT";
export type { TransEMDTOptions, AdaptationRound, ThresholdShift, ConfidenceRule, ClusterSpace, ThresholdUpdate } from "./model/transEMDT";
export { ParameterTransfer, PARAMETER_TRANSFER_DEFAULTS } from "./model/parameterTransfer";
export type { ParameterTransferOptions, SourceParameters } from "./model/parameterTransfer";
export { crossPersonEvaluation } from "./model/crossPerson";
export type { CrossPersonRow, CrossPersonOptions } from "./model/crossPerson";
export { parameterTransferCurve } from "./model/labelBudget";
export type { BudgetCurve, BudgetCurveOptions } from "./model/labelBudget";
export { DeepAdapter, SourceOnly, DEEP_ADAPT_DEFAULTS } from "./model/deep/adaptDomain";
export type { DeepAdaptOptions } from "./model/deep/adaptDomain";
export { DAN } from "./model/deep/dan";
export type { DANOptions } from "./model/deep/dan";
export { DANN } from "./model/deep/dann";
export type { DANNOptions } from "./model/deep/dann";

// relation-based transfer and safe transfer
export { RelationalTransfer, reviseRules, targetOnlyModel } from "./relation/transfer";
export type { RelationalTransferOptions, ReviseOptions } from "./relation/transfer";
export { RuleModel, aucPR, thresholdAccuracy } from "./relation/ruleModel";
export { relationalTransferCurve } from "./relation/experiment";
export type { RelationalCurve, RelationalFoldResult, RelationalExperimentOptions } from "./relation/experiment";
export { SafeTransfer } from "./safe/guard";
export type { TargetArm, SafeTransferCandidate, SafeTransferOptions, SafeTransferDecision, CandidateReport } from "./safe/guard";
// the arms SafeTransfer compares (each owns its tensors), and the learners they train
export { targetOnlyArm, pooledArm, trAdaBoostArm, logisticRegressionLearner, nearestNeighborLearner } from "./safe/arms";
export type { RowLearner } from "./safe/arms";

// metrics
export { accuracy } from "./metrics/accuracy";
export { mmd, MMD_DEFAULTS } from "./metrics/mmd";
export type { MmdOptions } from "./metrics/mmd";
export { proxyADistance, PROXY_A_DISTANCE_DEFAULTS } from "./metrics/proxyADistance";
export type { ProxyADistanceOptions } from "./metrics/proxyADistance";
export { linearCka, meanCosineDrift } from "./metrics/cka";
export { negativeTransferGap, targetError, tInterval, studentTQuantile, studentTCdf } from "./metrics/negativeTransfer";
export type { NegativeTransferGap, NegativeTransferGapOptions, TargetErrorArm, TInterval } from "./metrics/negativeTransfer";
export { leep } from "./metrics/leep";
export { logme, logmeDetails, LOGME_DEFAULTS } from "./metrics/logme";
export type { LogMEOptions, LogMEFit, LogMEResult } from "./metrics/logme";
export { pearson, spearman, kendallTau, ranks } from "./metrics/rankCorrelation";

// figures
export * from "./plot";

// namespaces: solvers, building blocks, logic, reporting helpers
export * as linalg from "./linalg";
export * as optim from "./optim";
export * as kernels from "./api/kernels";
export * as feature from "./api/feature";
export * as instance from "./api/instance";
export * as model from "./api/model";
export * as deep from "./api/deep";
export * as logic from "./api/logic";
export * as report from "./api/report";
