/**
 * notebooks/04-model-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on the numbers
 * they save; the exercise's student edition must stop at the stubs.
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
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-nb04-"));
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

const figures = (nb: Notebook) => nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
  .filter((o) => o.output_type === "display_data")
  .map((o) => String((o as { data: Record<string, unknown> }).data["text/plain"] ?? ""))
  .filter((t) => t.startsWith("<Plotly figure"));

test("04-model-based: TransEMDT beats the source tree on average; the source prior beats target-only with few labels", async () => {
  const { result, nb } = await run(path.join(ROOT, "notebooks", "04-model-based.ipynb"));
  expect(result.status).toBe("ok");
  const saved = JSON.parse(fs.readFileSync(path.join(resultsDir, "04-model-based.json"), "utf8"));
  expect(saved.quick).toBe(true);
  const t = saved.transEMDT;
  expect(t.users).toEqual([3, 5, 6, 7, 12, 13, 18, 19, 20, 21, 24, 27, 29, 31, 32, 33, 34, 36]);
  expect(t.perUser).toHaveLength(18);
  // leave one user out (source: the 35 others): source tree 76.6 %, TransEMDT 77.4 %, target-trained tree 87.9 %
  expect(t.mean.transEMDT).toBeGreaterThan(t.mean.sourceTree);
  expect(t.mean.targetTree).toBeGreaterThan(t.mean.transEMDT + 0.05);
  expect(t.mean.sourceTree).toBeGreaterThan(0.7);
  // one source person: a larger shift and a larger gain (48.9 → 51.8 %)
  expect(t.singleSource.transEMDT - t.singleSource.sourceTree).toBeGreaterThan(0.01);
  expect(t.ablation).toHaveLength(5);
  // parameter transfer, C→A: one label per class
  const ca = saved.parameterTransfer.office["C→A"];
  expect(ca.parameterTransfer[0]).toBeGreaterThan(ca.targetOnly[0] + 0.15);
  expect(ca.parameterTransfer[0]).toBeGreaterThanOrEqual(ca.sourceOnly[0] - 0.01);
  expect(ca.targetOnly[4]).toBeGreaterThan(ca.targetOnly[0]);
  const w = saved.parameterTransfer.wisdm;
  expect(w.users).toHaveLength(18);
  for (let b = 0; b < 3; b++) expect(w.parameterTransfer[b]).toBeGreaterThan(w.targetOnly[b]);
  expect(w.parameterTransfer[0]).toBeGreaterThan(w.sourceOnly[0]);
  expect(figures(nb).length).toBeGreaterThanOrEqual(4);
  // the tree before and after adaptation is printed as text, with the moved thresholds marked
  const text = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).filter((o) => o.output_type === "stream")
    .map((o) => String((o as { text: string | string[] }).text instanceof Array ? (o as { text: string[] }).text.join("") : (o as { text: string }).text)).join("");
  expect(text).toContain("SOURCE TREE");
  expect(text).toMatch(/ADAPTED TO USER 33[\s\S]*≤ [\d.]+ → [\d.]+/);
}, 300000);

test("exercises/04-model-based: the instructor source runs green; the student edition stops at the stubs", async () => {
  const file = path.join(ROOT, "notebooks", "exercises", "04-model-based.ipynb");
  const { result } = await run(file);
  expect(result.status).toBe("ok");
  const source = readNotebook(file);
  const graded = source.cells.filter((c) => (c.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade);
  expect(graded.map((c) => (c.metadata as { nbgrader: { points: number } }).nbgrader.points)).toEqual([5, 3]);
  // the student edition, written beside the tests (so the kernel resolves "transferlab"), fails at the stubs
  const tmp = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-ex04-"));
  try {
    const student = path.join(tmp, "04-model-based.ipynb");
    fs.writeFileSync(student, JSON.stringify(studentEdition(source, file), null, 1));
    expect(fs.readFileSync(student, "utf8")).not.toContain("BEGIN HIDDEN TESTS");
    const s = await run(student, true);
    expect(s.result.errors.length).toBeGreaterThanOrEqual(2);
    expect(s.result.errors.map((e) => e.error).join("\n")).toContain("not implemented");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 300000);
