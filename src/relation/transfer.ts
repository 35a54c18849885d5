/**
 * Relation-based transfer in the spirit of TAMAR (Mihalkova, Huynh & Mooney, "Mapping and revising Markov logic
 * networks for transfer learning", AAAI 2007), at a size that runs in seconds: what moves from the source to
 * the target is neither samples, features nor parameters but the **relations** — first-order rules about how
 * the objects of a domain relate (an actor who was in a director's movie worked under that director).
 *
 *   1. learn Horn rules for the source's target predicate from the source facts (`learnRules`);
 *   2. map the source predicates to the target's (`searchMappings`: type-consistent, scored on target facts);
 *   3. revise the mapped rules on the target's (few) training facts (`reviseRules`: drop or add literals where
 *      that makes a rule more precise, drop rules that do not hold), learn new rules for the positives they
 *      leave unexplained (new-clause discovery), and estimate all confidences there.
 */
import { RelationalBlock, RelationalDataset } from "../data/relational";
import { checkOptions } from "../options";
import { Rule, formatRule } from "./logic";
import { RULE_LEARNER_DEFAULTS, RelationalSchema, RuleLearnerOptions, ScoredRule, checkLearnerOptions, constantsByPosition, learnRules, refinements, rescore } from "./learner";
import { countCoverage, exampleTotals, mEstimate } from "./coverage";
import { PredicateMapping, ScoredMapping, searchMappings } from "./mapping";
import { RuleModel } from "./ruleModel";
import { NotFittedError } from "../errors";

export interface ReviseOptions extends RuleLearnerOptions {
  /** hill-climbing steps per rule at most; default 3 */
  steps?: number;
  /** literals a revised rule may grow to; default the learner's maxBodyLength + 1 */
  maxRevisedLength?: number;
}

/**
 * TAMAR's revision, simplified: for each mapped rule, repeatedly take the best of "drop one body literal" and
 * "add one literal" if it raises the rule's m-estimated precision on the target blocks (support ≥ minSupport);
 * then keep the rules that reach minPrecision (and the lift), without duplicates.
 */
export function reviseRules(rules: Rule[], target: RelationalSchema, blocks: RelationalBlock[], options: ReviseOptions = {}): ScoredRule[] {
  const { steps, maxRevisedLength, ...rest } = checkOptions("reviseRules", options, { ...RULE_LEARNER_DEFAULTS, steps: 3, maxRevisedLength: undefined as number | undefined });
  const o = checkLearnerOptions("reviseRules", rest);
  const maxLength = maxRevisedLength ?? o.maxBodyLength + 1;
  const totals = exampleTotals(blocks);
  const prior = totals.pos / Math.max(1, totals.pos + totals.neg);
  const threshold = Math.max(o.minPrecision, Math.min(0.99, o.minLift * prior));
  const constants = constantsByPosition(blocks, target, o.maxConstants);
  const value = (r: Rule): { precision: number; pos: number } => {
    const c = countCoverage(r, blocks);
    return c.feasible && c.pos >= o.minSupport ? { precision: mEstimate(c.pos, c.neg, prior, o.m), pos: c.pos } : { precision: -1, pos: 0 };
  };
  const revised: Rule[] = [];
  for (const start of rules) {
    let current = start;
    let best = value(current);
    for (let s = 0; s < steps; s++) {
      const moves: Rule[] = current.body.map((_, i) => ({ head: current.head, body: current.body.filter((__, j) => j !== i) }));
      if (current.body.length < maxLength) moves.push(...refinements(current, target, constants, o.maxVariables + 1));
      let next: Rule | null = null;
      let nextValue = best;
      for (const m of moves) {
        const v = value(m);
        if (v.precision > nextValue.precision + 1e-12 || (Math.abs(v.precision - nextValue.precision) <= 1e-12 && v.pos > nextValue.pos)) {
          next = m;
          nextValue = v;
        }
      }
      if (next === null) break;
      current = next;
      best = nextValue;
    }
    if (best.precision >= threshold) revised.push(current);
  }
  const unique = new Map(revised.map((r) => [formatRule(r), r]));
  return rescore([...unique.values()], blocks, o.m);
}

