/** Instance-based transfer (lecture section 6, 基于样本迁移): re-use source samples under learned weights. */
export { KMM, kmmTerms, kmmObjective } from "./kmm";
export type { KMMOptions, KMMTerms, KMMFitInfo } from "./kmm";
export { solveBoxSumQP, boxSumQPGap, projectBoxSum } from "../optim/qp";
export type { BoxSumQP, QPOptions, QPResult } from "../optim/qp";
export { requireSampleWeights } from "./common";
export type { LearnerOption } from "./common";
export { KLIEP } from "./kliep";
export type { KLIEPOptions } from "./kliep";
export { TrAdaBoost } from "./trAdaBoost";
export type { TrAdaBoostOptions, TrAdaBoostHistory } from "./trAdaBoost";
export { DynamicTrAdaBoost } from "./dynamicTrAdaBoost";
export type { DynamicTrAdaBoostOptions, BoostOrPoolSelection } from "./dynamicTrAdaBoost";
export { selectionBiasRegression, fitPolynomial, meanSquaredError, flippedLabelDomains, domainChain } from "./toys";
export type { SelectionBiasRegression, FlippedLabelDomains, ChainDomain, DomainChain, DomainChainOptions } from "./toys";
export { TTL, rankIntermediates } from "./ttl";
export type { TTLOptions, IntermediateScore, DomainDistance } from "./ttl";
export { DDTL } from "./ddtl";
export type { DDTLOptions, DDTLRound } from "./ddtl";
