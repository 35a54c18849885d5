/** The weighted CART learner that TrAdaBoost can use: weights act as copies, trees are deterministic. */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { DecisionStump, DecisionTree } from "../../src/classifiers/decisionTree";
import { Random } from "../../src/random";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

function blobs(seed: number, n = 60): { X: number[][]; y: number[] } {
  const rng = new Random(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push([rng.normal(2 * c, 0.6), rng.normal(c === 1 ? 2 : 0, 0.6), rng.normal()]);
    y.push(c + 1);
  }
  return { X, y };
}

test("an integer sample weight acts exactly like that many copies of the sample", async () => {
  const { X, y } = blobs(1);
  const w = X.map((_, i) => 1 + (i % 3));
  const Xdup: number[][] = [], ydup: number[] = [];
  X.forEach((row, i) => { for (let k = 0; k < w[i]; k++) { Xdup.push(row); ydup.push(y[i]); } });
  const weighted = await new DecisionTree({ maxDepth: 3 }).fit(X, y, w);
  const copied = await new DecisionTree({ maxDepth: 3 }).fit(Xdup, ydup);
  expect(weighted.nodes.map((n) => [n.feature, n.threshold])).toEqual(copied.nodes.map((n) => [n.feature, n.threshold]));
  const probe = blobs(2).X;
  expect(Array.from(await weighted.predict(probe))).toEqual(Array.from(await copied.predict(probe)));
});

test("weights move the stump: a heavy minority decides the split", async () => {
  // 1-D: class 0 below 0, class 1 above, and one heavy mislabelled point at x = 2
  const X = [[-3], [-2], [-1], [1], [2], [3]];
  const y = [0, 0, 0, 1, 0, 1];
  const plain = await new DecisionStump().fit(X, y);
  expect(plain.nodes[0].threshold).toBeCloseTo(0, 5);
  const heavy = await new DecisionStump().fit(X, y, [1, 1, 1, 1, 10, 1]);
  expect(heavy.nodes[0].threshold).toBeCloseTo(2.5, 5);
  expect(Array.from(await heavy.predict([[2], [2.6]]))).toEqual([0, 1]);
});

test("depth and purity: XOR needs depth 2; a stump has depth 1; labels keep their values", async () => {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const y = [7, 9, 9, 7];
  const tree = await new DecisionTree({ maxDepth: 2 }).fit(X, y);
  expect(Array.from(await tree.predict(X))).toEqual(y);
  expect(tree.depth()).toBe(2);
  const stump = await new DecisionStump().fit(X, y);
  expect(stump.depth()).toBeLessThanOrEqual(1);
  const P = await tree.predictProba(X);
  expect(P.shape).toEqual([4, 2]);
  expect(Array.from(P.dataSync())).toEqual([1, 0, 0, 1, 0, 1, 1, 0]);
  P.dispose();
  expect(Array.from(tree.classes)).toEqual([7, 9]);
});

test("deterministic, and maxFeatures draws are seeded", async () => {
  const { X, y } = blobs(3);
  const a = await new DecisionTree({ maxDepth: 4, maxFeatures: 1, seed: 5 }).fit(X, y);
  const b = await new DecisionTree({ maxDepth: 4, maxFeatures: 1, seed: 5 }).fit(X, y);
  expect(a.nodes.map((n) => [n.feature, n.threshold])).toEqual(b.nodes.map((n) => [n.feature, n.threshold]));
  const acc = (p: Int32Array) => p.filter((v, i) => v === y[i]).length / y.length;
  expect(acc(await new DecisionTree({ maxDepth: 4 }).fit(X, y).then((m) => m.predict(X)))).toBeGreaterThan(0.9);
});

test("bad input: errors name the argument", async () => {
  expect(() => new DecisionStump({ maxDepth: 3 } as never)).toThrow(/maxDepth.*fixed at 1/);
  expect(() => new DecisionTree({ maxDepht: 3 } as never)).toThrow(/unknown option "maxDepht".*did you mean "maxDepth"/);
  expect(() => new DecisionTree({ maxDepth: 0 })).toThrow(/maxDepth/);
  await expect(new DecisionTree().fit([[1, 2]], [0], [-1])).rejects.toThrow(/sampleWeight\[0\]/);
  await expect(new DecisionTree().fit([[NaN, 2]], [0])).rejects.toThrow(/X has a non-finite value/);
  const tree = await new DecisionTree().fit([[1, 2], [3, 4]], [0, 1]);
  await expect(tree.predict([[1, 2, 3]])).rejects.toThrow(/X has 3 features but the training data had 2/);
  await expect(new DecisionTree().predict([[1]])).rejects.toThrow(/call fit/);
});
