/**
 * Predicate mapping (TAMAR's first step, Mihalkova, Huynh & Mooney 2007): translate the source's rules into the
 * target's vocabulary. A mapping sends each source predicate of the rules to a target predicate of the same
 * arity (or drops its literals), such that argument types map consistently: one source type → one target type,
 * and no two source types to the same target type. Every such mapping is scored by how well the mapped rules
 * hold on the target's training facts; the best one is kept.
 */
import { RelationalBlock } from "../data/relational";
import { Literal, Rule, canonicalRule, formatRule, isVariable, variableName } from "./logic";
import { RelationalSchema } from "./learner";
import { RuleModel, aucPR } from "./ruleModel";

export interface PredicateMapping {
  /** source predicate → target predicate, or null: its literals are dropped */
  predicates: Record<string, string | null>;
  /** source type → target type */
  types: Record<string, string>;
}

/** "movie → publication, director → professor, genre → (dropped)" */
export function formatMapping(m: PredicateMapping): string {
  return Object.entries(m.predicates).map(([s, t]) => `${s} → ${t ?? "(dropped)"}`).join(", ");
}

/** The source predicates a rule set uses in its bodies, sorted. */
export function rulePredicates(rules: Rule[]): string[] {
  return [...new Set(rules.flatMap((r) => r.body.map((l) => l.pred)))].sort();
}

/**
 * Every type-consistent mapping of the rules' predicates (the head's predicate goes to the target predicate;
 * arities must match). With `allowDrop`, a predicate may also map to nothing. At most `limit` mappings.
 */
export function mappingCandidates(rules: Rule[], source: RelationalSchema, target: RelationalSchema, options: { allowDrop?: boolean; limit?: number } = {}): PredicateMapping[] {
  const allowDrop = options.allowDrop ?? true;
  const limit = options.limit ?? 20000;
  const sHead = source.predicates[source.target], tHead = target.predicates[target.target];
  if (!sHead) throw new Error(`mappingCandidates: the source target predicate "${source.target}" is not declared`);
  if (!tHead) throw new Error(`mappingCandidates: the target predicate "${target.target}" is not declared in the target domain`);
  if (sHead.types.length !== tHead.types.length) {
    throw new Error(`mappingCandidates: ${source.target} has arity ${sHead.types.length} but ${target.target} has ${tHead.types.length}; a mapping needs equal arities`);
  }
  const types: Record<string, string> = {};
  for (let j = 0; j < sHead.types.length; j++) {
    const s = sHead.types[j], t = tHead.types[j];
    if (types[s] !== undefined && types[s] !== t) throw new Error(`mappingCandidates: the heads' types cannot map consistently (${s} → ${types[s]} and ${t})`);
    types[s] = t;
  }
  const preds = rulePredicates(rules);
  for (const p of preds) {
    if (!source.predicates[p]) throw new Error(`mappingCandidates: rule predicate "${p}" is not declared in the source schema`);
  }
  const targets = Object.values(target.predicates).filter((q) => q.name !== target.target).sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: PredicateMapping[] = [];
  const assign = (i: number, predMap: Record<string, string | null>, typeMap: Record<string, string>, used: Set<string>): void => {
    if (out.length >= limit) return;
    if (i === preds.length) {
      out.push({ predicates: { ...predMap }, types: { ...typeMap } });
      return;
    }
    const sig = source.predicates[preds[i]];
    for (const q of targets) {
      if (q.types.length !== sig.types.length || used.has(q.name)) continue;
      const added: string[] = [];
      let ok = true;
      const images = new Set(Object.values(typeMap));
      for (let j = 0; j < sig.types.length && ok; j++) {
        const s = sig.types[j], t = q.types[j];
        if (typeMap[s] !== undefined) ok = typeMap[s] === t;
        else if (images.has(t)) ok = false; // another source type already maps to t
        else {
          typeMap[s] = t;
          images.add(t);
          added.push(s);
        }
      }
      if (ok) {
        predMap[preds[i]] = q.name;
        used.add(q.name);
        assign(i + 1, predMap, typeMap, used);
        used.delete(q.name);
      }
      for (const s of added) delete typeMap[s];
    }
    if (allowDrop) {
      predMap[preds[i]] = null;
      assign(i + 1, predMap, typeMap, used);
    }
    delete predMap[preds[i]];
  };
  assign(0, {}, types, new Set());
  return out;
}

/**
 * A rule in the target's vocabulary: predicates renamed, dropped literals removed, and constants replaced by
 * fresh variables (a source constant such as post_quals means nothing in the target domain).
 */
export function applyMapping(rule: Rule, mapping: PredicateMapping, targetPredicate: string): Rule {
  let fresh = new Set([...rule.head.args, ...rule.body.flatMap((l) => l.args)].filter(isVariable)).size;
  const body: Literal[] = [];
  for (const l of rule.body) {
    const q = mapping.predicates[l.pred];
    if (q === undefined) throw new Error(`applyMapping: the mapping does not cover predicate "${l.pred}" (it covers ${Object.keys(mapping.predicates).join(", ")})`);
    if (q === null) continue;
    body.push({ pred: q, args: l.args.map((t) => (isVariable(t) ? t : variableName(fresh++))) });
  }
  return canonicalRule({ head: { pred: targetPredicate, args: rule.head.args }, body });
}

export interface ScoredMapping {
  mapping: PredicateMapping;
  /** formatMapping(mapping) */
  text: string;
  /** AUC-PR of the mapped rules (as a RuleModel fitted there) on the target's training examples; higher is better */
  score: number;
  /** their balanced log-likelihood there (the tie-breaker) */
  logLikelihood: number;
  /** the distinct mapped rules */
  rules: Rule[];
}

/**
 * How well a mapping's translated rules hold on the target's training facts: fit their confidences there (a
 * RuleModel, as TAMAR re-learns the mapped MLN's weights) and measure how well the rules then rank the target's
 * training examples (AUC-PR over all training blocks' examples). TAMAR scores by the data's pseudo-likelihood
 * instead; here the likelihood only breaks ties, because with 1 positive in 150 it rewards rules that cover
 * many examples loosely over the precise ones that rank well.
 */
export function scoreMapping(rules: Rule[], mapping: PredicateMapping, target: RelationalSchema, blocks: RelationalBlock[]): ScoredMapping {
  const seen = new Map<string, Rule>();
  for (const r of rules) {
    const m = applyMapping(r, mapping, target.target);
    seen.set(formatRule(m), m);
  }
  const mapped = [...seen.values()];
  const model = new RuleModel().fit(mapped, blocks);
  const scores: number[] = [], labels: number[] = [];
  for (const b of blocks) {
    const p = model.predict(b);
    scores.push(...p.scores);
    labels.push(...p.labels);
  }
  return { mapping, text: formatMapping(mapping), score: aucPR(scores, labels), logLikelihood: model.logLikelihood(blocks), rules: mapped };
}

/** Every candidate mapping scored on the target's training blocks, best first. */
export function searchMappings(rules: Rule[], source: RelationalSchema, target: RelationalSchema, blocks: RelationalBlock[], options: { allowDrop?: boolean; limit?: number } = {}): ScoredMapping[] {
  if (blocks.length === 0) throw new Error("searchMappings: no target training blocks to score the mappings on");
  return mappingCandidates(rules, source, target, options)
    .map((m) => scoreMapping(rules, m, target, blocks))
    .sort((a, b) => b.score - a.score || b.logLikelihood - a.logLikelihood || (a.text < b.text ? -1 : 1));
}
