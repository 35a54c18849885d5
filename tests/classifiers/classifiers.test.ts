import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression, OneNearestNeighbor } from "../../src/classifiers";
import { accuracy } from "../../src/metrics";
import { Random } from "../../src/random";
import { gaussian, sqDist } from "../helpers/compute";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** Three Gaussian blobs labelled 2, 5 and 9 (labels are not 0..k−1 on purpose). */
function blobs(seed: number, perClass: number, d: number, spread = 2.5): { X: number[][]; y: number[] } {
  const r = new Random(seed);
  const X: number[][] = [];
  const y: number[] = [];
  [2, 5, 9].forEach((label, c) => {
    for (const row of gaussian(r, perClass, d)) {
      row[c % d] += spread;
      X.push(row);
      y.push(label);
    }
  });
  return { X, y };
}

describe("OneNearestNeighbor", () => {
  it("gives each row the label of its nearest training row, in the training labels' values", async () => {
    const train = blobs(1, 30, 4);
    const test = blobs(2, 20, 4);
    const clf = await new OneNearestNeighbor().fit(train.X, train.y);
    const got = await clf.predict(test.X);
    const want = test.X.map((x) => {
      let best = 0;
      for (let j = 1; j < train.X.length; j++) if (sqDist(x, train.X[j]) < sqDist(x, train.X[best])) best = j;
      return train.y[best];
    });
    expect(Array.from(got)).toEqual(want);
    expect(accuracy(got, test.y)).toBeGreaterThan(0.7);
  });

  it("breaks ties by the lowest training index", async () => {
    const clf = await new OneNearestNeighbor().fit([[1, 0], [-1, 0], [0, 3], [1, 0]], [7, 3, 4, 8]);
    expect(Array.from(await clf.predict([[0, 0], [1, 0]]))).toEqual([7, 7]);
  });

  it("gives the same answer whatever the batch size, and keeps memory flat (2000 × 1800 × 800)", async () => {
    const r = new Random(3);
    const train = tf.randomNormal([1800, 800], 0, 1, "float32", 1) as tf.Tensor2D;
    const test = tf.randomNormal([2000, 800], 0, 1, "float32", 2) as tf.Tensor2D;
    const labels = Int32Array.from({ length: 1800 }, () => r.int(10));
    const before = tf.memory().numTensors;
    const start = Date.now();
    const a = await (await new OneNearestNeighbor().fit(train, labels)).predict(test);
    const ms = Date.now() - start;
    const b = await (await new OneNearestNeighbor({ batchSize: 333 }).fit(train, labels)).predict(test);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(tf.memory().numTensors).toBe(before);
    console.log(`1-NN 2000 test × 1800 train × 800 features: ${ms} ms (${tf.getBackend()})`);
    tf.dispose([train, test]);
  });

  it("checks its inputs", async () => {
    await expect(new OneNearestNeighbor().predict([[1]])).rejects.toThrow(/call fit/);
    await expect(new OneNearestNeighbor().fit([[1], [2]], [1])).rejects.toThrow(/y has 1 labels but X has 2 rows/);
    const clf = await new OneNearestNeighbor().fit([[1, 2]], [1]);
    await expect(clf.predict([[1, 2, 3]])).rejects.toThrow(/X has 3 features but the training data had 2/);
    expect(() => new OneNearestNeighbor({ k: 3 } as never)).toThrow(/valid options: batchSize, seed/);
    await expect(new OneNearestNeighbor().fit([[1, NaN]], [1])).rejects.toThrow(/non-finite/);
  });
});

/** max |∇| of the LR objective in float64 at the fitted parameters (k classes, intercept). */
function gradientAt(clf: LogisticRegression, X: number[][], y: number[], w: number[], lambda: number): number {
  const k = clf.classes.length, d = X[0].length;
  const total = w.reduce((a, b) => a + b, 0);
  const gW = new Float64Array(d * k), gb = new Float64Array(k);
  X.forEach((x, i) => {
    const z = Array.from({ length: k }, (_, c) => clf.intercept[c] + x.reduce((s, v, j) => s + v * clf.coef[j * k + c], 0));
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const se = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) {
      const r = (w[i] / total) * (e[c] / se - (clf.classes[c] === y[i] ? 1 : 0));
      gb[c] += r;
      for (let j = 0; j < d; j++) gW[j * k + c] += r * x[j];
    }
  });
  let m = 0;
  for (let i = 0; i < gW.length; i++) m = Math.max(m, Math.abs(gW[i] + lambda * clf.coef[i]));
  for (let c = 0; c < k; c++) m = Math.max(m, Math.abs(gb[c]));
  return m;
}

