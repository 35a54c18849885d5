/** Instance-based transfer (lecture section 6, 基于样本迁移): re-use source samples under learned weights. */
export { KMM, KMM_DEFAULTS, kmmTerms, kmmObjective } from "./kmm";
export type { KMMOptions, KMMTerms, KMMFitInfo } from "./kmm";
export { InstanceWeighting } from "./weighting";
export { KLIEP, KLIEP_DEFAULTS } from "./kliep";
export type { KLIEPOptions } from "./kliep";
export { TrAdaBoost, TRADABOOST_DEFAULTS } from "./trAdaBoost";
export type { TrAdaBoostOptions, TrAdaBoostHistory } from "./trAdaBoost";
export { DynamicTrAdaBoost, DYNAMIC_TRADABOOST_DEFAULTS } from "./dynamicTrAdaBoost";
export type { DynamicTrAdaBoostOptions, BoostOrPoolSelection } from "./dynamicTrAdaBoost";
export { selectionBiasRegression, fitPolynomial, meanSquaredError, flippedLabelDomains, domainChain } from "./toys";
export type { SelectionBiasRegression, FlippedLabelDomains, ChainDomain, DomainChain, DomainChainOptions } from "./toys";
export { TTL, TTL_DEFAULTS, rankIntermediates } from "./ttl";
export type { TTLOptions, IntermediateScore, DomainDistance } from "./ttl";
export { DDTL, DDTL_DEFAULTS } from "./ddtl";
export type { DDTLOptions, DDTLRound } from "./ddtl";
