/**
 * KMM: the QP solver reaches the optimum (KKT conditions and a certified duality gap, cross-checked against a
 * slow exact reference), the weights fix sample-selection bias in the paper's 1-D regression, and bad input
 * fails with errors that name the argument.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { OneNearestNeighbor } from "../../src/classifiers/nearestNeighbor";
import { mmd } from "../../src/metrics/mmd";
import { Random } from "../../src/random";
import { KMM, kmmObjective, kmmTerms } from "../../src/instance/kmm";
import { KLIEP } from "../../src/instance/kliep";
import { boxSumQPGap, projectBoxSum, solveBoxSumQP } from "../../src/optim/qp";
import { fitPolynomial, meanSquaredError, selectionBiasRegression } from "../../src/instance/toys";
import { pearson as correlation } from "../../src/metrics/rankCorrelation";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** A random KMM-shaped problem: RBF kernel between 2-D points, target shifted. */
function problem(seed: number, n: number, B: number, epsilon: number) {
  const rng = new Random(seed);
  const xs = Array.from({ length: n }, () => [rng.uniform(-2, 2), rng.uniform(-2, 2)]);
  const xt = Array.from({ length: n }, () => [rng.uniform(-1, 1) + 1, rng.uniform(-1, 1)]);
  const k = (a: number[], b: number[]) => Math.exp(-0.5 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2));
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = k(xs[i], xs[j]);
  const kappa = Float64Array.from(xs, (a) => xt.reduce((s, b) => s + k(a, b), 0));
  return { K, kappa, upper: B, sumLower: n * (1 - epsilon), sumUpper: n * (1 + epsilon) };
}

