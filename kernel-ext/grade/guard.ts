/**
 * Tests that student code cannot fake. Test cells run in the student's kernel, after the student's cells,
 * so the grader adds cells of its own around them (tagged GUARD_TAG, removed again before anything is
 * scored or written):
 *
 * - a prelude, before any student cell: the assertion modules and the libraries the tests use (their
 *   module objects, functions and classes) are frozen, their require.cache entries made permanent, and the
 *   built-ins the tests rely on (Object, Array, Math, JSON, … and their prototypes) are recorded;
 * - a pin after each locked cell that defines helpers (`check`, `tl`): their values are recorded;
 * - a check before each test cell and after the last cell: the built-ins and the pinned helpers must be
 *   the recorded ones, or the check puts the recorded ones back and throws, naming what changed (the
 *   test then runs on the originals); it answers GUARD_OK otherwise;
 * - a canary at the end: an assertion that must fail. A kernel whose error reporting a student changed
 *   reports it as passing, and the submission is flagged.
 *
 * What each stops is measured in tests/grade/tamper.test.ts. The guard's own state lives in closures and
 * in a non-writable, non-configurable global: a student cell can neither replace nor reconfigure it.
 */
import type { Cell, CodeCell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import { gradeId, isGrade, isLocked, isSolution } from "./checksum";
import type { Tampering } from "./restore";
import { topLevelNames } from "./tsnames";
import { importedPackages } from "./imports";

export const GUARD_TAG = "tlab-grade-guard";
const GUARD_OK = "tlab guard: ok";
const CANARY = "tlab canary: this assertion must fail";
const KEY = "__tlab_guard";


/**
 * The libraries to freeze: the notebook's own packages. Not node's built-in modules (tests never replace
 * them), nor the kernel's packages (tslab, @transferlab/kernel-ext: the kernel hides its own, harden.ts).
 */
function librariesToFreeze(nb: Notebook): string[] {
  const builtin = new Set(require("module").builtinModules as string[]);
  return importedPackages(nb).filter((p) => !builtin.has(p) && p !== "tslab" && p !== "@transferlab/kernel-ext");
}

const prelude = (libs: string[]): string => `// tlab grade: guards for the tests below (removed from what is graded)
(() => {
  const g: any = globalThis;
  if (g.${KEY}) return;
  const path = require("path"), fs = require("fs");
  const ownKeys = Reflect.ownKeys, describe = Object.getOwnPropertyDescriptor, define = Object.defineProperty;
  const freeze = Object.freeze, isArray = Array.isArray, protoOf = Object.getPrototypeOf, is = Object.is;
  for (const m of ["assert", "assert/strict", "node:assert", "node:assert/strict"]) { const a = require(m); freeze(a); if (a.strict) freeze(a.strict); }
  const freezeValue = (v: any) => {
    if (typeof v !== "function") return;
    freeze(v);
    if (v.prototype && typeof v.prototype === "object") freeze(v.prototype);
  };
  const cache: any = require.cache;
  for (const lib of ${JSON.stringify(libs)}) {
    let dir: string;
    try { dir = path.dirname(fs.realpathSync(require.resolve(lib))); } catch { continue; }
    require(lib);
    while (!fs.existsSync(path.join(dir, "package.json")) && dir !== path.dirname(dir)) dir = path.dirname(dir);
    for (const file of Object.keys(cache)) {
      if (!file.startsWith(dir + path.sep) || file.slice(dir.length).includes(path.sep + "node_modules" + path.sep)) continue;
      const m = cache[file];
      const ex = m.exports;
      if (ex && (typeof ex === "object" || typeof ex === "function")) {
        // data properties only: a getter (a re-export, or a package loaded on first use such as transferlab's
        // tf) is not run here; what it returns is frozen as the data property of the module that defines it
        for (const k of Object.keys(ex)) { try { const d = describe(ex, k); if (d && "value" in d) freezeValue(d.value); } catch {} }
        freezeValue(ex);
        freeze(ex);
      }
      define(m, "exports", { value: ex, writable: false, configurable: false });
      define(cache, file, { value: m, writable: false, configurable: false, enumerable: true });
    }
  }
  const watched: [string, any][] = [
    ["Object", Object], ["Object.prototype", Object.prototype], ["Function.prototype", Function.prototype],
    ["Array", Array], ["Array.prototype", Array.prototype], ["Math", Math], ["JSON", JSON], ["Reflect", Reflect],
    ["Number", Number], ["Number.prototype", Number.prototype], ["String", String], ["String.prototype", String.prototype],
    ["Boolean.prototype", Boolean.prototype], ["Promise", Promise], ["Promise.prototype", Promise.prototype],
    ["Map.prototype", Map.prototype], ["Set.prototype", Set.prototype], ["RegExp.prototype", RegExp.prototype],
    ["Error", Error], ["Error.prototype", Error.prototype], ["Symbol", Symbol],
    ["TypedArray.prototype", protoOf(Float32Array.prototype)], ["Float32Array.prototype", Float32Array.prototype],
    ["Float64Array.prototype", Float64Array.prototype], ["Int32Array.prototype", Int32Array.prototype],
  ];
  const globals = ["Object", "Array", "Math", "JSON", "Reflect", "Number", "String", "Boolean", "Promise", "Map", "Set", "RegExp", "Error",
    "Symbol", "Function", "isNaN", "isFinite", "parseFloat", "parseInt", "Float32Array", "Float64Array", "Int32Array", "Uint8Array"];
  // Error.stackTraceLimit and Error.prepareStackTrace are Node's knobs (source maps set them): not watched
  const skip = (owner: string, key: any) => owner === "Error" && (key === "stackTraceLimit" || key === "prepareStackTrace");
  const recorded: [string, any, any, any, any][] = [];
  const record = (owner: string, obj: any, key: any) => {
    if (skip(owner, key)) return;
    const d: any = describe(obj, key);
    if (!d) return;
    recorded[recorded.length] = [owner, obj, key, d && (d.get || d.set ? [d.get, d.set] : d.value), d];
  };
  for (let i = 0; i < watched.length; i++) { const keys = ownKeys(watched[i][1]); for (let j = 0; j < keys.length; j++) record(watched[i][0], watched[i][1], keys[j]); }
  for (let i = 0; i < globals.length; i++) record("globalThis", g, globals[i]);
  const objectProtoKeys = ownKeys(Object.prototype).length;
  const pins: [string, any][] = [];
  const same = (a: any, b: any) => (isArray(a) && isArray(b) ? a[0] === b[0] && a[1] === b[1] : is(a, b));
  const name = (owner: string, key: any) => (owner === "globalThis" ? String(key) : owner + "." + String(key));
  const guard = freeze({
    pin(values: any) {
      const keys = ownKeys(values);
      for (let i = 0; i < keys.length; i++) pins[pins.length] = [String(keys[i]), values[keys[i]]];
    },
    check(values: any, where: string, locals: any) {
      const changed: string[] = [];
      for (let i = 0; i < recorded.length; i++) {
        const [owner, obj, key, was, original] = recorded[i];
        const d: any = describe(obj, key);
        if (d && same(d.get || d.set ? [d.get, d.set] : d.value, was)) continue;
        changed[changed.length] = name(owner, key) + (d ? " was replaced" : " was deleted");
        // and put back, so the tests run on the built-ins they were written for
        try { define(obj, key, original); } catch {}
      }
      if (ownKeys(Object.prototype).length !== objectProtoKeys) changed[changed.length] = "Object.prototype got new properties";
      for (let i = 0; i < pins.length; i++) {
        const [k, v] = pins[i];
        if (!(k in values) || values[k] === v) continue;
        changed[changed.length] = '"' + k + '" from a locked cell was redefined';
        // the tests call the locked cell's version (a cell's top-level names live on its exports)
        try { locals[k] = v; } catch {}
      }
      if (changed.length) throw new Error("tlab guard: " + where + ": " + changed.join("; "));
      return ${JSON.stringify(GUARD_OK)};
    },
  });
  define(g, ${JSON.stringify(KEY)}, { value: guard, writable: false, configurable: false, enumerable: false });
})();`;

const guardCell = (id: string, source: string): CodeCell => ({
  cell_type: "code",
  id,
  metadata: { tags: [GUARD_TAG, "remove-cell"] },
  source,
  outputs: [],
  execution_count: null,
});

const call = (names: string[], where: string) =>
  `(globalThis as any).${KEY}.check({ ${names.join(", ")} }, ${JSON.stringify(where)}, exports)`;

/**
 * The notebook with the guard's cells in: the prelude first, a pin after each locked cell that defines
 * names, a check before each test cell and after the last cell, the canary at the very end.
 */
export function withGuards(nb: Notebook): Notebook {
  const cells: Cell[] = [guardCell("tlab-guard-prelude", prelude(librariesToFreeze(nb)))];
  const pinned: string[] = [];
  let n = 0;
  for (const c of nb.cells) {
    const code = c.cell_type === "code";
    if (code && isGrade(c) && !isSolution(c)) cells.push(guardCell(`tlab-guard-${n++}`, call(pinned, `before test "${gradeId(c)}"`)));
    cells.push(c);
    if (code && isLocked(c) && !isGrade(c)) {
      const names = topLevelNames(joinText(c.source)).filter((x) => !pinned.includes(x));
      if (names.length) {
        pinned.push(...names);
        cells.push(guardCell(`tlab-guard-${n++}`, `(globalThis as any).${KEY}.pin({ ${names.join(", ")} })`));
      }
    }
  }
  cells.push(guardCell(`tlab-guard-${n++}`, call(pinned, "after the last cell")));
  cells.push(guardCell("tlab-guard-canary", `require("node:assert").strictEqual(1, 2, ${JSON.stringify(CANARY)});`));
  return { ...nb, cells };
}

export const isGuard = (c: Cell) => Array.isArray(c.metadata?.tags) && (c.metadata.tags as string[]).includes(GUARD_TAG);

const outputText = (c: CodeCell) =>
  c.outputs
    .map((o) => {
      const r = o as { text?: string | string[]; data?: Record<string, string | string[]>; evalue?: string };
      return [r.text ?? "", r.data?.["text/plain"] ?? "", r.evalue ?? ""].flat().join("");
    })
    .join("\n");

/**
 * What the guard cells of an executed notebook report, as tampering; and the notebook without them, with
 * `renumber` mapping an index of the executed notebook to the 1-based cell number in the one returned.
 */
export function readGuards(executed: Notebook): { tampering: Tampering[]; notebook: Notebook; renumber: (index: number) => number } {
  const tampering: Tampering[] = [];
  const seen = new Set<string>();
  const note = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    tampering.push({ grade_id: "", kind: "guard", message });
  };
  const kept: Cell[] = [];
  const newIndex: number[] = [];
  executed.cells.forEach((c, i) => {
    newIndex[i] = kept.length;
    if (!isGuard(c)) {
      kept.push(c);
      return;
    }
    if (c.cell_type !== "code" || c.id === "tlab-guard-prelude" || /\.pin\(/.test(joinText(c.source))) return;
    const text = outputText(c);
    const error = c.outputs.find((o) => o.output_type === "error") as { ename?: string; evalue?: string } | undefined;
    if (c.outputs.length === 0 && c.execution_count === null) return; // never ran: the kernel died or timed out first
    if (c.id === "tlab-guard-canary") {
      if (!error || !text.includes(CANARY)) note("a failing assertion was reported as passing: the kernel's error reporting was changed");
    } else if (error?.evalue?.startsWith("tlab guard: ")) {
      // "tlab guard: before test "x": Math.abs was replaced; …": each change once, where it was first seen
      const body = error.evalue.slice("tlab guard: ".length);
      const at = body.indexOf(": ");
      for (const what of body.slice(at + 2).split("; ")) if (!seen.has(what)) seen.add(what) && tampering.push({ grade_id: "", kind: "guard", message: `${what} (found ${body.slice(0, at)})` });
    } else if (!error && !text.includes(GUARD_OK)) {
      // (a check that failed on its own, e.g. a helper whose locked cell did not compile, accuses nobody)
      note("a guard check ran but its answer was suppressed: the kernel's output was changed");
    }
  });
  return { tampering, notebook: { ...executed, cells: kept }, renumber: (index) => (newIndex[index] ?? index) + 1 };
}
