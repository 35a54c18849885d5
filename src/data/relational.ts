/**
 * Relational data sets (UW-CSE, IMDB; data/relational/README.md) in the BoostSRL / srlearn text format:
 * one ground fact `pred(arg1,arg2).` per line, mode declarations `pred(+type,-type,#type).` for the types.
 *
 * A data set is a list of **blocks** (mega-examples: disjoint worlds, no fact links two blocks), each with its
 * background facts and the positive and negative examples of the target predicate. The stored folds' test
 * parts are those blocks; a fold's training part is the union of the other blocks (checked when the data
 * were copied), so any number of training blocks can be formed from them.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { checkOptions } from "../options";
import { dataDir } from "./domains";

/** One ground atom as read, with its line for error messages. */
export interface Fact {
  pred: string;
  args: string[];
  line: number;
}

/** A predicate's argument types (from the mode declarations) and which arguments may be constants (`#`). */
export interface PredicateSignature {
  name: string;
  types: string[];
  /** `#` in some mode: the rule learner may put a constant there (e.g. inphase(A, post_quals)) */
  constantArgs: boolean[];
}

export interface RelationalBlock {
  /** e.g. "fold3" */
  id: string;
  /** background facts (every predicate but the target) */
  facts: Fact[];
  /** true and false ground atoms of the target predicate */
  pos: Fact[];
  neg: Fact[];
}

export interface RelationalDataset {
  name: string;
  /** the predicate to predict, as spelled in the files ("advisedby", "workedUnder") */
  target: string;
  predicates: Record<string, PredicateSignature>;
  blocks: RelationalBlock[];
  /** the folder that was read */
  dir: string;
}

