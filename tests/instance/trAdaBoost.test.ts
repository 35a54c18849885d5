/**
 * TrAdaBoost: misleading source samples lose weight round by round, the booster beats pooling on a source
 * with flipped labels, the paper's update rules hold exactly, and bad input names the argument.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { DecisionStump, DecisionTree } from "../../src/classifiers/decisionTree";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { OneNearestNeighbor } from "../../src/classifiers/nearestNeighbor";
import { accuracy } from "../../src/metrics/accuracy";
import { concatDomains } from "../../src/splits";
import { TrAdaBoost } from "../../src/instance/trAdaBoost";
import { flippedLabelDomains } from "../../src/instance/toys";
import { HAND, PredictsZero } from "./handCheck";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

test("flipped source labels: their weights fall round by round and TrAdaBoost beats pooling (5 seeds)", async () => {
  const acc = { pooled: [] as number[], boosted: [] as number[] };
  for (let seed = 0; seed < 5; seed++) {
    const d = flippedLabelDomains({ seed });
    const both = concatDomains(d.source, d.targetLabelled);
    const pooled = await new LogisticRegression().fit(both.X, both.y);
    acc.pooled.push(accuracy(await pooled.predict(d.targetTest.X), d.targetTest.y));
    const booster = new TrAdaBoost({ estimators: 20 });
    acc.boosted.push(accuracy(await booster.fitPredict(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y, d.targetTest.X), d.targetTest.y));
    // mean weight of a flipped source sample relative to a clean one, per round
    const ratio = booster.history.source.map((w) => {
      let f = 0, nf = 0, c = 0, nc = 0;
      w.forEach((v, i) => (d.source.flipped[i] ? ((f += v), nf++) : ((c += v), nc++)));
      return f / nf / (c / nc);
    });
    expect(ratio[0]).toBeCloseTo(1, 10);
    expect(ratio[ratio.length - 1]).toBeLessThan(0.3);
    expect(ratio[10]).toBeLessThan(ratio[2]);
    tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X, both.X]);
  }
  // measured (seeds 0–9): pooled 80.7 %, TrAdaBoost 90.8 %
  expect(mean(acc.boosted)).toBeGreaterThan(mean(acc.pooled) + 0.04);
});

test("the update rules of the paper, checked by hand on one round (hard errors, binary)", async () => {
  // a learner that always predicts 0: source rows with label 1 and target rows with label 1 are errors
  const { Xs, ys, Xt, yt } = HAND;
  const booster = await new TrAdaBoost({ estimators: 2, learner: () => new PredictsZero(), errors: "hard" }).fit(Xs, ys, Xt, yt);
  const beta = 1 / (1 + Math.sqrt((2 * Math.log(4)) / 2));
  expect(booster.sourceFactor).toBeCloseTo(beta, 12);
  expect(booster.history.errors[0]).toBeCloseTo(1 / 3, 12); // one of three equally weighted target rows is wrong
  const eps = 1 / 3;
  const alpha = Math.log((1 - eps) / eps); // K = 2: ln((1 − ε)/ε) + ln 1
  expect(booster.history.alphas[0]).toBeCloseTo(alpha, 12);
  // round 2 weights: source errors × β, target errors × e^α, then normalised
  const raw = [1, beta, 1, beta, 1, 1, Math.exp(alpha)];
  const total = raw.reduce((a, b) => a + b, 0);
  expect(Array.from(booster.history.source[1])).toEqual(raw.slice(0, 4).map((v) => expect.closeTo(v / total, 12)));
  expect(Array.from(booster.history.target[1])).toEqual(raw.slice(4).map((v) => expect.closeTo(v / total, 12)));
});

test("multi-class with decision stumps and trees, labels in their own values; a logistic learner's hard errors are all 0", async () => {
  const d = flippedLabelDomains({ seed: 3 });
  const relabel = (y: Int32Array) => Int32Array.from(y, (v) => (v === 1 ? 9 : 4));
  const stumps = new TrAdaBoost({ estimators: 6, learner: new DecisionStump() });
  const yhat = await stumps.fitPredict(d.source.X, relabel(d.source.y), d.targetLabelled.X, relabel(d.targetLabelled.y), d.targetTest.X);
  expect(new Set(yhat)).toEqual(new Set([4, 9]));
  expect(stumps.history.source).toHaveLength(6);
  expect(stumps.soft).toBe(true);
  const trees = new TrAdaBoost({ estimators: 4, learner: () => new DecisionTree({ maxDepth: 3 }) });
  await trees.fit(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y);
  expect(accuracy(await trees.predict(d.targetTest.X), d.targetTest.y)).toBeGreaterThan(0.6);
  const hard = new TrAdaBoost({ estimators: 3, errors: "hard" });
  await hard.fit(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y);
  expect(hard.soft).toBe(false);
  tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X]);
});

test("three classes (SAMME): the vote weight adds ln(K − 1)", async () => {
  const Xs = [[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6], [10, 0], [11, 0], [10, 1]];
  const ys = [0, 0, 0, 1, 1, 1, 2, 2, 2];
  const Xt = [[0.5, 0.5], [5.5, 5.5], [10.5, 0.5]], yt = [0, 1, 2];
  const b = await new TrAdaBoost({ estimators: 2, learner: new DecisionTree({ maxDepth: 2 }), errors: "hard" }).fit(Xs, ys, Xt, yt);
  // a perfect round: ε is clipped to 1e-10, α = ln((1 − ε)/ε) + ln 2
  expect(b.history.alphas[0]).toBeCloseTo(Math.log((1 - 1e-10) / 1e-10) + Math.log(2), 6);
  expect(Array.from(await b.predict(Xt))).toEqual(yt);
});

test("memory stays flat over fits", async () => {
  const d = flippedLabelDomains({ seed: 1, n: 100, test: 50 });
  const run = () => new TrAdaBoost({ estimators: 3 }).fitPredict(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y, d.targetTest.X);
  await run();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await run();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X]);
});

describe("bad input names the argument", () => {
  const Xs = [[0, 0], [1, 1], [2, 2], [3, 3]], ys = [0, 1, 0, 1];
  test.each([
    ["estimators 0", () => new TrAdaBoost({ estimators: 0 }), /option "estimators" must be an integer ≥ 1, got 0/],
    ["an unknown option", () => new TrAdaBoost({ estimator: 5 } as never), /unknown option "estimator".*did you mean "estimators"/],
    ["a learner without sample weights", () => new TrAdaBoost({ learner: new OneNearestNeighbor() }), /option "learner" \(OneNearestNeighbor\) ignores sample weights/],
    ["a factory of such learners", () => new TrAdaBoost({ learner: () => new OneNearestNeighbor() }), /ignores sample weights/],
    ["soft errors without predictProba", () => new TrAdaBoost({ errors: "soft", learner: () => ({ supportsSampleWeight: true, fit: async () => null, predict: async () => new Int32Array(0) }) as never }), /errors: "soft" needs a learner with predictProba/],
    ["an unknown errors mode", () => new TrAdaBoost({ errors: "fuzzy" as never }), /option "errors" must be "auto", "hard" or "soft"/],
  ])("%s", (_name, make, message) => {
    expect(make).toThrow(message as RegExp);
  });

  test.each([
    ["empty labelled target", () => new TrAdaBoost().fit(Xs, ys, tf.zeros([0, 2]) as tf.Tensor2D, []), /XtLabelled is empty/],
    ["mismatched dimensions", () => new TrAdaBoost().fit(Xs, ys, [[1, 2, 3]], [0]), /XtLabelled has 3 features \(columns\) but Xs has 2/],
    ["NaN", () => new TrAdaBoost().fit(Xs, ys, [[NaN, 1]], [0]), /XtLabelled has a non-finite value \(NaN\)/],
    ["a target class the source lacks", () => new TrAdaBoost().fit(Xs, ys, [[1, 1]], [7]), /ytLabelled holds class 7 that ys \(the source labels\) never shows/],
    ["labels of the wrong length", () => new TrAdaBoost().fit(Xs, [0, 1], [[1, 1]], [0]), /ys has 2 labels but Xs has 4 rows/],
    ["test rows of another width", () => new TrAdaBoost({ estimators: 1 }).fitPredict(Xs, ys, [[1, 1]], [0], [[1]]), /XtTest has 1 features \(columns\) but Xs has 2/],
    ["predict before fit", () => new TrAdaBoost().predict(Xs), /call fit/],
  ])("%s", async (_name, run, message) => {
    await expect(run()).rejects.toThrow(message as RegExp);
  });
});
