/** Prior-based parameter transfer for logistic regression: its limits in λ, its gain with few labels, its checks. */
import * as tf from "@tensorflow/tfjs";
import { ParameterTransfer, parameterTransferCurve, labelledPerClassCapped } from "../../src/model";
import { LogisticRegression } from "../../src/classifiers";
import { loadDomain, preprocess } from "../../src/data";
import { accuracy } from "../../src/metrics";
import { Random } from "../../src/random";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Two Gaussian classes in 5-D; the target's class means are the source's, slightly rotated. */
function domain(n: number, angle: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Random(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2, s = c ? 1 : -1;
    X.push([s * Math.cos(angle) * 1.5 + rng.normal(0, 1), s * Math.sin(angle) * 1.5 + rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)]);
    y.push(c);
  }
  return { X, y };
}

test("λ → ∞ gives the source model, and the prior beats target-only with one label per class", async () => {
  const src = domain(400, 0, 1), tgt = domain(400, 0.4, 2);
  const source = await new LogisticRegression().fit(src.X, src.y);
  const huge = await new ParameterTransfer({ lambda: 1e6 }).fit([tgt.X[0], tgt.X[1]], [tgt.y[0], tgt.y[1]], source);
  expect(Array.from(await huge.predict(tgt.X))).toEqual(Array.from(await source.predict(tgt.X)));
  expect(huge.distanceFromSource(source)).toBeLessThan(1e-3);
  // with few labels: average over draws of one labelled sample per class
  let transfer = 0, targetOnly = 0;
  for (let seed = 0; seed < 8; seed++) {
    const split = labelledPerClassCapped(tgt.y, 1, seed);
    const XL = Array.from(split.train, (i) => tgt.X[i]), yL = Array.from(split.train, (i) => tgt.y[i]);
    const XT = Array.from(split.test, (i) => tgt.X[i]), yT = Array.from(split.test, (i) => tgt.y[i]);
    transfer += accuracy(await new ParameterTransfer({ lambda: 1 }).fit(XL, yL, source).then((m) => m.predict(XT)), yT);
    targetOnly += accuracy(await new LogisticRegression({ lambda: 1 / 2 }).fit(XL, yL).then((m) => m.predict(XT)), yT);
  }
  expect(transfer / 8).toBeGreaterThan(targetOnly / 8 + 0.03);
  // small λ moves away from the source further than large λ
  const split = labelledPerClassCapped(tgt.y, 20, 0);
  const XL = Array.from(split.train, (i) => tgt.X[i]), yL = Array.from(split.train, (i) => tgt.y[i]);
  const weak = await new ParameterTransfer({ lambda: 0.01 }).fit(XL, yL, source);
  const strong = await new ParameterTransfer({ lambda: 100 }).fit(XL, yL, source);
  expect(weak.distanceFromSource(source)).toBeGreaterThan(strong.distanceFromSource(source));
  const p = await strong.predictProba(XL);
  expect(p.shape).toEqual([40, 2]);
  p.dispose();
});

test("fit, predict and the budget curve leave no tensor behind", async () => {
  const src = domain(200, 0, 3), tgt = domain(100, 0.3, 4);
  const Xs = tf.tensor2d(src.X), Xt = tf.tensor2d(tgt.X);
  const before = tf.memory().numTensors;
  const source = await new LogisticRegression().fit(Xs, src.y);
  const m = await new ParameterTransfer().fit(Xt, tgt.y, source);
  await m.predict(Xt);
  (await m.predictProba(Xt)).dispose();
  await parameterTransferCurve(Xs, src.y, Xt, tgt.y, { budgets: [1, 5], seeds: [0] });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([Xs, Xt]);
});

test("a target class unknown to the source gets a zero prior; shapes and options are checked", async () => {
  const source = await new LogisticRegression().fit([[0, 1], [1, 0], [1, 1], [0, 0]], [1, 2, 1, 2]);
  const m = await new ParameterTransfer().fit([[0, 1], [1, 0], [5, 5]], [1, 2, 3], source);
  expect(Array.from(m.classes)).toEqual([1, 2, 3]);
  await expect(new ParameterTransfer().fit([[0, 1, 2]], [1], source)).rejects.toThrow(/the source model has 2 features × 2 classes but X has 3 features/);
  expect(() => new ParameterTransfer({ lamda: 1 } as never)).toThrow('ParameterTransfer: unknown option "lamda" (did you mean "lambda"?)');
  expect(() => new ParameterTransfer({ lambda: -1 })).toThrow('option "lambda" must be ≥ 0');
  await expect(new ParameterTransfer().predict([[0, 1]])).rejects.toThrow("ParameterTransfer.predict: call fit first");
  const yhat = await new ParameterTransfer().fitPredict([[0, 1], [1, 0], [1, 1], [0, 0]], [1, 2, 1, 2], [[0, 1], [1, 0]], [1, 2], [[0, 1]]);
  expect(yhat.length).toBe(1);
});

test("labelledPerClassCapped caps a small class at its size − 1", () => {
  const y = [0, 0, 0, 0, 0, 1, 1, 1];
  const s = labelledPerClassCapped(y, 5, 0);
  expect(s.train.length).toBe(4 + 2);
  expect(s.capped).toEqual([0, 1]);
  expect(() => labelledPerClassCapped([0, 1, 1], 1)).toThrow("class 0 has 1 sample");
});

test("Office-Caltech10 C→A: the source prior beats target-only with 1 and 2 labels per class, and source-only too", async () => {
  const c = await loadDomain("office_caltech10_surf/caltech10"), a = await loadDomain("office_caltech10_surf/amazon");
  const Xc = preprocess(c.X, "l1zscore"), Xa = preprocess(a.X, "l1zscore");
  const curve = await parameterTransferCurve(Xc, c.y, Xa, a.y, { budgets: [1, 2], seeds: [0] });
  // measured (wasm, seeds 0–1): target-only 24.9 / 33.1 %, source-only 53.8 %, transfer 54.9 / 56.1 %
  for (let b = 0; b < 2; b++) {
    expect(curve.parameterTransfer[b]).toBeGreaterThan(curve.targetOnly[b] + 0.1);
    expect(curve.parameterTransfer[b]).toBeGreaterThanOrEqual(curve.sourceOnly[b] - 0.01);
  }
  tf.dispose([c.X, a.X, Xc, Xa]);
}, 120000);
