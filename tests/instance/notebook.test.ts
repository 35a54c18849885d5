/**
 * notebooks/02-instance-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on
 * the numbers the lecture notebook saves; the exercise source runs green with its solutions, and its student
 * edition stops at the first task.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectReleasable, figures, pct1, readings, runExercise, runLecture } from "../helpers/notebooks";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-instance-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("02-instance-based: KMM repairs the biased fit, TrAdaBoost fades misleading samples, the bridge carries the labels", async () => {
  const { result, nb, saved } = await runLecture("02-instance-based", tmp);
  expect(result.status).toBe("ok");
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
  // the readings are the run's: TrAdaBoost beats pooling, in the words and numbers of this run
  const text = readings(nb).join("\n");
  expect(text).toContain(`**beats** the pooled model: ${pct1(saved.flipped.trAdaBoost)} % against ${pct1(saved.flipped.pooled)} %`);
  expect(text).toContain(`(${pct1(saved.flipped.trAdaBoost)} % against ${pct1(saved.flipped.targetOnly)} %)`);
  const rows = saved.office.rows as Record<string, number>[];
  const above = rows.filter((row) => row["TrAdaBoost − pooled"] > 0).length;
  expect(text).toContain(`is above pooling on ${above} of ${rows.length} pairs`);
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
  // the drift: TrAdaBoost's source share falls over the rounds, the dynamic update keeps more of it
  expect(saved.drift.plainEnd).toBeLessThan(saved.drift.shareStart);
  expect(saved.drift.dynamicEnd).toBeGreaterThan(saved.drift.plainEnd);
  // … and its reading is a computed markdown output (not console.log) in this run's words and numbers
  const pct2 = (v: number) => String(+(100 * v).toFixed(2));
  const acc = saved.drift.accuracy;
  expect(text).toContain(`ends round 20 at ${pct1(saved.drift.plainEnd)} % (${(saved.drift.plainEnd / saved.drift.shareStart).toFixed(2)}× its start): the drift`);
  expect(text).toContain(`DynamicTrAdaBoost (${pct2(acc.dynamic)} %) ${acc.dynamic > acc.plain ? "beats" : "does not beat"} TrAdaBoost (${pct2(acc.plain)} %)`);
  expect(text).toContain(acc.pooled > acc.target ? "the source **helps** on this pair" : "the source **does not help**");
  const printed = nb.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).filter((o) => o.output_type === "stream");
  expect(JSON.stringify(printed)).not.toContain("the drift");
  expect(figures(nb).length).toBe(14);
});

test("exercise 02-instance-based: the instructor source runs green; the student edition stops at task 1", async () => {
  const ex = await runExercise("02-instance-based", tmp, { timeoutSec: 120 });
  expectReleasable(ex, { points: [2, 3], solution: "Math.log(wSource.length)", firstTask: "test_kmm_objective" });
});
