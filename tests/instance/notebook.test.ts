/**
 * notebooks/02-instance-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on
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
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-instance-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function figures(nb: Notebook): string[] {
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter((o) => o.output_type === "display_data")
    .map((o) => String((o as { data: Record<string, unknown> }).data["text/plain"] ?? ""))
    .filter((t) => t.startsWith("<Plotly figure"));
}

test("02-instance-based: KMM repairs the biased fit, TrAdaBoost fades misleading samples, the bridge carries the labels", async () => {
  const results = path.join(tmp, "results");
  const result = await runNotebook(path.join(ROOT, "notebooks", "02-instance-based.ipynb"), {
    out: path.join(tmp, "lecture"),
    timeoutSec: 300,
    env: { TL_QUICK: "1", TL_RESULTS_DIR: results },
  });
  if (result.failure) throw new Error(result.failure.message + "\n" + result.failure.error);
  expect(result.status).toBe("ok");
  // eslint-disable-next-line no-console
  console.log(`02-instance-based: ${result.cells.length} code cells in ${result.seconds.toFixed(1)} s on ${result.backend}`);
  const saved = JSON.parse(fs.readFileSync(path.join(results, "02-instance-based.json"), "utf8"));
  expect(saved.quick).toBe(true);
  // KMM on the sample-selection-bias regression: far better than no weights; with B = 2 as good as the true ratio
  const r = saved.kmmRegression;
  expect(r.kmm.mean).toBeLessThan(0.5 * r.unweighted.mean);
  expect(r.bounded.mean).toBeLessThan(1.15 * r.ratio.mean);
  // B caps the weights
  const b1 = saved.kmmKnobs.find((k: Record<string, unknown>) => k.setting === "B = 1");
  expect(b1["largest β"]).toBeLessThanOrEqual(1);
  // KMM on Caltech → Amazon: a certified optimum, in well under the 2 s for the QP, and a smaller MMD
  expect(saved.kmmOffice["QP (s)"]).toBeLessThan(2);
  expect(Number(saved.kmmOffice["certified relative gap"])).toBeLessThanOrEqual(1e-8);
  expect(saved.kmmOffice["MMD² after"]).toBeLessThan(saved.kmmOffice["MMD² before"]);
  // TrAdaBoost on the flipped source: beats pooling, the flipped samples' weight falls every round
  expect(saved.flipped.trAdaBoost).toBeGreaterThan(saved.flipped.pooled + 0.04);
  const ratio: number[] = saved.flipped.flippedWeightRatio;
  expect(ratio).toHaveLength(20);
  expect(ratio[19]).toBeLessThan(0.3);
  for (let t = 1; t < ratio.length; t++) expect(ratio[t]).toBeLessThan(ratio[t - 1]);
  // Office-Caltech: the quick setting's pairs, TrAdaBoost not below pooling on average (reference margin +0.09)
  expect(saved.office.rows.map((row: Record<string, unknown>) => row.pair)).toEqual(["C→A", "D→W"]);
  expect(saved.office.average["TrAdaBoost − pooled"]).toBeGreaterThan(-0.5);
  // TTL: direct transfer at chance, the bridge chosen and far above it
  expect(saved.ttl.selected).toBe("bridge");
  expect(saved.ttl.accuracy["direct (logistic regression on the source)"]).toBeLessThan(0.4);
  expect(saved.ttl.accuracy["TTL, bridge chosen by MMD"]).toBeGreaterThan(0.6);
  expect(saved.ttl.accuracy['TTL through "near source"']).toBeLessThan(0.5);
  // DDTL: no intermediate sample in round 1, the bridge taken in, the unrelated documents left out
  expect(saved.ddtl.keptBridge[0]).toBe(0);
  expect(saved.ddtl.keptBridge[saved.ddtl.keptBridge.length - 1]).toBeGreaterThan(80);
  expect(saved.ddtl.keptUnrelated[saved.ddtl.keptUnrelated.length - 1]).toBeLessThan(10);
  expect(saved.ddtl.sla).toBeGreaterThan(saved.ddtl.direct + 0.15);
  const nb = readNotebook(result.output);
  expect(figures(nb).length).toBe(13);
});

test("exercise 02-instance-based: the instructor source runs green; the student edition stops at task 1", async () => {
  const source = path.join(ROOT, "notebooks", "exercises", "02-instance-based.ipynb");
  const instructor = await runNotebook(source, { out: path.join(tmp, "instructor"), timeoutSec: 120, env: { TL_QUICK: "1" } });
  if (instructor.failure) throw new Error(instructor.failure.message + "\n" + instructor.failure.error);
  expect(instructor.status).toBe("ok");
  const nb = readNotebook(source);
  const graded = nb.cells.filter((c) => (c.metadata as { nbgrader?: { grade?: boolean } }).nbgrader?.grade);
  expect(graded.map((c) => (c.metadata as { nbgrader: { points: number } }).nbgrader.points)).toEqual([2, 3]);
  // the student edition: stubs instead of solutions, no hidden tests; running it fails in the first graded cell
  const student = studentEdition(nb, "02-instance-based.ipynb");
  const text = JSON.stringify(student);
  expect(text).not.toContain("BEGIN HIDDEN TESTS");
  expect(text).not.toContain("Math.log(wSource.length)");
  // inside the repository (a git-ignored tests/.tmp-* folder), so that the kernel resolves "transferlab"
  const studentDir = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-instance-"));
  const studentFile = path.join(studentDir, "02-instance-based.ipynb");
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
  expect((failing.metadata as { nbgrader: { grade_id: string } }).nbgrader.grade_id).toBe("test_kmm_objective");
});
