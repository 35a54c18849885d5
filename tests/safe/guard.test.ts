/**
 * The safe-transfer guard: it never picks a source whose labels are pure noise, it picks a helpful source,
 * its transferability shortlist, and its errors.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression } from "../../src/classifiers";
import { Random } from "../../src/random";
import { SafeTransfer, TargetArm } from "../../src/safe";
import { stratifiedFolds } from "../../src/safe/guard";
import { labelledPerClass } from "../../src/splits";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** `n` samples of `classes` Gaussian classes in `d` dimensions (class means fixed by `meansSeed`). */
function blobs(n: number, classes: number, d: number, seed: number, meansSeed = 100, spread = 1.6): { X: number[][]; y: Int32Array } {
  const means = new Random(meansSeed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: d }, () => means.normal(0, 1)));
  const rng = new Random(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  return { X: Array.from(y, (c) => centres[c].map((m) => m + rng.normal(0, spread))), y };
}

/** Arms over a target domain: target-only LR, and LR on the source pooled with the labelled target rows. */
function arms(target: { X: number[][] }, source: { X: number[][]; y: ArrayLike<number> }): { targetOnly: TargetArm; pooled: TargetArm } {
  const rows = (idx: Int32Array) => Array.from(idx, (i) => target.X[i]);
  const fitPredict = async (X: number[][], y: number[], test: number[][]) => {
    const clf = await new LogisticRegression({ lambda: 0.1 }).fit(X, y);
    return clf.predict(test);
  };
  return {
    targetOnly: (train, test) => fitPredict(rows(train.rows), Array.from(train.y), rows(test)),
    pooled: (train, test) => fitPredict([...source.X, ...rows(train.rows)], [...Array.from(source.y), ...Array.from(train.y)], rows(test)),
  };
}

describe("SafeTransfer", () => {
  const target = blobs(300, 4, 8, 1);

  it("never picks a source whose labels are pure noise", async () => {
    for (const seed of [0, 1, 2]) {
      const source = blobs(400, 4, 8, 50 + seed);
      const noise = new Random(seed);
      const noisy = { X: source.X, y: Int32Array.from(source.y, () => noise.int(4)) };
      const { targetOnly, pooled } = arms(target, noisy);
      const split = labelledPerClass(target.y, 5, seed);
      const guard = new SafeTransfer(targetOnly, [{ name: "pooled (noise)", arm: pooled }], { seed });
      const decision = await guard.decide(split.train, Array.from(split.train, (i) => target.y[i]));
      expect(decision.choice).toBe("target-only");
      expect(decision.transfer).toBe(false);
      const report = decision.candidates[0];
      expect(report.status).toBe("cross-validated");
      expect(report.lower!).toBeLessThanOrEqual(0);
      // and its predictions are exactly target-only's
      const labels = Array.from(split.train, (i) => target.y[i]);
      const viaGuard = await guard.fitPredict(split.train, labels, split.test.slice(0, 40));
      const direct = await targetOnly({ rows: split.train, y: Int32Array.from(labels) }, split.test.slice(0, 40), seed);
      expect(Array.from(viaGuard)).toEqual(Array.from(direct));
    }
  });

  it("picks a source drawn from the target's own distribution, with the margin it reports", async () => {
    const source = blobs(400, 4, 8, 7);
    const { targetOnly, pooled } = arms(target, source);
    const split = labelledPerClass(target.y, 3, 0);
    const guard = new SafeTransfer(targetOnly, [{ name: "pooled", arm: pooled }], { folds: 3, confidence: 0.9 });
    const d = await guard.decide(split.train, Array.from(split.train, (i) => target.y[i]));
    expect(d.choice).toBe("pooled");
    const r = d.candidates[0];
    expect(r.gain!).toBeGreaterThan(0);
    expect(r.lower!).toBeCloseTo(r.gain! - r.margin!, 12);
    expect(d.margin).toBe(r.margin);
    expect(d.labelled).toBe(12);
  });

  it("cross-validates only the shortlist by transferability score and drops those below minScore", async () => {
    const calls: string[] = [];
    const constant = (name: string, label: number): TargetArm => async (_train, test) => {
      calls.push(name);
      return new Int32Array(test.length).fill(label);
    };
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 0, 1]);
    const guard = new SafeTransfer(constant("target-only", 0), [
      { name: "a", arm: constant("a", 1), score: -0.5 },
      { name: "b", arm: constant("b", 1), score: -0.1 },
      { name: "c", arm: constant("c", 1), score: -3 },
    ], { shortlist: 1, minScore: -1, folds: 2 });
    const d = await guard.decide([10, 11, 12, 13, 14, 15, 16, 17], y);
    expect(d.candidates.map((c) => c.status)).toEqual(["not shortlisted", "cross-validated", "below minScore"]);
    expect(new Set(calls)).toEqual(new Set(["target-only", "b"]));
    // every arm predicting one class: half right either way, no gain, so target-only
    expect(d.choice).toBe("target-only");
  });

  it("deals stratified folds and names bad arguments", () => {
    const y = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const folds = stratifiedFolds(y, 3, 4);
    for (const c of [0, 1, 2]) expect(new Set(Array.from(y.keys()).filter((i) => y[i] === c).map((i) => folds[i]))).toEqual(new Set([0, 1, 2]));
    const arm: TargetArm = async (_t, test) => new Int32Array(test.length);
    expect(() => new SafeTransfer(arm, [{ name: "target-only", arm }])).toThrow(/name "target-only" is taken/);
    expect(() => new SafeTransfer(arm, [], { fold: 3 } as never)).toThrow(/unknown option "fold" \(did you mean "folds"\?\)/);
    expect(() => new SafeTransfer(arm, [], { folds: 1 })).toThrow(/folds/);
    return expect(new SafeTransfer(arm, []).decide([1, 2, 3], [0, 1, 0])).rejects.toThrow(/too few for 3 folds/);
  });
});

afterAll(() => {
  expect(tf.memory().numTensors).toBeLessThan(1000);
});
