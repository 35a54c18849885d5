/** `tl.logic`: first-order rules, their coverage, the rule learner and predicate mappings of relation-based transfer. */
export { formatRule, formatLiteral, parseRule, canonicalRule, isVariable, variableName, World, worldOf, coveredExamples } from "../relation/logic";
export type { Rule, Literal } from "../relation/logic";
export { ruleCoverage, countCoverage, examplesOf, exampleTotals, mEstimate, closedWorld, subsampleExamples } from "../relation/coverage";
export type { RuleCounts } from "../relation/coverage";
export { learnRules, bestRule, refinements, pathRules, rescore, emptyRule, variableTypes, RULE_LEARNER_DEFAULTS } from "../relation/learner";
export type { RelationalSchema, RuleLearnerOptions, ScoredRule } from "../relation/learner";
export { mappingCandidates, applyMapping, scoreMapping, searchMappings, formatMapping, rulePredicates } from "../relation/mapping";
export type { PredicateMapping, ScoredMapping } from "../relation/mapping";
export type { FittedRule } from "../relation/ruleModel";
