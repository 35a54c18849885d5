/**
 * Tests a student cannot fake (guard.ts, harden.ts, redact.ts) and the library's own answers
 * (integrity.ts). Each adversarial submission starts from a wrong answer (`return 1`, which passes the
 * visible test and fails the hidden one) and tries to turn the hidden test into a pass. For each, either the
 * hidden test still fails or the submission is flagged `tampered` with the reason; and no hidden-test line
 * reaches anything returned to a student: graded notebook, feedback page, CSV, Gradescope JSON.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Cell, Notebook } from "../../kernel-ext/notebook";
import { autograde, type GradedSubmission } from "../../kernel-ext/grade/autograde";
import { releaseEdition } from "../../kernel-ext/grade/assign";
import { gradeId } from "../../kernel-ext/grade/checksum";
import { feedback } from "../../kernel-ext/grade/feedback";
import { Gradebook, gradedNotebook } from "../../kernel-ext/grade/gradebook";
import { hiddenLines } from "../../kernel-ext/grade/redact";
import { exportCsv, exportGradescope } from "../../kernel-ext/grade/report";
import { INSECURE as insecure, skipped, writeSubmission } from "./helpers";

const nbg = (id: string, o: { grade?: boolean; solution?: boolean; locked?: boolean; points?: number }) => ({
  nbgrader: { schema_version: 3, task: false, grade: Boolean(o.grade), solution: Boolean(o.solution), locked: Boolean(o.locked), grade_id: id, ...(o.points ? { points: o.points } : {}) },
});
const code = (id: string, source: string, meta: Record<string, unknown>): Cell => ({ cell_type: "code", id, metadata: meta, source, outputs: [], execution_count: null });

const RIGHT = [
  "const n = a.length;",
  "const ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;",
  "let sab = 0, saa = 0, sbb = 0;",
  "for (let i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) ** 2; sbb += (b[i] - mb) ** 2; }",
  "return sab / Math.sqrt(saa * sbb);",
].join("\n  ");
const answer = (body: string, after = "") => `function pearson(a: number[], b: number[]): number {\n  ${body}\n}${after ? `\n${after}` : ""}`;
const HIDDEN = 'assert.ok(close(pearson(xs, ys), tl.pearson(xs, ys)), "matches the library on a noisy sample");';

/** An exercise with a helper the tests call (`close`), a library reference (`tl.pearson`) and a hidden test. */
function source(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "transferlab", display_name: "TypeScript (transferlab)", language: "typescript" } },
    cells: [
      { cell_type: "markdown", id: "intro", metadata: {}, source: "# Pearson's r\nWrite it yourself: `tl.pearson` is not allowed." },
      code("setup", 'import * as tl from "transferlab";\nimport * as assert from "node:assert";\nfunction close(a: number, b: number, tol = 1e-9): boolean {\n  return Math.abs(a - b) <= tol;\n}', nbg("setup", { locked: true })),
      code("pearson", answer(`// BEGIN SOLUTION\n  ${RIGHT}\n  // END SOLUTION`), { ...nbg("pearson", { solution: true }), tlab: { forbid: ["pearson", "spearman"] } }),
      code(
        "test_pearson",
        `assert.ok(close(pearson([1, 2, 3], [2, 4, 6]), 1), "a line has r = 1");\n// BEGIN HIDDEN TESTS\nconst xs = [1, 2, 3, 4, 5], ys = [2, 1, 4, 3, 7];\n${HIDDEN}\n// END HIDDEN TESTS`,
        { ...nbg("test_pearson", { grade: true, locked: true, points: 3 }), tlab: { hint: "check r on data that is not a straight line" } },
      ),
    ],
  };
}

/** The student edition with the answer replaced, and optionally a cell of the student's own after the test. */
function submission(src: Notebook, file: string, body: string, opts: { after?: string; extraCell?: string } = {}): Notebook {
  const nb = releaseEdition(src, file);
  for (const c of nb.cells) if (gradeId(c) === "pearson") c.source = answer(body, opts.after);
  if (opts.extraCell) nb.cells.push({ cell_type: "code", id: "mine", metadata: {}, source: opts.extraCell, outputs: [], execution_count: null });
  return nb;
}

let tmp: string, sourceFile: string, subs: string, gradebook: string, src: Notebook;
let results: Map<string, GradedSubmission>;

