/** Relation-based transfer (lecture section 9, 基于关系迁移): transfer the relations between samples. */
export { formatRule, formatLiteral, parseRule, canonicalRule, isVariable, variableName, World, worldOf, coveredExamples } from "./logic";
export type { Rule, Literal } from "./logic";
export { ruleCoverage, countCoverage, examplesOf, exampleTotals, mEstimate, closedWorld, subsampleExamples } from "./coverage";
export type { RuleCounts } from "./coverage";
export { learnRules, bestRule, refinements, pathRules, rescore, emptyRule, variableTypes, RULE_LEARNER_DEFAULTS } from "./learner";
export type { RelationalSchema, RuleLearnerOptions, ScoredRule } from "./learner";
export { RuleModel, aucPR, thresholdAccuracy } from "./ruleModel";
export type { FittedRule } from "./ruleModel";
export { mappingCandidates, applyMapping, scoreMapping, searchMappings, formatMapping, rulePredicates } from "./mapping";
export type { PredicateMapping, ScoredMapping } from "./mapping";
export { RelationalTransfer, reviseRules, targetOnlyModel } from "./transfer";
export type { RelationalTransferOptions, ReviseOptions } from "./transfer";
export { relationalTransferCurve } from "./experiment";
export type { RelationalCurve, RelationalFoldResult, RelationalExperimentOptions } from "./experiment";
