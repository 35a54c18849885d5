/**
 * A small first-order rule learner (FOIL / Aleph in miniature): sequential covering, each rule found by a beam
 * search that adds one linked, type-consistent literal at a time and scores rules by their m-estimated
 * precision (confidence) subject to a minimum support (positives covered). Readable Horn rules in seconds.
 */
import { PredicateSignature, RelationalBlock, RelationalDataset } from "../data/relational";
import { checkOptions, requireInteger } from "../options";
import { Literal, Rule, canonicalRule, formatRule, isVariable, variableName } from "./logic";
import { countCoverage, exampleTotals, mEstimate, ruleCoverage } from "./coverage";
import { InvalidOptionError } from "../errors";

/** What a learner needs to know of a domain: the target predicate and every predicate's argument types. */
export interface RelationalSchema {
  target: string;
  predicates: Record<string, PredicateSignature>;
}

export interface RuleLearnerOptions {
  /** literals in a rule body at most; default 3 */
  maxBodyLength?: number;
  /** rules kept at each step of the beam search; default 5 */
  beamWidth?: number;
  /** rules learned at most; default 6 */
  maxRules?: number;
  /** positives (not yet covered) a rule must cover; default 2 */
  minSupport?: number;
  /** m-estimated precision a rule must reach; default 0.3 */
  minPrecision?: number;
  /** variables in a rule at most (the head's two included); default 5 */
  maxVariables?: number;
  /** constants tried at a `#` argument (the most frequent in the facts); default 8 */
  maxConstants?: number;
  /** m of the m-estimate of precision (larger: prefer rules with more support); default 10 */
  m?: number;
  /** …and at least this multiple of the share of positives (its lift); default 2 */
  minLift?: number;
  /** seed the beam with relational pathfinding (paths of facts from A to B in positive examples); default true */
  pathfinding?: boolean;
  /** positive examples per block whose paths are searched; default 40 */
  pathExamples?: number;
}

export const RULE_LEARNER_DEFAULTS = { maxBodyLength: 3, beamWidth: 5, maxRules: 6, minSupport: 2, minPrecision: 0.1, maxVariables: 5, maxConstants: 8, m: 10, minLift: 2, pathfinding: true, pathExamples: 40 };

export function checkLearnerOptions(where: string, options: RuleLearnerOptions | undefined): typeof RULE_LEARNER_DEFAULTS {
  const o = checkOptions(where, options, RULE_LEARNER_DEFAULTS);
  requireInteger(where, "maxBodyLength", o.maxBodyLength, 1);
  requireInteger(where, "beamWidth", o.beamWidth, 1);
  requireInteger(where, "maxRules", o.maxRules, 1);
  requireInteger(where, "minSupport", o.minSupport, 1);
  requireInteger(where, "maxVariables", o.maxVariables, 2);
  requireInteger(where, "maxConstants", o.maxConstants, 0);
  if (!(o.minPrecision >= 0 && o.minPrecision <= 1)) throw new InvalidOptionError(`${where}: option "minPrecision" must be in [0, 1], got ${o.minPrecision}`);
  return o;
}

/** A rule with how it did on the data it was learned or re-scored on. */
export interface ScoredRule {
  rule: Rule;
  text: string;
  /** positives and negatives covered */
  pos: number;
  neg: number;
  /** m-estimated precision */
  precision: number;
}

/** The rule `target(A,B).` with an empty body (covers every example). */
export function emptyRule(schema: RelationalSchema): Rule {
  const sig = schema.predicates[schema.target];
  if (!sig) throw new Error(`unknown target predicate "${schema.target}"; declared: ${Object.keys(schema.predicates).sort().join(", ")}`);
  return { head: { pred: schema.target, args: sig.types.map((_, j) => variableName(j)) }, body: [] };
}

/** The type of each variable of a rule, from the head's and the body literals' signatures. */
export function variableTypes(rule: Rule, schema: RelationalSchema): Map<string, string> {
  const types = new Map<string, string>();
  for (const lit of [rule.head, ...rule.body]) {
    const sig = schema.predicates[lit.pred];
    if (!sig) continue;
    lit.args.forEach((t, j) => isVariable(t) && !types.has(t) && types.set(t, sig.types[j]));
  }
  return types;
}

/** The most frequent constants at each `#` argument position, from the facts. */
export function constantsByPosition(blocks: RelationalBlock[], schema: RelationalSchema, max: number): Map<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  for (const b of blocks) {
    for (const f of b.facts) {
      const sig = schema.predicates[f.pred];
      if (!sig) continue;
      f.args.forEach((a, j) => {
        if (!sig.constantArgs[j]) return;
        const key = `${f.pred}/${j}`;
        const m = counts.get(key) ?? counts.set(key, new Map()).get(key)!;
        m.set(a, (m.get(a) ?? 0) + 1);
      });
    }
  }
  const out = new Map<string, string[]>();
  for (const [key, m] of counts) out.set(key, [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([c]) => c));
  return out;
}

/**
 * Every rule one literal longer than `rule`: a body literal of any non-target predicate whose arguments are
 * existing variables of the right type, new variables, or (at `#` positions) frequent constants, with at least
 * one existing variable (literals stay linked to the head) and at most `maxVariables` variables in all.
 */