const ATTACKS: Record<string, { body: string; after?: string; extraCell?: string }> = {
  right: { body: RIGHT },
  "wrong-honest": { body: "return 1;" },
  "library-call": { body: "return tl.pearson(a, b);" },
  "library-import": { body: "return p(a, b);", after: 'import { pearson as p } from "transferlab";' },
  "library-destructure": { body: "const { pearson: p } = tl;\n  return p(a, b);" },
  "library-computed": { body: 'return (tl as any)["pear" + "son"](a, b);' },
  // 1. the student redefines a helper the tests call, two ways
  "redefine-helper": { body: "return 1;", after: "function close(a: number, b: number): boolean {\n  return true;\n}" },
  "redefine-helper-exports": { body: "return 1;", after: "(exports as any).close = () => true;" },
  // 2. replaces, on the shared transferlab module objects, the reference the hidden test compares against
  "replace-library": {
    body: "return 1;",
    after: [
      "try { (tl as any).pearson = () => 1; } catch (e) { console.log('tl:', (e as Error).message); }",
      "for (const f of Object.keys(require.cache).filter((f) => f.includes('rankCorrelation'))) {",
      "  try { require.cache[f]!.exports.pearson = () => 1; } catch (e) { console.log('module:', (e as Error).message); }",
      "  try { delete require.cache[f]; } catch (e) { console.log('cache:', (e as Error).message); }",
      "}",
      "console.log('frozen:', Object.isFrozen(tl), 'replaced:', tl.pearson([1, 2, 3], [3, 1, 2]) === 1);",
    ].join("\n"),
  },
  // 3. patches the built-ins the test relies on
  "patch-math": { body: "return 1;", after: "Math.abs = () => 0;" },
  "patch-prototypes": { body: "return 1;", after: "(Object.prototype as any).polluted = true;\n(Array.prototype as any).includes = () => true;" },
  // 4. reaches the kernel's own modules to swallow errors
  "kernel-modules": {
    body: "return 1;",
    after: [
      "const kernel = Object.keys(require.cache).filter((f) => /kernel-ext[\\/]lib[\\/]kernel/.test(f));",
      "console.log('kernel modules found:', kernel.length, 'require.main:', String(require.main), 'mainModule:', String((process as any).mainModule));",
      "for (const f of kernel) {",
      "  const ex = require.cache[f]!.exports;",
      "  for (const k of Object.keys(ex)) {",
      "    const C = ex[k];",
      "    if (typeof C === 'function' && C.prototype && C.prototype.execute) {",
      "      const orig = C.prototype.execute;",
      "      try { C.prototype.execute = async function (...a: any[]) { const r = await orig.apply(this, a); return { ok: true, hasValue: false }; }; } catch (e) { console.log('patch:', (e as Error).message); }",
      "    }",
      "  }",
      "}",
    ].join("\n"),
  },
  // 5. prints the hidden test's source: cells are sloppy-mode functions, so the answer's `caller` is the test
  // cell's code, and a cell of the student's own after the test prints it
  "leak-source": {
    body: "try { ((globalThis as any).seen ??= []).push(String((pearson as any).caller)); } catch {}\n  return 1;",
    extraCell: "console.log(((globalThis as any).seen ?? []).join('\\n'));",
  },
};

beforeAll(async () => {
  // an ordinary course folder, as a TA keeps it (umask 022: folders 0755, files 0644)
  tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-tamper-"));
  fs.chmodSync(tmp, 0o755);
  src = source();
  sourceFile = path.join(tmp, "source", "pearson.ipynb");
  fs.mkdirSync(path.dirname(sourceFile), { recursive: true, mode: 0o755 });
  fs.writeFileSync(sourceFile, JSON.stringify(src, null, 1), { mode: 0o644 });
  subs = path.join(tmp, "submitted");
  gradebook = path.join(tmp, "gradebook.sqlite");
  for (const [student, a] of Object.entries(ATTACKS)) writeSubmission(subs, student, submission(src, sourceFile, a.body, a), "pearson.ipynb");
  if (insecure) skipped("isolation in tests/grade/tamper.test.ts (graded with insecure)");
  const all = await autograde({ sources: [sourceFile], submissions: subs, gradebook, timeoutSec: 30, workers: 2, insecure });
  results = new Map(all.map((r) => [r.student, r]));
}, 600_000);