const ATOM = /^([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*\.?\s*$/;
const CONSTANT = /^[a-z0-9_][A-Za-z0-9_\-.]*$/;

/** Reads a text file, gunzipping it when it ends in .gz. */
function readText(file: string): string {
  const raw = fs.readFileSync(file);
  return (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw).toString("utf8");
}

/** The file, or its .gz copy when only that is there; null when neither exists. */
function existing(file: string): string | null {
  for (const f of [file, `${file}.gz`]) {
    try {
      if (fs.statSync(f).isFile()) return f;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Splits `body` at top-level commas and checks the parentheses balance; errors name `where`. */
function splitArgs(body: string, where: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cell = "";
  for (const c of body) {
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth < 0) throw new Error(`${where}: unbalanced parentheses (a ")" without its "(")`);
    }
    if (c === "," && depth === 0) {
      out.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  if (depth !== 0) throw new Error(`${where}: unbalanced parentheses (${depth} "(" not closed)`);
  out.push(cell.trim());
  return out;
}

/** Parses one atom `pred(a,b)` (final period optional); throws naming `where` on a malformed one. */
function parseAtom(text: string, where: string): { pred: string; args: string[] } {
  const opens = (text.match(/\(/g) ?? []).length;
  const closes = (text.match(/\)/g) ?? []).length;
  if (opens !== closes) throw new Error(`${where}: unbalanced parentheses in "${text}" (${opens} "(", ${closes} ")")`);
  const m = ATOM.exec(text);
  if (!m) throw new Error(`${where}: "${text}" is not an atom of the form pred(arg1,arg2).`);
  const args = splitArgs(m[2], where);
  if (args.some((a) => a === "")) throw new Error(`${where}: "${text}" has an empty argument`);
  return { pred: m[1], args };
}

/**
 * Mode declarations → predicate signatures. Accepts Aleph/BoostSRL lines `pred(+t1,-t2,#t3).`, with or without a
 * `mode:` prefix; other BoostSRL directives (`import:`, `setParam:` …) and `%` / `//` comments are skipped.
 * Two modes of one predicate must agree on arity and types.
 */
export function parseModes(text: string, file = "<modes>"): Record<string, PredicateSignature> {
  const out: Record<string, PredicateSignature> = {};
  text.split("\n").forEach((raw, i) => {
    let line = raw.replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("%") || line.startsWith("//")) return;
    const where = `${file}: line ${i + 1}`;
    const mode = /^mode\s*:\s*(.*)$/.exec(line);
    if (mode) line = mode[1];
    else if (/^[A-Za-z]+\s*:/.test(line)) return; // another BoostSRL directive
    const atom = parseAtom(line, where);
    const types: string[] = [];
    const constants: boolean[] = [];
    for (const a of atom.args) {
      const m = /^([+\-#`])\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(a);
      if (!m) throw new Error(`${where}: mode argument "${a}" of ${atom.pred} must be +type, -type or #type`);
      types.push(m[2]);
      constants.push(m[1] === "#");
    }
    const known = out[atom.pred];
    if (!known) {
      out[atom.pred] = { name: atom.pred, types, constantArgs: constants };
      return;
    }
    if (known.types.length !== types.length) {
      throw new Error(`${where}: ${atom.pred} declared with arity ${types.length}, but with arity ${known.types.length} before`);
    }
    // "#level" and "+level" of one argument are one type; differing type names are an error
    types.forEach((t, j) => {
      if (t !== known.types[j]) throw new Error(`${where}: argument ${j + 1} of ${atom.pred} has type ${t}, but ${known.types[j]} in an earlier mode`);
      known.constantArgs[j] = known.constantArgs[j] || constants[j];
    });
  });
  return out;
}

/**
 * Ground facts, one per line (`%` comments and blank lines skipped). With `predicates`, an undeclared predicate
 * or a wrong arity is an error naming the file and line; without, the first use of a predicate fixes its arity.
 */
export function parseFacts(text: string, file = "<facts>", predicates?: Record<string, PredicateSignature>): Fact[] {
  const facts: Fact[] = [];
  const arity = new Map<string, number>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("%") || line.startsWith("//")) return;
    const where = `${file}: line ${i + 1}`;
    if (!line.endsWith(".")) throw new Error(`${where}: "${line}" does not end with "." (a fact is pred(arg1,arg2).)`);
    const atom = parseAtom(line, where);
    for (const a of atom.args) {
      if (!CONSTANT.test(a)) {
        throw new Error(`${where}: argument "${a}" of ${atom.pred} is not a constant (facts are ground: lower-case names or numbers, no variables or nested terms)`);
      }
    }
    if (predicates) {
      const sig = predicates[atom.pred];
      if (!sig) {
        const lower = Object.keys(predicates).find((p) => p.toLowerCase() === atom.pred.toLowerCase());
        throw new Error(`${where}: unknown predicate "${atom.pred}"${lower ? ` (did you mean "${lower}"? predicate names are case-sensitive)` : ""}; ` +
          `declared: ${Object.keys(predicates).sort().join(", ")}`);
      }
      if (sig.types.length !== atom.args.length) {
        throw new Error(`${where}: ${atom.pred} has ${atom.args.length} argument${atom.args.length === 1 ? "" : "s"}, but it is declared with arity ${sig.types.length} (${atom.pred}(${sig.types.join(",")}))`);
      }
    } else {
      const seen = arity.get(atom.pred);
      if (seen === undefined) arity.set(atom.pred, atom.args.length);
      else if (seen !== atom.args.length) throw new Error(`${where}: ${atom.pred} has ${atom.args.length} arguments, but ${seen} on an earlier line`);
    }
    facts.push({ pred: atom.pred, args: atom.args, line: i + 1 });
  });
  return facts;
}

export interface RelationalLoadOptions {
  /** the target predicate; default: the predicate of the positive examples */
  target?: string;
  /** only these blocks (1-based fold numbers); default all */
  folds?: number[];
}

/** The mode file of a data set folder: background.txt, else a fold's *_bk.txt that declares modes. */
function findModes(dir: string, folds: string[]): string {
  const bg = existing(path.join(dir, "background.txt"));
  if (bg) return bg;
  for (const f of folds) {
    for (const name of fs.readdirSync(path.join(dir, f)).sort()) {
      const file = path.join(dir, f, name);
      if (/_bk\.txt(\.gz)?$/.test(name) && fs.statSync(file).isFile() && /\(/.test(readText(file))) return file;
    }
  }
  throw new Error(`${dir}: no mode declarations (background.txt, or a FoldN/*_bk.txt with pred(+type,…) lines)`);
}

/**
 * Loads a relational data set: an id ("uwcse", "imdb": data/relational/<id>) or a folder laid out the same way
 * (`background.txt` or `FoldN/*_bk.txt`, and `foldN/test/test_{facts,pos,neg}.txt[.gz]`, N = 1, 2, …).
 * Each fold's test part becomes one block. Malformed facts, unknown predicates, wrong arities and examples of
 * another predicate than the target are errors naming the file and line.
 */
export async function loadRelational(idOrDir: string, options: RelationalLoadOptions = {}): Promise<RelationalDataset> {
  const opts = checkOptions("loadRelational", options, { target: undefined as string | undefined, folds: undefined as number[] | undefined });
  let dir = path.resolve(idOrDir);
  if (/^[\w-]+$/.test(idOrDir)) {
    const inData = path.join(dataDir(), "relational", idOrDir);
    if (fs.existsSync(inData)) dir = inData;
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    let ids: string[] = [];
    try {
      ids = fs.readdirSync(path.join(dataDir(), "relational")).filter((f) => fs.statSync(path.join(dataDir(), "relational", f)).isDirectory());
    } catch {
      /* no data folder */
    }
    throw new Error(`loadRelational: no data set "${idOrDir}": ${dir} is not a folder${ids.length ? `; ids: ${ids.join(", ")}` : ""}`);
  }
  const foldDirs = fs.readdirSync(dir).filter((f) => /^fold\d+$/i.test(f)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  if (foldDirs.length === 0) throw new Error(`loadRelational: ${dir} has no fold folders (fold1, fold2, … or Fold1, …)`);
  const modesFile = findModes(dir, foldDirs);
  const predicates = parseModes(readText(modesFile), modesFile);
  const wanted = opts.folds ?? foldDirs.map((f) => Number(f.slice(4)));
  const blocks: RelationalBlock[] = [];
  let target = opts.target;
  if (target !== undefined && !predicates[target]) {
    throw new Error(`loadRelational: target "${target}" is not declared in ${modesFile}; declared: ${Object.keys(predicates).sort().join(", ")}`);
  }
  for (const k of wanted) {
    const f = foldDirs.find((d) => Number(d.slice(4)) === k);
    if (!f) throw new Error(`loadRelational: no fold ${k} in ${dir} (folds: ${foldDirs.join(", ")})`);
    const part = (kind: string): { file: string; facts: Fact[] } => {
      const base = path.join(dir, f, "test", `test_${kind}.txt`);
      const file = existing(base);
      if (!file) throw new Error(`loadRelational: ${base} (or .gz) is missing`);
      return { file, facts: parseFacts(readText(file), file, predicates) };
    };
    const facts = part("facts");
    const pos = part("pos");
    const neg = part("neg");
    for (const ex of [pos, neg]) {
      for (const e of ex.facts) {
        target ??= e.pred;
        if (e.pred !== target) throw new Error(`${ex.file}: line ${e.line}: an example of ${e.pred}, but the target predicate is ${target}`);
      }
    }
    for (const fact of facts.facts) {
      if (fact.pred === target) throw new Error(`${facts.file}: line ${fact.line}: a fact of the target predicate ${target} among the background facts`);
    }
    blocks.push({ id: f.toLowerCase(), facts: facts.facts, pos: pos.facts, neg: neg.facts });
  }
  if (target === undefined) throw new Error(`loadRelational: ${dir} has no positive or negative examples, so the target predicate is unknown`);
  return { name: path.basename(dir), target, predicates, blocks, dir };
}
