/**
 * First-order Horn rules over a relational data set, and how to evaluate them: which examples of the target
 * predicate a rule's body proves in one block (mega-example) of ground facts.
 *
 * A rule is `head :- body` with the head `target(A,B)`; arguments starting with an upper-case letter are
 * variables, others constants (Prolog's convention, which the fact files follow).
 */
import { Fact, RelationalBlock } from "../data/relational";

export interface Literal {
  pred: string;
  args: string[];
}

export interface Rule {
  head: Literal;
  body: Literal[];
}

export const isVariable = (t: string): boolean => /^[A-Z]/.test(t);

export function formatLiteral(l: Literal): string {
  return `${l.pred}(${l.args.join(",")})`;
}

/** `advisedby(A,B) :- publication(C,A), publication(C,B).` (a body-less rule is the fact-like `head.`) */
export function formatRule(r: Rule): string {
  return r.body.length === 0 ? `${formatLiteral(r.head)}.` : `${formatLiteral(r.head)} :- ${r.body.map(formatLiteral).join(", ")}.`;
}

/** Parses `head :- lit, lit.` (the inverse of formatRule), for tests and hand-written rules. */
export function parseRule(text: string): Rule {
  const [headText, bodyText] = text.trim().replace(/\.\s*$/, "").split(":-");
  const lits: Literal[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)/g;
  const parse = (s: string): Literal[] => {
    lits.length = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) lits.push({ pred: m[1], args: m[2].split(",").map((a) => a.trim()) });
    return [...lits];
  };
  const head = parse(headText);
  if (head.length !== 1) throw new Error(`parseRule: "${text}" needs exactly one head literal before ":-"`);
  return { head: head[0], body: bodyText === undefined ? [] : parse(bodyText) };
}

/** Renames variables in order of first appearance (head first): A, B, C, …, so equal rules print alike. */
export function canonicalRule(r: Rule): Rule {
  const names = new Map<string, string>();
  const name = (t: string) => {
    if (!isVariable(t)) return t;
    if (!names.has(t)) names.set(t, variableName(names.size));
    return names.get(t)!;
  };
  const head = { pred: r.head.pred, args: r.head.args.map(name) };
  return { head, body: r.body.map((l) => ({ pred: l.pred, args: l.args.map(name) })) };
}

/** A, B, …, Z, V26, V27, … */
export function variableName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `V${i}`;
}

/**
 * One block's facts, indexed for joins: constants interned to integers, each predicate's tuples stored flat,
 * and for each (predicate, argument position) the tuples holding a given constant there.
 */
export class World {
  readonly constants = new Map<string, number>();
  private readonly tuples = new Map<string, { arity: number; data: number[] }>();
  private readonly index = new Map<string, Map<number, number[]>>();

  constructor(facts: Fact[]) {
    for (const f of facts) {
      let rel = this.tuples.get(f.pred);
      if (!rel) this.tuples.set(f.pred, (rel = { arity: f.args.length, data: [] }));
      const t = rel.data.length / rel.arity;
      f.args.forEach((a, j) => {
        const id = this.intern(a);
        rel!.data.push(id);
        const key = `${f.pred}/${j}`;
        let byValue = this.index.get(key);
        if (!byValue) this.index.set(key, (byValue = new Map()));
        const list = byValue.get(id);
        if (list) list.push(t);
        else byValue.set(id, [t]);
      });
    }
  }

  intern(name: string): number {
    let id = this.constants.get(name);
    if (id === undefined) this.constants.set(name, (id = this.constants.size));
    return id;
  }

  /** The constant's id, or −1 when it occurs in no fact of this world. */
  id(name: string): number {
    return this.constants.get(name) ?? -1;
  }

  size(pred: string): number {
    const rel = this.tuples.get(pred);
    return rel ? rel.data.length / rel.arity : 0;
  }

  relation(pred: string): { arity: number; data: number[] } | undefined {
    return this.tuples.get(pred);
  }

  /** Tuples of `pred` with constant `value` at position `pos` (indices into the relation). */
  lookup(pred: string, pos: number, value: number): number[] {
    return this.index.get(`${pred}/${pos}`)?.get(value) ?? [];
  }
}

const worlds = new WeakMap<RelationalBlock, World>();

