/** TransEMDT: the adapted tree on a synthetic person shift, and on WISDM's cross-person setting. */
import * as tf from "@tensorflow/tfjs";
import { TransEMDT, crossPersonEvaluation, targetTreeAccuracy, AdaptiveTree } from "../../src/model";
import { loadHar, splitByUser } from "../../src/data";
import { accuracy } from "../../src/metrics";
import { Random } from "../../src/random";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Three classes along feature 0 (centres 0, 4, 8), feature 1 noise; the target person is shifted by `shift`. */
function person(n: number, shift: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Random(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push([4 * c + shift + rng.normal(0, 0.6), rng.normal(0, 1)]);
    y.push(c);
  }
  return { X, y };
}

test("a shifted person: the thresholds follow the target's clusters and the accuracy recovers", async () => {
  const source = person(300, 0, 1), target = person(150, 1.6, 2);
  const model = new TransEMDT({ maxDepth: 3, seed: 0 });
  const adapted = await model.fitPredict(source.X, source.y, target.X);
  const before = accuracy(await model.sourceTree!.predict(target.X), target.y);
  const after = accuracy(adapted, target.y);
  expect(before).toBeLessThan(0.85);
  expect(after).toBeGreaterThan(0.95);
  // the source's thresholds near 2 and 6 move towards the target's gaps near 3.6 and 7.6
  const shifts = model.thresholdShifts().filter((s) => s.feature === 0);
  expect(shifts.length).toBeGreaterThanOrEqual(2);
  for (const s of shifts.slice(0, 2)) {
    expect(s.after - s.before).toBeGreaterThan(0.8);
    expect(s.shiftInSourceStd).toBeGreaterThan(0);
  }
  expect(model.history.length).toBeGreaterThanOrEqual(1);
  expect(model.history[0].thresholdsMoved).toBeGreaterThanOrEqual(2);
  // the same seed gives the same model
  const again = await new TransEMDT({ maxDepth: 3, seed: 0 }).fitPredict(source.X, source.y, target.X);
  expect(Array.from(again)).toEqual(Array.from(adapted));
  // the trust region bounds every move
  const tight = new TransEMDT({ maxDepth: 3, maxShift: 0.05 });
  await tight.fit(source.X, source.y, target.X);
  const sd = Math.sqrt(source.X.reduce((a, r) => a + (r[0] - 4) ** 2, 0) / source.X.length);
  for (const s of tight.thresholdShifts()) if (s.feature === 0) expect(Math.abs(s.after - s.before)).toBeLessThanOrEqual(0.05 * sd + 0.05);
});

test("no shift: TransEMDT keeps the source tree's accuracy", async () => {
  const source = person(300, 0, 3), target = person(150, 0, 4);
  const model = new TransEMDT({ maxDepth: 3 });
  const adapted = await model.fitPredict(source.X, source.y, target.X);
  expect(accuracy(adapted, target.y)).toBeGreaterThanOrEqual(accuracy(await model.sourceTree!.predict(target.X), target.y) - 0.01);
});

test("options and inputs are checked", async () => {
  expect(() => new TransEMDT({ margn: 0.5 } as never)).toThrow('TransEMDT: unknown option "margn" (did you mean "margin"?)');
  expect(() => new TransEMDT({ rule: "vote" as never })).toThrow('option "rule" must be "agreement" or "cluster"');
  expect(() => new TransEMDT({ sideShare: 0.5 })).toThrow('option "sideShare" must be > 0.5');
  expect(() => new TransEMDT({ confidence: 2 })).toThrow('option "confidence" must be in [0, 1]');
  await expect(new TransEMDT().fit([[0, 1]], [0], [[0]])).rejects.toThrow("TransEMDT.fit: Xs has 2 features but Xt has 1");
  await expect(new TransEMDT().predict([[0]])).rejects.toThrow("TransEMDT.predict: call fit first");
});

test("targetTreeAccuracy: cross-validated, a tree on separable data is (nearly) perfect", () => {
  const p = person(90, 0, 5);
  const data = { data: Float64Array.from(p.X.flat()), rows: 90, cols: 2 };
  expect(targetTreeAccuracy(data, Int32Array.from(p.y), { maxDepth: 3, minSamplesLeaf: 2 }, 5, 0)).toBeGreaterThan(0.95);
});

test("WISDM, leave one user out over the 18 users with all six activities: TransEMDT beats the source tree on average", async () => {
  const har = await loadHar();
  const rows = await crossPersonEvaluation(har);
  expect(rows.map((r) => r.user)).toEqual([3, 5, 6, 7, 12, 13, 18, 19, 20, 21, 24, 27, 29, 31, 32, 33, 34, 36]);
  const mean = (k: "sourceTree" | "transEMDT" | "targetTree") => rows.reduce((a, r) => a + r[k], 0) / rows.length;
  // measured (cpu, seed 0): source tree 76.6 %, TransEMDT 77.4 %, target-trained tree 87.9 %
  expect(mean("transEMDT")).toBeGreaterThan(mean("sourceTree"));
  expect(mean("targetTree")).toBeGreaterThan(mean("transEMDT"));
  expect(rows.filter((r) => r.transEMDT > r.sourceTree).length).toBeGreaterThan(rows.filter((r) => r.transEMDT < r.sourceTree).length);
  expect(rows.every((r) => r.sources === 35)).toBe(true);
  har.X.dispose();
}, 120000);

test("WISDM with NaN features: the tree routes missing PEAK values without imputation; no tensor is left behind", async () => {
  const har = await loadHar();
  const before = tf.memory().numTensors;
  await crossPersonEvaluation(har, { targets: [20, 33] });
  expect(tf.memory().numTensors).toBe(before);
  const split = splitByUser(har, 20);
  const tree = await new AdaptiveTree().fit(split.source.X, split.source.y);
  expect(accuracy(await tree.predict(split.target.X), split.target.y)).toBeGreaterThan(0.6);
  tf.dispose([split.source.X, split.target.X, har.X]);
});
