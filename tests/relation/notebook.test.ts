/**
 * notebooks/05-relation-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on the
 * numbers they save; the exercise's student edition must stop at the stubs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook, RunResult } from "../../kernel-ext/run";
import { readNotebook, Notebook } from "../../kernel-ext/notebook";
import { studentEdition } from "../../kernel-ext/export/editions";

const ROOT = path.resolve(__dirname, "../..");
let outDir: string;
let resultsDir: string;

beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-nb05-"));
  resultsDir = path.join(outDir, "results");
});
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

async function run(file: string, allowErrors = false): Promise<{ result: RunResult; nb: Notebook }> {
  const result = await runNotebook(file, { out: outDir, timeoutSec: 300, allowErrors, env: { TL_QUICK: "1", TL_RESULTS_DIR: resultsDir } });
  if (result.failure && !allowErrors) throw new Error(result.failure.message + "\n" + result.failure.error);
  // eslint-disable-next-line no-console
  console.log(`${path.basename(file)}: ${result.cells.length} code cells in ${result.seconds.toFixed(1)} s on ${result.backend}`);
  return { result, nb: readNotebook(result.output) };
}

test("05-relation-based: the learned rules, the natural mappings both ways, and transfer at or above target-only", async () => {
  const { result, nb } = await run(path.join(ROOT, "notebooks", "05-relation-based.ipynb"));
  expect(result.status).toBe("ok");
  const saved = JSON.parse(fs.readFileSync(path.join(resultsDir, "05-relation-based.json"), "utf8"));
  expect(saved.sourceRules.imdb).toContain("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).");
  expect(saved.sourceRules.uwcse.length).toBeGreaterThan(0);
  expect(saved.mappingSearch.candidates).toBe(36);
  expect(saved.chosenMapping.imdbToUwcse).toEqual({ director: "professor", genre: "hasposition", movie: "publication" });
  expect(saved.chosenMapping.uwcseToImdb.publication).toBe("movie");
  const [toUw, toImdb] = saved.curves;
  expect(toUw.direction).toBe("imdb → uwcse");
  expect(toUw.sizes).toEqual([0.25, 1, 4]);
  // mean over 5 folds, one block of UW-CSE: transfer 0.223 vs target only 0.132
  for (let i = 0; i < 3; i++) expect(toUw.transfer.aucPR[i]).toBeGreaterThan(toUw.targetOnly.aucPR[i]);
  expect(toUw.transfer.aucPR[1]).toBeGreaterThan(0.15);
  for (let i = 0; i < 3; i++) expect(toImdb.transfer.aucPR[i]).toBeGreaterThanOrEqual(toImdb.targetOnly.aucPR[i] - 0.01);
  expect(toImdb.transfer.aucPR[1]).toBeGreaterThan(0.95);
  const figures = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter((o) => o.output_type === "display_data")
    .map((o) => String((o as { data: Record<string, unknown> }).data["text/plain"] ?? ""))
    .filter((t) => t.startsWith("<Plotly figure"));
  expect(figures.length).toBeGreaterThanOrEqual(2);
}, 300000);

test("exercises/05-relation-based: the instructor source runs green; the student edition stops at the stubs", async () => {
  const file = path.join(ROOT, "notebooks", "exercises", "05-relation-based.ipynb");
  const { result } = await run(file);
  expect(result.status).toBe("ok");
  const source = readNotebook(file);
  const graded = source.cells.filter((c) => (c.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade);
  expect(graded.map((c) => (c.metadata as { nbgrader: { points: number } }).nbgrader.points)).toEqual([4, 4]);
  const tmp = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-ex05-"));
  try {
    const student = path.join(tmp, "05-relation-based.ipynb");
    fs.writeFileSync(student, JSON.stringify(studentEdition(source, file), null, 1));
    expect(fs.readFileSync(student, "utf8")).not.toContain("tl.applyMapping(withConstant");
    const s = await run(student, true);
    expect(s.result.errors.length).toBeGreaterThanOrEqual(2);
    expect(s.result.errors.map((e) => e.error).join("\n")).toContain("not implemented");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 300000);
