/**
 * Rule coverage over several blocks: how many positive and negative examples of the target a rule proves, and
 * which ones. Results are cached per block and rule text, since the rule search, the mapping search and the
 * revision evaluate the same rules many times.
 */
import { Fact, RelationalBlock } from "../data/relational";
import { Random } from "../random";
import { Rule, canonicalRule, coveredExamples, formatRule, worldOf } from "./logic";

/** One block's examples, positives first: `labels[i]` is 1 for a positive. */
export function examplesOf(block: RelationalBlock): { examples: Fact[]; labels: Uint8Array } {
  return { examples: [...block.pos, ...block.neg], labels: Uint8Array.from([...block.pos.map(() => 1), ...block.neg.map(() => 0)]) };
}

const cache = new WeakMap<RelationalBlock, Map<string, Uint8Array | null>>();
const exampleCache = new WeakMap<RelationalBlock, { examples: Fact[]; labels: Uint8Array }>();

function cachedExamples(block: RelationalBlock): { examples: Fact[]; labels: Uint8Array } {
  let e = exampleCache.get(block);
  if (!e) exampleCache.set(block, (e = examplesOf(block)));
  return e;
}

/** The examples of `block` that `rule` covers (1 = covered), in `examplesOf` order; null if too expensive to join. */
export function ruleCoverage(rule: Rule, block: RelationalBlock): Uint8Array | null {
  let perBlock = cache.get(block);
  if (!perBlock) cache.set(block, (perBlock = new Map()));
  const key = formatRule(canonicalRule(rule));
  if (perBlock.has(key)) return perBlock.get(key)!;
  const covered = coveredExamples(rule, worldOf(block), cachedExamples(block).examples);
  perBlock.set(key, covered);
  return covered;
}

export interface RuleCounts {
  /** positive and negative examples covered, summed over the blocks */
  pos: number;
  neg: number;
  /** false when the join was too expensive in some block (then it counts as covering nothing) */
  feasible: boolean;
}

/**
 * Covered positives and negatives over `blocks`; with `excluded` (block id → flags), positives flagged there
 * are not counted (the sequential-covering learner's "already explained" examples).
 */
export function countCoverage(rule: Rule, blocks: RelationalBlock[], excluded?: Map<string, Uint8Array>): RuleCounts {
  let pos = 0, neg = 0, feasible = true;
  for (const block of blocks) {
    const covered = ruleCoverage(rule, block);
    if (covered === null) {
      feasible = false;
      continue;
    }
    const { labels } = cachedExamples(block);
    const skip = excluded?.get(block.id);
    for (let i = 0; i < covered.length; i++) {
      if (!covered[i]) continue;
      if (labels[i]) {
        if (!skip || !skip[i]) pos++;
      } else neg++;
    }
  }
  return { pos, neg, feasible };
}

/** Positive and negative examples in `blocks`. */
export function exampleTotals(blocks: RelationalBlock[]): { pos: number; neg: number } {
  return blocks.reduce((t, b) => ({ pos: t.pos + b.pos.length, neg: t.neg + b.neg.length }), { pos: 0, neg: 0 });
}

/** m-estimate of a rule's precision, (p + m·π) / (p + n + m), with prior π the share of positives. */
export function mEstimate(pos: number, neg: number, prior: number, m = 2): number {
  return (pos + m * prior) / (pos + neg + m);
}

/**
 * The block with its negatives replaced by the closed-world assumption: every tuple of constants of the target's
 * argument types (constants typed by the facts they occur in) that is not a positive, self-pairs included —
 * what UW-CSE's files already hold, and what IMDB's (sampled 2 : 1) leave out. For training: a rule such as
 * workedUnder(A,B) :- director(B) looks precise against the sampled negatives and is not.
 */
export function closedWorld(block: RelationalBlock, predicates: Record<string, { types: string[] }>, target: string): RelationalBlock {
  const sig = predicates[target];
  if (!sig) throw new Error(`closedWorld: unknown target predicate "${target}"`);
  const byType = new Map<string, Set<string>>();
  for (const f of block.facts) {
    const s = predicates[f.pred];
    if (!s) continue;
    f.args.forEach((a, j) => (byType.get(s.types[j]) ?? byType.set(s.types[j], new Set()).get(s.types[j])!).add(a));
  }
  for (const e of block.pos) e.args.forEach((a, j) => (byType.get(sig.types[j]) ?? byType.set(sig.types[j], new Set()).get(sig.types[j])!).add(a));
  const positives = new Set(block.pos.map((e) => e.args.join(",")));
  const neg: Fact[] = [];
  const domains = sig.types.map((t) => [...(byType.get(t) ?? [])].sort());
  const walk = (j: number, args: string[]): void => {
    if (j === domains.length) {
      if (!positives.has(args.join(","))) neg.push({ pred: target, args: [...args], line: 0 });
      return;
    }
    for (const c of domains[j]) walk(j + 1, [...args, c]);
  };
  walk(0, []);
  return { id: block.id, facts: block.facts, pos: block.pos, neg };
}

/**
 * A block with a seeded share of its labelled examples (positives and negatives alike, at least one positive);
 * the background facts stay whole — they are the target's unlabelled data.
 */
export function subsampleExamples(block: RelationalBlock, fraction: number, seed = 0): RelationalBlock {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`subsampleExamples: fraction must be in (0, 1], got ${fraction}`);
  if (fraction === 1) return block;
  const rng = new Random(seed);
  const take = (xs: Fact[], min: number) => {
    const perm = rng.permutation(xs.length);
    const k = Math.min(xs.length, Math.max(min, Math.round(fraction * xs.length)));
    return Array.from(perm.subarray(0, k)).sort((a, b) => a - b).map((i) => xs[i]);
  };
  return { id: block.id, facts: block.facts, pos: take(block.pos, 1), neg: take(block.neg, 0) };
}
