/**
 * notebooks/03-feature-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on
 * the numbers the lecture notebook saves; the exercise source runs green with its solutions, and its student
 * edition stops at the first task.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../../kernel-ext/run";
import { readNotebook, writeNotebookAtomic, Notebook } from "../../kernel-ext/notebook";
import { studentEdition } from "../../kernel-ext/export";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-feature-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function figures(nb: Notebook): string[] {
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter((o) => o.output_type === "display_data")
    .map((o) => String((o as { data: Record<string, unknown> }).data["text/plain"] ?? ""))
    .filter((t) => t.startsWith("<Plotly figure"));
}

test("03-feature-based: the reference accuracies reproduced, MMD shrinks, JDA per round, the sweeps and TJM's weights", async () => {
  const results = path.join(tmp, "results");
  const result = await runNotebook(path.join(ROOT, "notebooks", "03-feature-based.ipynb"), {
    out: path.join(tmp, "lecture"),
    timeoutSec: 300,
    env: { TL_QUICK: "1", TL_RESULTS_DIR: results },
  });
  if (result.failure) throw new Error(result.failure.message + "\n" + result.failure.error);
  expect(result.status).toBe("ok");
  // eslint-disable-next-line no-console
  console.log(`03-feature-based: ${result.cells.length} code cells in ${result.seconds.toFixed(1)} s on ${result.backend}`);
  const saved = JSON.parse(fs.readFileSync(path.join(results, "03-feature-based.json"), "utf8"));
  expect(saved.quick).toBe(true);
  // the linear MMD three ways agree
  expect(Math.abs(saved.linearMmd.byMeans - saved.linearMmd.trKM)).toBeLessThan(1e-6 * saved.linearMmd.byMeans);
  // synthetic shift: TCA closes most of the gap and beats no adaptation
  const [none, tca] = saved.synthetic;
  expect(tca["MMD² (unit rows, RBF)"]).toBeLessThan(0.2 * none["MMD² (unit rows, RBF)"]);
  expect(tca["accuracy (%)"]).toBeGreaterThan(none["accuracy (%)"] + 10);
  // the live reference table: every cell within ±1 point (or 2 target samples) of the reference
  expect(saved.largestGapToReference).toBeLessThanOrEqual(1.3);
  const rows = saved.reference.filter((r: Record<string, unknown>) => r.pair !== "average");
  expect(rows.length).toBeGreaterThanOrEqual(2);
  for (const r of rows) for (const m of ["1NN", "TCA", "JDA", "CORAL"]) expect(Math.abs(r[m] - r[`${m} ref`])).toBeLessThanOrEqual(1.3);
  // JDA: ten rounds per pair
  for (const curve of saved.jdaPerRound) expect(curve.y).toHaveLength(10);
  expect(saved.sweep.byDim).toHaveLength(saved.sweep.dims.length);
  expect(saved.sweep.byLambda).toHaveLength(saved.sweep.lambdas.length);
  // TJM concentrates the weight on a minority of the source samples
  expect(saved.tjm.topTenShare).toBeGreaterThan(0.3);
  expect(saved.tjm.final).toBeGreaterThan(0.3);
  // JDA lowers the class-conditional gap below TCA's on Amazon → Webcam
  const gaps = Object.fromEntries(saved.amazonWebcamGaps.map((g: Record<string, number | string>) => [g.space, g]));
  expect(gaps.JDA["class-conditional MMD²"]).toBeLessThan(gaps["TCA (λ = 1)"]["class-conditional MMD²"]);
  const nb = readNotebook(result.output);
  expect(figures(nb).length).toBeGreaterThanOrEqual(12);
}, 300_000);

test("exercise 03-feature-based: the instructor source runs green; the student edition stops at task 1", async () => {
  const source = path.join(ROOT, "notebooks", "exercises", "03-feature-based.ipynb");
  const instructor = await runNotebook(source, { out: path.join(tmp, "instructor"), timeoutSec: 120, env: { TL_QUICK: "1" } });
  if (instructor.failure) throw new Error(instructor.failure.message + "\n" + instructor.failure.error);
  expect(instructor.status).toBe("ok");
  const nb = readNotebook(source);
  const graded = nb.cells.filter((c) => (c.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade);
  expect(graded.map((c) => (c.metadata as { nbgrader: { points: number } }).nbgrader.points)).toEqual([2, 4]);
  // the student edition: stubs instead of solutions, no hidden tests; running it fails in the first graded cell
  const student = studentEdition(nb, "03-feature-based.ipynb");
  const text = JSON.stringify(student);
  expect(text).not.toContain("BEGIN HIDDEN TESTS");
  expect(text).not.toContain("eNorm2");
  // inside the repository (a git-ignored tests/.tmp-* folder), so that the kernel resolves "transferlab"
  const studentDir = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-feature-"));
  const studentFile = path.join(studentDir, "03-feature-based.ipynb");
  writeNotebookAtomic(studentFile, student);
  let run;
  try {
    run = await runNotebook(studentFile, { out: path.join(tmp, "student-run"), timeoutSec: 120, env: { TL_QUICK: "1" } });
  } finally {
    fs.rmSync(studentDir, { recursive: true, force: true });
  }
  expect(run.status).toBe("failed");
  expect(run.failure?.error).toMatch(/not implemented/);
  const failing = student.cells[run.failure!.cellIndex];
  expect((failing.metadata as { nbgrader: { grade_id: string } }).nbgrader.grade_id).toBe("test_linear_mmd");
}, 300_000);
