/** The adaptable decision tree, K-means and the threshold update of TransEMDT. */
import { AdaptiveTree, kMeans, adaptThreshold, classSides } from "../../src/model";
import { Random } from "../../src/random";

const rows = (xs: number[][]) => ({ data: Float64Array.from(xs.flat()), rows: xs.length, cols: xs[0].length });

describe("AdaptiveTree", () => {
  test("learns an axis-aligned rule exactly, thresholds at midpoints, deterministic", async () => {
    const X = [[0, 5], [1, 3], [2, 9], [3, 1], [10, 5], [11, 2], [12, 8], [13, 0]];
    const y = [1, 1, 1, 1, 2, 2, 2, 2];
    const tree = await new AdaptiveTree({ minSamplesLeaf: 1 }).fit(X, y);
    expect(tree.splits()).toEqual([{ node: 0, feature: 0, threshold: 6.5, depth: 0 }]);
    expect(Array.from(await tree.predict(X))).toEqual(y);
    expect(Array.from(tree.importance())).toEqual([1, 0]);
    expect(tree.leafCount()).toBe(2);
    expect(Array.from(tree.confidence([[0, 0]]))).toEqual([1]);
  });

  test("a missing value (NaN) follows the branch most training samples took; splits use the samples that have the feature", async () => {
    const X = [[0], [1], [2], [NaN], [10], [11]];
    const y = [0, 0, 0, 0, 1, 1];
    const tree = await new AdaptiveTree({ minSamplesLeaf: 1 }).fit(X, y);
    expect(tree.nodes[0].threshold).toBe(6);
    expect(tree.nodes[0].missingLeft).toBe(true);
    expect(Array.from(await tree.predict([[NaN], [20]]))).toEqual([0, 1]);
  });

  test("clone is independent; render shows thresholds and leaves before → after", async () => {
    const X = [[0], [1], [2], [3], [10], [11], [12], [13]];
    const tree = await new AdaptiveTree({ minSamplesLeaf: 2 }).fit(X, [0, 0, 0, 0, 1, 1, 1, 1]);
    const copy = tree.clone();
    copy.nodes[0].threshold = 8;
    copy.nodes[copy.nodes[0].right].label = 0;
    expect(tree.nodes[0].threshold).toBe(6.5);
    const text = copy.render({ featureNames: ["speed"], classNames: ["slow", "fast"], before: tree });
    expect(text).toContain("speed ≤ 6.50 → 8.00");
    expect(text).toContain("⇒ fast → slow");
    expect(tree.render({ featureNames: ["speed"], classNames: ["slow", "fast"] })).toBe(
      "speed ≤ 6.50\n│  ⇒ slow  (4 source samples, 100 % pure)\nspeed > 6.50\n   ⇒ fast  (4 source samples, 100 % pure)");
  });

  test("options and inputs are checked", async () => {
    expect(() => new AdaptiveTree({ maxDepht: 3 } as never)).toThrow('AdaptiveTree: unknown option "maxDepht" (did you mean "maxDepth"?)');
    expect(() => new AdaptiveTree({ maxDepth: 0 })).toThrow('option "maxDepth" must be an integer ≥ 1');
    await expect(new AdaptiveTree().fit([[Infinity]], [0])).rejects.toThrow("NaN is a missing value; ±∞ is not");
    const tree = await new AdaptiveTree().fit([[0, 1], [1, 0]], [0, 1]);
    expect(() => tree.leaves([[0]])).toThrow("AdaptiveTree.leaves: X has 1 features but the tree was trained on 2");
    expect(() => new AdaptiveTree().leaves([[0]])).toThrow("call fit(X, y) first");
  });
});

describe("kMeans", () => {
  test("finds two blobs from seeded k-means++ and keeps given centres' order", () => {
    const rng = new Random(1);
    const pts: number[] = [];
    for (let i = 0; i < 40; i++) pts.push(rng.normal(i < 20 ? -5 : 5, 0.5), rng.normal(0, 0.5));
    const data = Float64Array.from(pts);
    const a = kMeans(data, 40, 2, 2, { seed: 3 });
    const b = kMeans(data, 40, 2, 2, { seed: 3 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(new Set(a.assignment.subarray(0, 20)).size).toBe(1);
    expect(a.assignment[0]).not.toBe(a.assignment[20]);
    // seeded with (5, 0) first: cluster 0 is the right blob
    const c = kMeans(data, 40, 2, 2, { init: Float64Array.from([5, 0, -5, 0]) });
    expect(c.assignment[25]).toBe(0);
    expect(c.assignment[5]).toBe(1);
    expect(c.distance[5]).toBeLessThan(c.secondDistance[5]);
    expect(() => kMeans(Float64Array.from([NaN, 1]), 1, 2, 1)).toThrow("impute missing values first");
    expect(() => kMeans(data, 40, 2, 41)).toThrow("kMeans: k must be an integer in 1..40");
  });
});

describe("adaptThreshold (the K-means threshold update)", () => {
  test("moves to the middle of the gap that separates the target's left classes from its right classes", () => {
    // the source said 5; this person's left-class values end at 6.5, right-class values start at 8.5
    expect(adaptThreshold([5, 6, 6.5], [8.5, 9, 10], 5)).toBe(7.5);
  });
  test("balanced error: a rare class is not sacrificed to a common one", () => {
    const left = Array.from({ length: 50 }, (_, i) => i / 10); // 0 … 4.9
    const right = [4.5, 4.6, 4.7, 8]; // 3 of 4 right values inside the left range
    // plain error would keep every left value left (cut at 8−); the balanced error cuts at 4.45
    expect(adaptThreshold(left, right, 6)).toBeCloseTo(4.45, 10);
  });
  test("keeps the old threshold's gap when it is optimal, and the old threshold when a side is empty", () => {
    expect(adaptThreshold([1, 2], [8, 9], 3)).toBe(5);
    expect(adaptThreshold([], [8, 9], 3)).toBe(3);
    expect(adaptThreshold([1, 2], [], 3)).toBe(3);
    expect(adaptThreshold([1, 2], [0.5, 3], 2.5)).toBe(2.5);
  });
});

test("classSides: the side each class takes at a split of the source tree", async () => {
  const X = [[0], [1], [2], [3], [10], [11], [12], [13]];
  const tree = await new AdaptiveTree({ minSamplesLeaf: 1, maxDepth: 1 }).fit(X, [0, 0, 1, 0, 1, 1, 1, 1]);
  expect(Array.from(classSides(tree, 0, 0.85))).toEqual([-1, 0]); // class 1: 4 of 5 right
  expect(Array.from(classSides(tree, 0, 0.75))).toEqual([-1, 1]);
  expect(() => classSides(tree, 1, 0.75)).toThrow("node 1 is not a split");
});
