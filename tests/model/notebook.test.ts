/**
 * notebooks/04-model-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on the numbers
 * they save; the exercise's student edition must stop at the stubs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { figures, gradedPoints, pct1, readings, runExercise, runLecture } from "../helpers/notebooks";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-nb04-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("04-model-based: TransEMDT beats the source tree on average; the source prior beats target-only with few labels", async () => {
  const { result, nb, saved } = await runLecture("04-model-based", tmp);
  expect(result.status).toBe("ok");
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
  // the readings are this run's: the shift, TransEMDT's gain and the prior's lead at one label per class
  const reading = readings(nb).join(" ");
  expect(reading).toContain(`target-trained tree (${(100 * (t.mean.targetTree - t.mean.sourceTree)).toFixed(1)} points)`);
  expect(reading).toContain(`recovers ${(100 * (t.mean.transEMDT - t.mean.sourceTree)).toFixed(1)} points of it on average`);
  expect(reading).toContain(`with 1 label per class target only ${pct1(ca.targetOnly[0])} % against ${pct1(ca.parameterTransfer[0])} % with the prior`);
  expect(figures(nb).length).toBeGreaterThanOrEqual(4);
  // the tree before and after adaptation is printed as text, with the moved thresholds marked
  const text = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).filter((o) => o.output_type === "stream")
    .map((o) => String((o as { text: string | string[] }).text instanceof Array ? (o as { text: string[] }).text.join("") : (o as { text: string }).text)).join("");
  expect(text).toContain("SOURCE TREE");
  expect(text).toMatch(/ADAPTED TO USER 33[\s\S]*≤ [\d.]+ → [\d.]+/);
}, 300000);

test("exercises/04-model-based: the instructor source runs green; the student edition stops at the stubs", async () => {
  const ex = await runExercise("04-model-based", tmp, { timeoutSec: 300, allowErrors: true });
  expect(ex.instructor.status).toBe("ok");
  expect(gradedPoints(ex.source)).toEqual([5, 3]);
  expect(JSON.stringify(ex.student)).not.toContain("BEGIN HIDDEN TESTS");
  expect(ex.studentRun.errors.length).toBeGreaterThanOrEqual(2);
  expect(ex.studentRun.errors.map((e) => e.error).join("\n")).toContain("not implemented");
}, 300000);