export interface RelationalTransferOptions {
  /** the rule learner's options (source rules), also used by the revision; see RuleLearnerOptions */
  learner?: RuleLearnerOptions;
  /** revise the mapped rules on the target; default true */
  revise?: boolean;
  /** hill-climbing steps per rule in the revision; default 3 */
  reviseSteps?: number;
  /** may a source predicate map to nothing (its literals dropped); default true */
  allowDrop?: boolean;
  /** after revision, learn new rules on the target for the positives the transferred ones miss (TAMAR's new-clause discovery); default true */
  discover?: boolean;
  /** accepted for API uniformity: the search is deterministic */
  seed?: number;
}

const DEFAULTS = { learner: {} as RuleLearnerOptions, revise: true, reviseSteps: 3, allowDrop: true, discover: true, seed: 0 };

export class RelationalTransfer {
  readonly options: typeof DEFAULTS;
  source: RelationalSchema | null = null;
  /** step 1: the source's rules, with support and confidence on the source */
  sourceRules: ScoredRule[] = [];
  /** step 2: every candidate mapping, best first, and the chosen one */
  mappings: ScoredMapping[] = [];
  mapping: PredicateMapping | null = null;
  /** the chosen mapping's rules, scored on the target's training blocks */
  mappedRules: ScoredRule[] = [];
  /** step 3: the revised rules and the newly discovered ones (scored on the target's training blocks), and the model made of them */
  revisedRules: ScoredRule[] = [];
  discoveredRules: ScoredRule[] = [];
  model: RuleModel | null = null;

  constructor(options?: RelationalTransferOptions) {
    this.options = checkOptions("RelationalTransfer", options, DEFAULTS);
    checkLearnerOptions("RelationalTransfer (learner)", this.options.learner);
  }

  /** Step 1: learn the source rules from `blocks` of the source data set (default all). */
  fitSource(source: RelationalDataset, blocks?: RelationalBlock[]): this {
    this.source = { target: source.target, predicates: source.predicates };
    this.sourceRules = learnRules(source, this.options.learner, blocks ?? source.blocks);
    if (this.sourceRules.length === 0) throw new Error(`RelationalTransfer.fitSource: no rule for ${source.target} reached the learner's thresholds on ${source.name}; lower minPrecision or minSupport`);
    return this;
  }

  /** Steps 2 and 3 on the target's training blocks (its only labelled data). */
  fitTarget(target: RelationalDataset, blocks: RelationalBlock[]): this {
    if (!this.source) throw new NotFittedError("RelationalTransfer: call fitSource(source) before fitTarget");
    if (blocks.length === 0) throw new Error("RelationalTransfer.fitTarget: no target training blocks");
    const schema: RelationalSchema = { target: target.target, predicates: target.predicates };
    this.mappings = searchMappings(this.sourceRules.map((r) => r.rule), this.source, schema, blocks, { allowDrop: this.options.allowDrop });
    const best = this.mappings[0];
    this.mapping = best.mapping;
    this.mappedRules = rescore(best.rules, blocks);
    this.revisedRules = this.options.revise
      ? reviseRules(best.rules, schema, blocks, { ...this.options.learner, steps: this.options.reviseSteps })
      : this.mappedRules;
    const kept = this.revisedRules.map((r) => r.rule);
    this.discoveredRules = this.options.discover ? learnRules(target, this.options.learner, blocks, kept) : [];
    const rules = [...kept, ...this.discoveredRules.map((r) => r.rule)];
    // nothing held on the target: fall back on the mapped rules, the model needs some structure
    this.model = new RuleModel().fit(rules.length > 0 ? rules : this.mappedRules.map((r) => r.rule), blocks);
    return this;
  }

  /** P(target relation) for each example of `block` (positives first) and the labels. */
  predict(block: RelationalBlock): { scores: Float64Array; labels: Uint8Array } {
    if (!this.model) throw new NotFittedError("RelationalTransfer: call fitSource and fitTarget before predict");
    return this.model.predict(block);
  }
}

/** The baseline: rules learned from the target's training blocks alone, with the same learner. */
export function targetOnlyModel(target: RelationalDataset, blocks: RelationalBlock[], learner: RuleLearnerOptions = {}): { rules: ScoredRule[]; model: RuleModel } {
  const rules = learnRules(target, learner, blocks);
  return { rules, model: new RuleModel().fit(rules.map((r) => r.rule), blocks) };
}