export function refinements(rule: Rule, schema: RelationalSchema, constants: Map<string, string[]>, maxVariables: number): Rule[] {
  const types = variableTypes(rule, schema);
  const existing = [...types.keys()];
  const seen = new Set(rule.body.map((l) => `${l.pred}(${l.args.join(",")})`));
  const out: Rule[] = [];
  for (const sig of Object.values(schema.predicates).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (sig.name === schema.target) continue;
    const choices: string[][] = sig.types.map((t, j) => [
      ...existing.filter((v) => types.get(v) === t),
      `?${j}`, // a new variable (named below)
      ...(sig.constantArgs[j] ? constants.get(`${sig.name}/${j}`) ?? [] : []),
    ]);
    const combo = (j: number, acc: string[]): void => {
      if (j === choices.length) {
        if (!acc.some((t) => isVariable(t))) return; // not linked
        let next = existing.length;
        const args = acc.map((t) => (t.startsWith("?") ? variableName(next++) : t));
        if (next > maxVariables) return;
        const text = `${sig.name}(${args.join(",")})`;
        if (seen.has(text)) return;
        out.push({ head: rule.head, body: [...rule.body, { pred: sig.name, args }] });
        return;
      }
      for (const c of choices[j]) combo(j + 1, [...acc, c]);
    };
    combo(0, []);
  }
  return out;
}

function score(rule: Rule, blocks: RelationalBlock[], prior: number, m: number, excluded?: Map<string, Uint8Array>): ScoredRule {
  const c = countCoverage(rule, blocks, excluded);
  const canon = canonicalRule(rule);
  const pos = c.feasible ? c.pos : 0, neg = c.feasible ? c.neg : 0;
  return { rule: canon, text: formatRule(canon), pos, neg, precision: c.feasible ? mEstimate(pos, neg, prior, m) : 0 };
}

/**
 * The best rule by beam search from `start` (default: the empty body), scored on the positives not in
 * `excluded`; null when none reaches minSupport and minPrecision.
 */
export function bestRule(blocks: RelationalBlock[], schema: RelationalSchema, options: RuleLearnerOptions = {}, excluded?: Map<string, Uint8Array>, start?: Rule): ScoredRule | null {
  const o = checkLearnerOptions("bestRule", options);
  const totals = exampleTotals(blocks);
  const prior = totals.pos / Math.max(1, totals.pos + totals.neg);
  const threshold = Math.max(o.minPrecision, Math.min(0.99, o.minLift * prior));
  const constants = constantsByPosition(blocks, schema, o.maxConstants);
  let best: ScoredRule | null = null;
  const better = (a: ScoredRule, b: ScoredRule | null) => b === null || a.precision > b.precision + 1e-12 || (Math.abs(a.precision - b.precision) <= 1e-12 && a.pos > b.pos);
  const consider = (r: Rule, into: Map<string, ScoredRule>) => {
    const sc = score(r, blocks, prior, o.m, excluded);
    if (sc.pos < o.minSupport || into.has(sc.text)) return;
    into.set(sc.text, sc);
    if (sc.precision >= threshold && better(sc, best)) best = sc;
  };
  // the beam starts from the empty body and, with pathfinding, from the paths that link A to B in the
  // positives: a bridge such as movie(C,A), movie(C,B) is useless alone, so a greedy search rarely finds it
  const seeds = new Map<string, ScoredRule>();
  const origin = start ?? emptyRule(schema);
  seeds.set(formatRule(canonicalRule(origin)), score(origin, blocks, prior, o.m, excluded));
  if (o.pathfinding && !start) {
    for (const r of pathRules(blocks, schema, o.maxBodyLength, o.maxVariables, o.pathExamples, excluded)) consider(r, seeds);
  }
  const rank = (a: ScoredRule, b: ScoredRule) => b.precision - a.precision || b.pos - a.pos || (a.text < b.text ? -1 : 1);
  let beam = [...seeds.values()].sort(rank).slice(0, o.beamWidth + 1);
  for (let round = 0; round < o.maxBodyLength && beam.length > 0; round++) {
    const candidates = new Map<string, ScoredRule>();
    for (const parent of beam) {
      if (parent.rule.body.length >= o.maxBodyLength) continue;
      for (const r of refinements(parent.rule, schema, constants, o.maxVariables)) consider(r, candidates);
    }
    beam = [...candidates.values()].sort(rank).slice(0, o.beamWidth);
  }
  return best;
}

/**
 * Relational pathfinding (Richards & Mooney 1992): for positive examples t(a,b), the chains of facts that lead
 * from a to b (each fact sharing a constant with the previous one), up to `maxLength` facts, turned into rule
 * bodies by replacing constants with variables (`#` arguments keep their constant). Returns the distinct rules,
 * most frequent first.
 */