describe("LogisticRegression", () => {
  const train = blobs(4, 60, 5);
  const test = blobs(5, 40, 5);

  it("separates blobs and answers in the training labels' own values", async () => {
    const clf = await new LogisticRegression().fit(train.X, train.y);
    expect(Array.from(clf.classes)).toEqual([2, 5, 9]);
    const yhat = await clf.predict(test.X);
    expect(new Set(yhat)).toEqual(new Set([2, 5, 9]));
    expect(accuracy(yhat, test.y)).toBeGreaterThan(0.85);
    expect(clf.fitInfo!.converged).toBe(true);
  });

  it("reaches the optimum of its objective (float64 gradient check)", async () => {
    const w = train.y.map((_, i) => 0.5 + (i % 3));
    const clf = await new LogisticRegression({ lambda: 0.05 }).fit(train.X, train.y, w);
    expect(gradientAt(clf, train.X, train.y, w, 0.05)).toBeLessThan(5e-4);
  });

  it("treats a weight of 2 like a duplicated row, and a weight of 0 like a missing one", async () => {
    const { X, y } = train;
    const junk = gaussian(new Random(9), 10, 5, 4);
    const base = await new LogisticRegression().fit([...X, X[0]], [...y, y[0]]);
    const weighted = await new LogisticRegression().fit([...X, ...junk], [...y, ...junk.map(() => 9)], [2, ...X.slice(1).map(() => 1), ...junk.map(() => 0)]);
    expect(Array.from(weighted.classes)).toEqual(Array.from(base.classes));
    for (let i = 0; i < base.coef.length; i++) expect(Math.abs(weighted.coef[i] - base.coef[i])).toBeLessThan(2e-3);
  });

  it("predictProba: rows sum to 1, columns follow `classes`, and argmax is predict", async () => {
    const clf = await new LogisticRegression().fit(train.X, train.y);
    const P = await clf.predictProba(test.X);
    expect(P.shape).toEqual([test.X.length, 3]);
    const rows = P.arraySync();
    const yhat = await clf.predict(test.X);
    rows.forEach((p, i) => {
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(clf.classes[p.indexOf(Math.max(...p))]).toBe(yhat[i]);
    });
    P.dispose();
  });

  it("is deterministic (same data, same model; the seed changes nothing)", async () => {
    const a = await new LogisticRegression({ seed: 1 }).fit(train.X, train.y);
    const b = await new LogisticRegression({ seed: 1 }).fit(train.X, train.y);
    const c = await new LogisticRegression({ seed: 2 }).fit(train.X, train.y);
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(Array.from(c.coef)).toEqual(Array.from(a.coef));
  });

  it("fitIntercept: false keeps the intercepts at 0; one class predicts that class", async () => {
    const clf = await new LogisticRegression({ fitIntercept: false }).fit(train.X, train.y);
    expect(Array.from(clf.intercept)).toEqual([0, 0, 0]);
    const one = await new LogisticRegression().fit([[1], [2]], [4, 4]);
    expect(Array.from(await one.predict([[0], [5]]))).toEqual([4, 4]);
  });

  it("keeps memory flat across fit, predict and predictProba", async () => {
    const Xt = tf.tensor2d(train.X);
    const yt = tf.tensor1d(train.y);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const clf = await new LogisticRegression({ maxIterations: 20 }).fit(Xt, yt);
      await clf.predict(Xt);
      (await clf.predictProba(Xt)).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([Xt, yt]);
  });

  it("checks its options and inputs", async () => {
    expect(() => new LogisticRegression({ learningRate: 0.1 } as never)).toThrow(
      /unknown option "learningRate"; valid options: lambda, maxIterations, tolerance, fitIntercept, seed/,
    );
    expect(() => new LogisticRegression({ lambda: -1 })).toThrow(/lambda/);
    await expect(new LogisticRegression().fit([[1], [2]], [1, 2], [1])).rejects.toThrow(/sampleWeight has 1 entries but X has 2 rows/);
    await expect(new LogisticRegression().fit([[1], [2]], [1, 2], [1, -1])).rejects.toThrow(/sampleWeight\[1\]/);
    await expect(new LogisticRegression().fit([[1], [2]], [1, 2.5])).rejects.toThrow(/y\[1\] = 2.5 is not an integer/);
    await expect(new LogisticRegression().predict([[1]])).rejects.toThrow(/call fit/);
  });
});