/** The (cached) World of a block's background facts. */
export function worldOf(block: RelationalBlock): World {
  let w = worlds.get(block);
  if (!w) worlds.set(block, (w = new World(block.facts)));
  return w;
}

/** Bindings beyond this make a rule "too expensive" (it covers nothing): a guard against cross products. */
export const MAX_BINDINGS = 200_000;

/**
 * Which of `examples` (ground atoms of the head's predicate) the rule's body proves in `world`: a bottom-up join
 * of the body literals (most-bound literal first), projected on the head's variables. Returns one flag per
 * example, or null when the join would exceed MAX_BINDINGS.
 */
export function coveredExamples(rule: Rule, world: World, examples: Fact[]): Uint8Array | null {
  const vars = new Map<string, number>();
  const varOf = (t: string) => {
    if (!vars.has(t)) vars.set(t, vars.size);
    return vars.get(t)!;
  };
  rule.head.args.forEach((t) => isVariable(t) && varOf(t));
  const body = rule.body.map((l) => ({
    pred: l.pred,
    // ≥ 0: a variable's slot; < 0: a constant, encoded as −(id + 2) (−1: a constant absent from this world)
    slots: l.args.map((t) => (isVariable(t) ? varOf(t) : -(world.id(t) + 2))),
  }));
  const nv = vars.size;
  const out = new Uint8Array(examples.length);
  if (body.some((l) => l.slots.some((s) => s === -1) || world.size(l.pred) === 0)) return out; // a literal that cannot hold
  let bindings: Int32Array[] = [new Int32Array(nv).fill(-1)];
  const done = new Array(body.length).fill(false);
  const bound = new Uint8Array(nv);
  for (let step = 0; step < body.length; step++) {
    // the literal with the most bound arguments next (ties: the smaller relation) keeps intermediate results small
    let pick = -1, pickBound = -1, pickSize = Infinity;
    body.forEach((l, i) => {
      if (done[i]) return;
      const b = l.slots.filter((s) => s < 0 || bound[s]).length;
      const size = world.size(l.pred);
      if (b > pickBound || (b === pickBound && size < pickSize)) {
        pick = i;
        pickBound = b;
        pickSize = size;
      }
    });
    done[pick] = true;
    const lit = body[pick];
    const rel = world.relation(lit.pred)!;
    const arity = rel.arity;
    const next: Int32Array[] = [];
    for (const b of bindings) {
      // candidate tuples: through the index of a bound position when there is one
      let candidates: number[] | null = null;
      for (let j = 0; j < arity; j++) {
        const s = lit.slots[j];
        const value = s < 0 ? -s - 2 : b[s];
        if (value >= 0) {
          const list = world.lookup(lit.pred, j, value);
          if (candidates === null || list.length < candidates.length) candidates = list;
        }
      }
      const count = candidates ? candidates.length : rel.data.length / arity;
      for (let c = 0; c < count; c++) {
        const t = candidates ? candidates[c] : c;
        let ok = true;
        let extended: Int32Array | null = null;
        for (let j = 0; j < arity && ok; j++) {
          const v = rel.data[t * arity + j];
          const s = lit.slots[j];
          if (s < 0) ok = v === -s - 2;
          else {
            const cur = (extended ?? b)[s];
            if (cur >= 0) ok = cur === v;
            else {
              extended ??= Int32Array.from(b);
              extended[s] = v;
            }
          }
        }
        if (ok) next.push(extended ?? b);
      }
      if (next.length > MAX_BINDINGS) return null;
    }
    bindings = next;
    lit.slots.forEach((s) => s >= 0 && (bound[s] = 1));
    if (bindings.length === 0) return out;
  }
  // project on the head's arguments; an argument the body never binds matches anything
  const headSlots = rule.head.args.map((t) => (isVariable(t) ? varOf(t) : -1));
  const keys = new Set<string>();
  for (const b of bindings) keys.add(headSlots.map((s) => (s >= 0 && bound[s] ? b[s] : "*")).join(","));
  examples.forEach((e, i) => {
    const key = e.args.map((a, j) => {
      const s = headSlots[j];
      if (s < 0) return a === rule.head.args[j] ? "*" : "#"; // a constant in the head must match itself
      return bound[s] ? String(world.id(a)) : "*";
    }).join(",");
    if (!key.includes("#") && keys.has(key)) out[i] = 1;
  });
  return out;
}
