/**
 * notebooks/03-feature-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on
 * the numbers the lecture notebook saves; the exercise source runs green with its solutions, and its student
 * edition stops at the first task.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectReleasable, figures, readings, runExercise, runLecture } from "../helpers/notebooks";
import { gainedLost } from "../../src/report";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-feature-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("03-feature-based: the reference accuracies reproduced, MMD shrinks, JDA per round, the sweeps and TJM's weights", async () => {
  const { result, nb, saved } = await runLecture("03-feature-based", tmp);
  expect(result.status).toBe("ok");
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
  // the readings are this run's: the averages of the pairs it ran, JDA vs TCA and TJM vs TCA as they came out
  const text = readings(nb).join(" ");
  const avg = saved.reference[saved.reference.length - 1];
  expect(text).toContain(`Averages over the ${rows.length} pairs run here: 1-NN ${avg["1NN"]} %`);
  expect(text).toContain(`JDA is ${avg.JDA >= avg.TCA ? "at least as good as" : "behind"} TCA on average`);
  expect(text).toContain(`TJM averages ${avg.TJM} % against TCA's ${avg.TCA} % (linear kernel) — it **${avg.TJM > avg.TCA ? "is" : "is not"}** ahead here`);
  expect(text).toContain(gainedLost(avg.TJM - avg["kernel TCA (TJM round 1)"]));
  for (const r of rows) expect(r.TJM).toBeGreaterThan(20); // TJM really ran on every pair
  // heterogeneous transfer: USPS as 32 ink profiles, MNIST as 256 pixels; with 0 target labels the translated source
  // classifier is far above chance (10 %), below the homogeneous reference, and the reading says so in this run's numbers
  const h = saved.heterogeneous;
  expect(h.translated).toBeGreaterThan(0.3);
  expect(h.translated).toBeLessThan(h.homogeneous);
  expect(h.targetOnly[2]).toBeGreaterThan(h.targetOnly[0]);
  const p2 = (v: number) => String(+(100 * v).toFixed(2));
  expect(text).toContain(`the translated source classifier gets ${p2(h.translated)} % of the 1800 USPS digits right`);
  const won = h.budgets.filter((_: number, i: number) => h.translated > h.targetOnly[i]);
  expect(text).toContain(`It ${won.length ? "**beats**" : "**does not beat**"} target-only learning on the profiles`);
  expect(text).toContain(`the translation ${gainedLost(100 * (h.translated - h.homogeneous), 2)}`);
  expect(figures(nb).length).toBeGreaterThanOrEqual(12);
}, 300_000);

test("exercise 03-feature-based: the instructor source runs green; the student edition stops at task 1", async () => {
  const ex = await runExercise("03-feature-based", tmp, { timeoutSec: 120 });
  expectReleasable(ex, { points: [2, 4], solution: "eNorm2", firstTask: "test_linear_mmd" });
}, 300_000);