describe("the box + sum QP", () => {
  test("projection: feasible, and no feasible point is closer (checked against random feasible points)", () => {
    const rng = new Random(1);
    for (const [B, L, U] of [[2, 5, 6], [1, 0, 3], [10, 8, 8]]) {
      const v = Float64Array.from({ length: 10 }, () => rng.uniform(-2, 4));
      const p = projectBoxSum(v, B, L, U);
      const s = p.reduce((a, b) => a + b, 0);
      expect(s).toBeGreaterThanOrEqual(L - 1e-9);
      expect(s).toBeLessThanOrEqual(U + 1e-9);
      p.forEach((x) => expect(x >= 0 && x <= B).toBe(true));
      const dist = (x: Float64Array) => x.reduce((a, xi, i) => a + (xi - v[i]) ** 2, 0);
      for (let trial = 0; trial < 200; trial++) {
        const q = projectBoxSum(Float64Array.from(p, (x) => x + rng.normal(0, 0.3)), B, L, U);
        expect(dist(q)).toBeGreaterThanOrEqual(dist(p) - 1e-9);
      }
    }
  });

  test.each([
    ["loose constraints (B = 1000, ε = 0.5)", 1, 1000, 0.5],
    ["upper bounds active (B = 2)", 2, 2, 0.5],
    ["sum constraint active (ε = 0.01)", 3, 1000, 0.01],
    ["both (B = 1.2, ε = 0)", 4, 1.2, 0],
  ])("%s: KKT holds, the duality gap certifies the optimum, and it agrees with a long reference run", (_name, seed, B, epsilon) => {
    const p = problem(seed as number, 60, B as number, epsilon as number);
    const r = solveBoxSumQP(p, { tolerance: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.kktViolation).toBeLessThan(1e-6);
    expect(r.relativeGap).toBeLessThanOrEqual(1e-10);
    const s = r.beta.reduce((a, b) => a + b, 0);
    expect(s).toBeGreaterThanOrEqual(p.sumLower - 1e-8);
    expect(s).toBeLessThanOrEqual(p.sumUpper + 1e-8);
    r.beta.forEach((b) => expect(b >= 0 && b <= (B as number)).toBe(true));
    expect(kmmObjective(p.K, p.kappa, r.beta)).toBeCloseTo(r.objective, 6);
    // an independent check of optimality: no feasible point reached by projected-gradient from elsewhere is lower
    const rng = new Random(seed as number);
    const other = solveBoxSumQP(p, { tolerance: 1e-12, start: Float64Array.from({ length: 60 }, () => rng.uniform(0, Math.min(5, B as number))) });
    expect(Math.abs(other.objective - r.objective)).toBeLessThanOrEqual(1e-9 * Math.abs(r.objective));
    // and the gap at a non-optimal point is positive
    expect(boxSumQPGap(p, projectBoxSum(new Float64Array(60).fill(1), B as number, p.sumLower, p.sumUpper)).gap).toBeGreaterThan(0);
  });
});

describe("KMM", () => {
  test("weights satisfy the constraints, shrink the MMD, and match the MMD formula of the metrics module", async () => {
    const rng = new Random(7);
    const Xs = Array.from({ length: 80 }, () => [rng.normal(0, 1), rng.normal(0, 1)]);
    const Xt = Array.from({ length: 60 }, () => [rng.normal(1, 0.5), rng.normal(0, 0.5)]);
    const kmm = await new KMM({ B: 10, gamma: 0.5 }).fit(Xs, Xt);
    const eps = (Math.sqrt(80) - 1) / Math.sqrt(80);
    const s = kmm.weights.reduce((a, b) => a + b, 0);
    expect(Math.abs(s / 80 - 1)).toBeLessThanOrEqual(eps + 1e-9);
    kmm.weights.forEach((b) => expect(b >= 0 && b <= 10).toBe(true));
    const info = kmm.fitInfo!;
    expect(info.converged).toBe(true);
    expect(info.mmdAfter).toBeLessThan(info.mmdBefore / 3);
    // before weighting it is the biased MMD² with this single RBF kernel
    const reference = await mmd(Xs, Xt, { kernel: "rbf", gamma: 0.5, bandwidths: [1], biased: true });
    expect(info.mmdBefore).toBeCloseTo(reference, 4);
    // source points near the target get more weight than those far from it
    const near = kmm.weights.filter((_, i) => Xs[i][0] > 0.5).reduce((a, b) => a + b, 0) / Xs.filter((x) => x[0] > 0.5).length;
    const far = kmm.weights.filter((_, i) => Xs[i][0] < -0.5).reduce((a, b) => a + b, 0) / Xs.filter((x) => x[0] < -0.5).length;
    expect(near).toBeGreaterThan(3 * far);
  });

  test("sample-selection bias (Huang et al. 2007): KMM-weighted least squares beats unweighted on the test set, over 10 seeds", async () => {
    const errors = { unweighted: [] as number[], kmm: [] as number[], bounded: [] as number[], ratio: [] as number[] };
    const correlations = { kmm: [] as number[], bounded: [] as number[] };
    for (let seed = 0; seed < 10; seed++) {
      const d = selectionBiasRegression({ seed });
      const Xs = Array.from(d.xTrain, (x) => [x]);
      const Xt = Array.from(d.xTest, (x) => [x]);
      const ratio = Array.from(d.xTrain, d.densityRatio);
      const kmm = await new KMM().fit(Xs, Xt);
      const bounded = await new KMM({ B: 2 }).fit(Xs, Xt);
      const err = (w?: ArrayLike<number>) => meanSquaredError(fitPolynomial(d.xTrain, d.yTrain, { weights: w }).predict, d.xTest, d.yTest);
      errors.unweighted.push(err());
      errors.kmm.push(err(kmm.weights));
      errors.bounded.push(err(bounded.weights));
      errors.ratio.push(err(ratio));
      correlations.kmm.push(correlation(Array.from(kmm.weights), ratio));
      correlations.bounded.push(correlation(Array.from(bounded.weights), ratio));
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    // measured (mean test MSE, seeds 0–9): unweighted 0.277, KMM 0.112, KMM with B = 2 0.096, true ratio 0.094
    expect(mean(errors.kmm)).toBeLessThan(0.5 * mean(errors.unweighted));
    expect(errors.kmm.filter((e, i) => e < errors.unweighted[i]).length).toBe(10);
    // the exact optimum with B = 1000 puts the weight on few points (correlation with the true ratio ≈ 0.26);
    // the bound B = 2 spreads it (≈ 0.80) and matches the true ratio's error
    expect(mean(errors.bounded)).toBeLessThan(1.1 * mean(errors.ratio));
    expect(mean(correlations.bounded)).toBeGreaterThan(0.6);
    expect(mean(correlations.bounded)).toBeGreaterThan(mean(correlations.kmm));
  });

  test("fitPredict trains the weighted learner and returns labels in the training labels' values", async () => {
    const rng = new Random(3);
    const Xs = Array.from({ length: 60 }, (_, i) => [rng.normal(i % 2 ? 2 : -2, 1), rng.normal()]);
    const ys = Array.from({ length: 60 }, (_, i) => (i % 2 ? 5 : 3));
    const Xt = Array.from({ length: 30 }, (_, i) => [rng.normal(i % 2 ? 2.5 : -1.5, 1), rng.normal()]);
    const yhat = await new KMM({ learner: new LogisticRegression() }).fitPredict(Xs, ys, Xt);
    expect(yhat).toBeInstanceOf(Int32Array);
    expect(new Set(yhat)).toEqual(new Set([3, 5]));
  });

  test("kmmTerms: the QP objective plus the target constant is the squared MMD", async () => {
    const rng = new Random(11);
    const Xs = Array.from({ length: 20 }, () => [rng.normal(), rng.normal()]);
    const Xt = Array.from({ length: 25 }, () => [rng.normal(0.5), rng.normal()]);
    const t = await kmmTerms(Xs, Xt, { gamma: 0.7 });
    const beta = Float64Array.from({ length: 20 }, () => rng.uniform(0, 2));
    const viaTerms = (2 * kmmObjective(t.K, t.kappa, beta)) / (20 * 20) + t.targetMeanKernel;
    // the same weighted MMD² computed directly
    const k = (a: number[], b: number[]) => Math.exp(-0.7 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2));
    let ss = 0, st = 0, tt = 0;
    for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) ss += beta[i] * beta[j] * k(Xs[i], Xs[j]);
    for (let i = 0; i < 20; i++) for (let j = 0; j < 25; j++) st += beta[i] * k(Xs[i], Xt[j]);
    for (let i = 0; i < 25; i++) for (let j = 0; j < 25; j++) tt += k(Xt[i], Xt[j]);
    expect(viaTerms).toBeCloseTo(ss / 400 - (2 * st) / (20 * 25) + tt / 625, 5);
  });

  test("KLIEP beside it: weights average 1 over the source and follow the density ratio", async () => {
    const d = selectionBiasRegression({ seed: 1 });
    const kliep = await new KLIEP({ seed: 0 }).fit(Array.from(d.xTrain, (x) => [x]), Array.from(d.xTest, (x) => [x]));
    const mean = kliep.weights.reduce((a, b) => a + b, 0) / kliep.weights.length;
    expect(mean).toBeCloseTo(1, 3);
    expect(correlation(Array.from(kliep.weights), Array.from(d.xTrain, d.densityRatio))).toBeGreaterThan(0.7);
    const cv = await new KLIEP({ gammas: [0.1, 1, 10], seed: 0 }).fit(Array.from(d.xTrain, (x) => [x]), Array.from(d.xTest, (x) => [x]));
    expect(cv.crossValidation).toHaveLength(3);
    expect([0.1, 1, 10]).toContain(cv.gamma);
  });

  test("no tensor is left behind", async () => {
    const Xs = tf.randomNormal([40, 3], 0, 1, "float32", 1) as tf.Tensor2D;
    const Xt = tf.randomNormal([30, 3], 0.5, 1, "float32", 2) as tf.Tensor2D;
    const ys = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const before = tf.memory().numTensors;
    await new KMM().fitPredict(Xs, ys, Xt);
    await new KLIEP().fitPredict(Xs, ys, Xt);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([Xs, Xt]);
  });
});