export function pathRules(blocks: RelationalBlock[], schema: RelationalSchema, maxLength: number, maxVariables: number, perBlock = 40, excluded?: Map<string, Uint8Array>): Rule[] {
  const counts = new Map<string, { rule: Rule; n: number }>();
  for (const block of blocks) {
    // facts by constant
    const byConstant = new Map<string, number[]>();
    block.facts.forEach((f, i) => f.args.forEach((a) => (byConstant.get(a) ?? byConstant.set(a, []).get(a)!).push(i)));
    const skip = excluded?.get(block.id);
    let used = 0;
    for (let e = 0; e < block.pos.length && used < perBlock; e++) {
      if (skip && skip[e]) continue;
      used++;
      const [a, b] = block.pos[e].args;
      const found = new Set<string>();
      const extend = (path: number[], frontier: string[]): void => {
        if (path.length > 0 && frontier.includes(b)) {
          const rule = variabilise(block.pos[e].args, path.map((i) => block.facts[i]), schema);
          if (rule) {
            const key = formatRule(canonicalRule(rule));
            if (!found.has(key)) {
              found.add(key);
              const c = counts.get(key);
              if (c) c.n++;
              else counts.set(key, { rule: canonicalRule(rule), n: 1 });
            }
          }
          return;
        }
        if (path.length >= maxLength) return;
        for (const c of frontier) {
          for (const i of byConstant.get(c) ?? []) {
            if (path.includes(i)) continue;
            const f = block.facts[i];
            // only move through arguments that are objects, not `#` values shared by half the block
            const sig = schema.predicates[f.pred];
            const next = f.args.filter((x, j) => x !== c && !(sig?.constantArgs[j]));
            extend([...path, i], next.length > 0 ? next : [c]);
          }
        }
      };
      extend([], [a]);
    }
  }
  return [...counts.values()].sort((x, y) => y.n - x.n).map((c) => c.rule).filter((r) => r.body.length <= maxLength && countVariables(r) <= maxVariables);
}

function countVariables(r: Rule): number {
  return new Set([...r.head.args, ...r.body.flatMap((l) => l.args)].filter(isVariable)).size;
}

/** A path of ground facts → a rule body: a ↦ A, b ↦ B, other objects ↦ C, D, …; `#` arguments stay constants. */
function variabilise(head: string[], facts: { pred: string; args: string[] }[], schema: RelationalSchema): Rule | null {
  const names = new Map<string, string>();
  head.forEach((c, j) => names.set(c, variableName(j)));
  const body: Literal[] = [];
  for (const f of facts) {
    const sig = schema.predicates[f.pred];
    if (!sig || f.pred === schema.target) return null;
    body.push({ pred: f.pred, args: f.args.map((c, j) => {
      if (sig.constantArgs[j] && !names.has(c)) return c;
      if (!names.has(c)) names.set(c, variableName(names.size));
      return names.get(c)!;
    }) });
  }
  return { head: { pred: schema.target, args: head.map((_, j) => variableName(j)) }, body };
}

/**
 * Sequential covering: learn the best rule, mark the positives it covers as explained, repeat on the rest,
 * up to `maxRules` new rules. With `given` rules, their positives count as explained from the start (TAMAR's
 * new-clause discovery after revision). The rules are re-scored on all examples at the end.
 */
export function learnRules(data: RelationalDataset | { blocks: RelationalBlock[]; target: string; predicates: Record<string, PredicateSignature> }, options: RuleLearnerOptions = {}, blocks?: RelationalBlock[], given: Rule[] = []): ScoredRule[] {
  const o = checkLearnerOptions("learnRules", options);
  const train = blocks ?? data.blocks;
  if (train.length === 0) throw new Error("learnRules: no training blocks");
  const schema: RelationalSchema = { target: data.target, predicates: data.predicates };
  const explained = new Map<string, Uint8Array>(train.map((b) => [b.id, new Uint8Array(b.pos.length + b.neg.length)]));
  // rules already in the theory (e.g. transferred ones) explain their positives: new rules look at the rest
  for (const g of given) {
    for (const b of train) {
      const covered = ruleCoverage(g, b);
      const flags = explained.get(b.id)!;
      if (covered) for (let i = 0; i < b.pos.length; i++) if (covered[i]) flags[i] = 1;
    }
  }
  const rules: ScoredRule[] = [];
  for (let r = 0; r < o.maxRules; r++) {
    const found = bestRule(train, schema, o, explained);
    if (found === null) break;
    rules.push(found);
    let newlyExplained = 0;
    for (const b of train) {
      const covered = ruleCoverage(found.rule, b);
      const flags = explained.get(b.id)!;
      if (covered) for (let i = 0; i < b.pos.length; i++) if (covered[i] && !flags[i]) { flags[i] = 1; newlyExplained++; }
    }
    if (newlyExplained === 0) break;
  }
  return rescore(rules.map((r) => r.rule), train, o.m);
}

/** Support and m-estimated precision of each rule on `blocks`. */
export function rescore(rules: Rule[], blocks: RelationalBlock[], m = RULE_LEARNER_DEFAULTS.m): ScoredRule[] {
  const totals = exampleTotals(blocks);
  const prior = totals.pos / Math.max(1, totals.pos + totals.neg);
  return rules.map((r) => score(r, blocks, prior, m));
}