afterAll(() => {
  if (!process.env.TLAB_GRADE_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
});

const get = (s: string) => {
  const r = results.get(s);
  if (!r) throw new Error(`no result for ${s}`);
  return r;
};
const test = (s: string) => get(s).grades.find((g) => g.grade_id === "test_pearson")!;
const graded = (s: string) => fs.readFileSync(gradedNotebook(gradebook, s, "pearson"), "utf8");

describe("tamper-proof tests", () => {
  it("control: a right answer gets full points and no flag; a wrong one fails the hidden test", () => {
    expect(get("right")).toMatchObject({ status: "ok", score: 3, integrity: "" });
    expect(get("wrong-honest")).toMatchObject({ status: "ok", score: 0 });
    expect(test("wrong-honest")).toMatchObject({ status: "failed", message: "failed: check r on data that is not a straight line", hidden: true });
  });

  it("1. a redefined helper is put back before the test, and flagged", () => {
    for (const s of ["redefine-helper", "redefine-helper-exports"]) {
      expect(get(s)).toMatchObject({ status: "tampered", score: 0 });
      expect(get(s).message).toMatch(/"close" from a locked cell was redefined/);
    }
  });

  it("2. the library's module objects are frozen: its reference cannot be replaced", () => {
    expect(get("replace-library")).toMatchObject({ score: 0 });
    expect(test("replace-library").status).toBe("failed");
    expect(graded("replace-library")).toContain("frozen: true replaced: false");
  });

  it("3. patched built-ins are put back before the test, and flagged", () => {
    expect(get("patch-math")).toMatchObject({ status: "tampered", score: 0 });
    expect(get("patch-math").message).toMatch(/Math\.abs was replaced/);
    expect(get("patch-prototypes").status).toBe("tampered");
    expect(get("patch-prototypes").message).toMatch(/Array\.prototype\.includes was replaced/);
    expect(get("patch-prototypes").message).toMatch(/Object\.prototype got new properties/);
  });

  it("4. the kernel's own modules are out of reach: nothing found to patch, the test still fails", () => {
    expect(get("kernel-modules")).toMatchObject({ score: 0 });
    expect(test("kernel-modules").status).toBe("failed");
    expect(graded("kernel-modules")).toContain("kernel modules found: 0 require.main: undefined mainModule: undefined");
  });

  it("5. hidden test code a student's cell printed is withheld and flagged", () => {
    expect(get("leak-source").status).toBe("tampered");
    expect(get("leak-source").message).toMatch(/printed hidden test code; its output is withheld/);
    expect(graded("leak-source")).toContain("[withheld: this output contained hidden test code]");
  });
});

describe("integrity: the library's own answers", () => {
  it.each([
    ["library-call", /uses transferlab's pearson/],
    ["library-import", /imports transferlab's pearson/],
    ["library-destructure", /destructures transferlab's pearson/],
    ["library-computed", /suspicious: computed access/],
  ])("%s is flagged and its tests score 0", (s, why) => {
    const r = get(s);
    expect(r.score).toBe(0);
    expect(r.integrity).not.toBe("");
    expect(r.message).toMatch(why);
    expect(test(s).message).toMatch(/^integrity: /);
  });

  it("--integrity warn only flags", async () => {
    const one = await autograde({ sources: [sourceFile], submissions: subs, gradebook: path.join(tmp, "warn.sqlite"), student: "library-call", timeoutSec: 30, integrity: "warn", insecure });
    expect(one[0].score).toBe(3);
    expect(one[0].integrity).toMatch(/pearson/);
  }, 120_000);
});

describe("no hidden test line in anything returned to a student", () => {
  it("graded notebooks, feedback pages, the CSV and Gradescope's JSON, for every submission", async () => {
    const lines = hiddenLines(src);
    expect(lines).toContain(HIDDEN);
    const out = path.join(tmp, "returned");
    const pages = await feedback(gradebook, path.join(out, "feedback"));
    const gb = new Gradebook(gradebook, { mustExist: true });
    const files = [...pages, exportCsv(gb, path.join(out, "grades.csv")), ...exportGradescope(gb, path.join(out, "gradescope"))];
    gb.close();
    for (const s of Object.keys(ATTACKS)) files.push(gradedNotebook(gradebook, s, "pearson"));
    expect(pages.length).toBe(Object.keys(ATTACKS).length);
    // the student's page teaches: the visible asserts, the author's hint for the hidden test, a student's footer
    const page = fs.readFileSync(pages.find((p) => p.includes(`${path.sep}wrong-honest${path.sep}`))!, "utf8");
    expect(page).toContain("a line has r = 1");
    expect(page).toContain("failed: check r on data that is not a straight line");
    expect(page).toMatch(/Feedback for wrong-honest on pearson\.ipynb: 0 of 3 points/);
    expect(page).not.toMatch(/unknown backend|instructor edition/);
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      for (const l of lines) {
        if (text.includes(l) || text.includes(JSON.stringify(l).slice(1, -1))) throw new Error(`${f} holds the hidden test line ${l}`);
      }
    }
  }, 120_000);
});

describe("isolation in an ordinary course folder (0755/0644)", () => {
  it("records a full sandbox where the machine allows it, and the limits in force", () => {
    const gb = new Gradebook(gradebook, { mustExist: true });
    const run = JSON.parse(gb.runs()[0].sandbox);
    gb.close();
    if (insecure) {
      skipped("full-sandbox check");
      expect(run.insecure).toBe(true);
      expect(get("right").sandbox).toMatch(/^off: /);
      return;
    }
    expect(run).toMatchObject({ user: true, pidNamespace: true, netNamespace: true, mountNamespace: true, insecure: false });
    expect(run.limits.processes).toBeGreaterThan(0);
    expect(get("right").sandbox).toBe("on");
  });
});