describe("bad input names the argument", () => {
  const good = [[0, 1], [1, 0], [2, 2]];
  test.each([
    ["B ≤ 0", () => new KMM({ B: 0 }), /option "B".*must be > 0, got 0/],
    ["negative B", () => new KMM({ B: -1 }), /option "B"/],
    ["negative epsilon", () => new KMM({ epsilon: -0.1 }), /option "epsilon" must be ≥ 0/],
    ["an unknown option", () => new KMM({ b: 3 } as never), /unknown option "b".*did you mean "B"/],
    ["a learner without sample weights (1-NN)", () => new KMM({ learner: new OneNearestNeighbor() }), /option "learner" \(OneNearestNeighbor\) ignores sample weights/],
    ["a learner whose fit takes no weights", () => new KMM({ learner: { fit: async (_X: unknown, _y: unknown) => null, predict: async () => new Int32Array(0) } as never }), /fit\(X, y\) without a sampleWeight/],
  ])("%s", (_name, make, message) => {
    expect(make).toThrow(message as RegExp);
  });

  test.each([
    ["an empty source", () => new KMM().fit(tf.zeros([0, 2]) as tf.Tensor2D, good), /Xs is empty/],
    ["an empty target", () => new KMM().fit(good, [] as number[][]), /Xt is empty/],
    ["mismatched dimensions", () => new KMM().fit(good, [[1, 2, 3]]), /Xt has 3 features \(columns\) but Xs has 2/],
    ["NaN in the source", () => new KMM().fit([[0, NaN], [1, 1]], good), /Xs has a non-finite value \(NaN\) at row 0, column 1/],
    ["B too small for ε", () => new KMM({ B: 0.5, epsilon: 0.1 }).fit(good, good), /"B" = 0.5 is too small.*B ≥ 1 − ε/],
    ["labels of the wrong length", () => new KMM().fitPredict(good, [1, 2], good), /ys has 2 labels but Xs has 3 rows/],
  ])("%s", async (_name, run, message) => {
    await expect(run()).rejects.toThrow(message as RegExp);
  });
});
