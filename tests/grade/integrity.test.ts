/**
 * Integrity checks (integrity.ts) on the real exercise notebooks: each declares the library names its
 * solutions may not use, its instructor solution uses none of them, and every way of reaching one is
 * flagged; and the guard (guard.ts) accuses no honest solution of a real exercise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Notebook } from "../../kernel-ext/notebook";
import { joinText } from "../../kernel-ext/notebook";
import { releaseEdition } from "../../kernel-ext/grade/assign";
import { autograde } from "../../kernel-ext/grade/autograde";
import { gradeId, isSolution } from "../../kernel-ext/grade/checksum";
import { checkIntegrity, forbiddenNames, NAMESPACES, testsOf } from "../../kernel-ext/grade/integrity";
import * as tl from "../../src";
import { INSECURE, writeSubmission } from "./helpers";

const DIR = path.resolve(__dirname, "..", "..", "notebooks", "exercises");
const exercises = fs.readdirSync(DIR).filter((f) => f.endsWith(".ipynb")).sort();
const load = (f: string): Notebook => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));

/** The notebook with one solution cell's code followed by `extra`. */
function withAnswer(nb: Notebook, id: string, extra: string): Notebook {
  const copy: Notebook = JSON.parse(JSON.stringify(nb));
  const c = copy.cells.find((x) => gradeId(x) === id)!;
  c.source = `${joinText(c.source)}\n${extra}`;
  return copy;
}

describe("integrity on the exercises", () => {
  it.each(exercises)("%s declares forbidden library names, and its own solutions use none", (f) => {
    const nb = load(f);
    const declared = nb.cells.filter((c) => isSolution(c) && forbiddenNames(c).length > 0);
    expect(declared.length).toBeGreaterThan(0);
    expect(checkIntegrity(nb)).toEqual([]);
    // each declaring cell has tests that its finding zeroes
    for (const c of declared) expect(testsOf(nb, gradeId(c)).length).toBeGreaterThan(0);
  });

  it.each(exercises)("%s: every forbidden name is found however it is reached", (f) => {
    const nb = load(f);
    for (const c of nb.cells.filter((x) => isSolution(x) && forbiddenNames(x).length > 0)) {
      const id = gradeId(c);
      for (const name of forbiddenNames(c)) {
        const ways = [
          `const viaAlias = tl; viaAlias.${name};`,
          `(tl as any).${name};`,
          `tl["${name}"];`,
          `import { ${name} as mine } from "transferlab";`,
          `const { ${name}: mine2 } = require("transferlab");`,
          `const lib2 = require("transferlab"); lib2.${name};`,
          // through one of the library's namespaces (tl.instance.kmmObjective, …)
          `tl.instance.${name};`,
          `const part = tl.feature; part.${name};`,
          `const { ${name}: mine3 } = tl.deep;`,
        ];
        for (const way of ways) {
          const found = checkIntegrity(withAnswer(nb, id, way));
          expect(found.map((x) => [x.grade_id, x.name, x.suspicious])).toContainEqual([id, name, false]);
        }
      }
      for (const way of ['tl["a" + "b"];', "Object.values(tl);", 'require("trans" + "ferlab");']) {
        const found = checkIntegrity(withAnswer(nb, id, way));
        expect(found.some((x) => x.grade_id === id && x.suspicious)).toBe(true);
      }
    }
  });

  it("names of other libraries, or allowed transferlab names, are not flagged", () => {
    const nb = load("03-feature-based.ipynb");
    const id = nb.cells.find((c) => forbiddenNames(c).includes("TCA"))!;
    expect(checkIntegrity(withAnswer(nb, gradeId(id), "const other = { TCA: 1 }; other.TCA; tl.accuracy;"))).toEqual([]);
  });
});

describe("no false flags on a real exercise", () => {
  it("the instructor's solution of 03, handed in, gets every point with no tampering or integrity flag", async () => {
    const src = path.join(DIR, "03-feature-based.ipynb");
    const nb = load("03-feature-based.ipynb");
    const rel = releaseEdition(nb, src);
    for (const c of rel.cells) {
      const s = nb.cells.find((x) => gradeId(x) && gradeId(x) === gradeId(c));
      if (s && isSolution(s)) c.source = s.source;
    }
    const tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-integrity-"));
    try {
      writeSubmission(path.join(tmp, "subs"), "honest", rel, "03-feature-based.ipynb");
      const prev = process.env.TL_QUICK;
      process.env.TL_QUICK = "1";
      const [r] = await autograde({ sources: [src], submissions: path.join(tmp, "subs"), gradebook: path.join(tmp, "gb.sqlite"), timeoutSec: 120, insecure: INSECURE }).finally(() => {
        if (prev === undefined) delete process.env.TL_QUICK;
        else process.env.TL_QUICK = prev;
      });
      expect(r).toMatchObject({ status: "ok", integrity: "" });
      expect(r.score).toBe(r.max_score);
      expect(JSON.parse(r.tampering)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});

test("the namespaces the check follows are transferlab's own, no more and no fewer", () => {
  // a namespace export (`export * as linalg`) is a module object; tf (TF.js, not ours) and option defaults are not
  const own = Object.keys(tl).filter((k) => {
    if (k === "tf") return false;
    const v = (tl as unknown as Record<string, unknown>)[k];
    return typeof v === "object" && v !== null && "__esModule" in v;
  });
  expect(own.sort()).toEqual([...NAMESPACES].sort());
});
