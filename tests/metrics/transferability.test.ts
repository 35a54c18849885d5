/**
 * The negative transfer gap, LEEP, LogME and the rank correlations on tiny inputs checked by hand, and their
 * expected monotone behaviour.
 */
import { useBestBackend } from "../../src/backend";
import { kendallTau, leep, logme, logmeDetails, negativeTransferGap, ranks, spearman, studentTQuantile, tInterval, targetError } from "../../src/metrics";
import { Random } from "../../src/random";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

describe("negativeTransferGap", () => {
  it("is ε(with source) − ε(target only), paired by seed, with a Student-t interval", async () => {
    const seen: number[] = [];
    const ntg = await negativeTransferGap((s) => { seen.push(s); return 0.3 + 0.01 * (s % 2); }, () => 0.2, { seeds: [0, 1, 2, 3, 4] });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(ntg.perSeed.map((g) => +g.toFixed(10))).toEqual([0.1, 0.11, 0.1, 0.11, 0.1]);
    expect(ntg.gap).toBeCloseTo(0.104, 12);
    // std of [0.1, 0.11, 0.1, 0.11, 0.1]: √(3·0.004² + 2·0.006²)/2 = √(0.00012)/2
    expect(ntg.std).toBeCloseTo(Math.sqrt(0.00012) / 2, 12);
    const half = 2.7764451052 * ntg.std / Math.sqrt(5);
    expect(ntg.interval[0]).toBeCloseTo(0.104 - half, 8);
    expect(ntg.interval[1]).toBeCloseTo(0.104 + half, 8);
    expect(ntg.negative).toBe(true);
    expect(ntg.significant).toBe(true);
  });

  it("is negative (positive transfer) when the source helps, and not significant when the arms tie on average", async () => {
    const helps = await negativeTransferGap(() => 0.1, (s) => 0.3 + 0.02 * s, { seeds: [1, 2, 3] });
    expect(helps.gap).toBeCloseTo(-0.24, 12);
    expect(helps.negative).toBe(false);
    expect(helps.significant).toBe(true);
    const tie = await negativeTransferGap((s) => (s % 2 ? 0.3 : 0.1), () => 0.2, { seeds: [0, 1, 2, 3] });
    expect(tie.gap).toBeCloseTo(0, 12);
    expect(tie.interval[0]).toBeLessThan(0);
    expect(tie.interval[1]).toBeGreaterThan(0);
    expect(tie.significant).toBe(false);
  });

  it("names the bad argument", async () => {
    await expect(negativeTransferGap(() => 1.5, () => 0.2)).rejects.toThrow(/withSource\(0\) returned 1.5/);
    await expect(negativeTransferGap(() => 0.5, () => 0.2, { seeds: [0] })).rejects.toThrow(/at least 2 integers/);
    await expect(negativeTransferGap(() => 0.5, () => 0.2, { seed: 1 } as never)).rejects.toThrow(/unknown option "seed"/);
    expect(() => targetError([1, 2], [1])).toThrow(/yhat has 2 labels but y has 1/);
    expect(targetError([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5);
  });

  it("Student t quantiles match the tables", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812461, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959964, 4);
    const t = tInterval([1, 2, 3], 0.95);
    expect(t.mean).toBe(2);
    expect(t.halfWidth).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
  });
});

describe("leep", () => {
  it("matches the value computed by hand on three samples", () => {
    const theta = [[0.8, 0.2], [0.6, 0.4], [0.3, 0.7]];
    const y = [0, 0, 1];
    // P̂(y, z): y=0 → (1.4, 0.6)/3, y=1 → (0.3, 0.7)/3; P̂(z) = (1.7, 1.3)/3
    const p0 = [1.4 / 1.7, 0.6 / 1.3], p1 = [0.3 / 1.7, 0.7 / 1.3];
    const expected = (Math.log(0.8 * p0[0] + 0.2 * p0[1]) + Math.log(0.6 * p0[0] + 0.4 * p0[1]) + Math.log(0.3 * p1[0] + 0.7 * p1[1])) / 3;
    expect(leep(theta, y)).toBeCloseTo(expected, 12);
  });

  it("is 0 for a source whose classes map one-to-one onto the target's, and −H(y) for outputs that ignore x", () => {
    // source classes (columns) are a permutation of the target classes 5, 7, 9
    const y = [5, 7, 9, 5, 9];
    const column: Record<number, number> = { 5: 2, 7: 0, 9: 1 };
    const oneHot = y.map((c) => [0, 1, 2].map((z) => (z === column[c] ? 1 : 0)));
    expect(leep(oneHot, y)).toBeCloseTo(0, 12);
    const constant = y.map(() => [0.2, 0.5, 0.3]);
    const prior = [2 / 5, 1 / 5, 2 / 5];
    expect(leep(constant, y)).toBeCloseTo(prior.reduce((s, p) => s + p * Math.log(p), 0), 12);
  });

  it("falls as the source model's outputs carry less about the target labels", () => {
    const rng = new Random(1);
    const y = Array.from({ length: 200 }, () => rng.int(4));
    const scores = [0, 0.3, 0.6, 0.9, 1].map((t) => leep(y.map((c) => [0, 1, 2, 3].map((z) => (1 - t) * (z === (c + 1) % 4 ? 1 : 0) + t / 4)), y));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
  });

  it("rejects logits and mismatched labels", () => {
    expect(() => leep([[2, -1], [0.5, 0.5]], [0, 1])).toThrow(/row 0 of sourceProbabilities sums to 1, not 1|probabilities must be ≥ 0/);
    expect(() => leep([[0.9, 0.3], [0.5, 0.5]], [0, 1])).toThrow(/row 0 of sourceProbabilities sums to 1.2/);
    expect(() => leep([[0.5, 0.5]], [0, 1])).toThrow(/1 rows but targetLabels has 2/);
  });
});

/** log N(y | 0, β⁻¹I + α⁻¹FFᵀ) / n, the evidence in closed form (Gaussian elimination, for tiny n). */
function closedFormEvidence(F: number[][], y: number[], alpha: number, beta: number): number {
  const n = F.length;
  const C = F.map((fi, i) => F.map((fj, j) => fi.reduce((s, v, k) => s + v * fj[k], 0) / alpha + (i === j ? 1 / beta : 0)));
  // LU without pivoting (C is symmetric positive definite): log det and C⁻¹y
  const A = C.map((r) => [...r]);
  const b = [...y];
  let logDet = 0;
  for (let k = 0; k < n; k++) {
    logDet += Math.log(A[k][k]);
    for (let i = k + 1; i < n; i++) {
      const f = A[i][k] / A[k][k];
      for (let j = k; j < n; j++) A[i][j] -= f * A[k][j];
      b[i] -= f * b[k];
    }
  }
  const x = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) x[i] = (b[i] - A[i].slice(i + 1).reduce((s, v, q) => s + v * x[i + 1 + q], 0)) / A[i][i];
  const quad = y.reduce((s, v, i) => s + v * x[i], 0);
  return (-0.5 * n * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * quad) / n;
}

describe("logme", () => {
  const cases: [string, number[][], number[]][] = [
    ["D ≤ n (FᵀF route)", [[1, 0.2], [0.9, -0.1], [0.1, 1.1], [-0.2, 0.8], [1.2, 0.3]], [0, 0, 1, 1, 0]],
    // D > n: rank 3 (row 3 = row 1 + row 2), so y is not always fitted exactly and a maximum can be inside
    ["D > n (FFᵀ route)", [[2, 0, 0.2, 0.1, 0], [0, 2, 0.1, 0.3, 0], [2, 2, 0.3, 0.4, 0], [0.1, 0.2, 0, 0, 0]], [0, 1, 1, 0]],
  ];
  it.each(cases)("the evidence at the fitted α, β is the Gaussian marginal likelihood, and a maximum: %s", (_, F, y) => {
    const d = logmeDetails(F, y);
    expect(d.classes).toEqual([0, 1]);
    let interior = 0;
    d.perClass.forEach((fit, k) => {
      const target = y.map((c) => (c === k ? 1 : 0));
      expect(fit.evidence).toBeCloseTo(closedFormEvidence(F, target, fit.alpha, fit.beta), 9);
      // where the maximum is inside (not α → ∞: features useless, or β → ∞: y fitted exactly), it is a
      // stationary point: moving α or β by 5 % lowers the evidence
      if (fit.alpha < 1e4 && fit.beta < 1e4) {
        interior++;
        expect(fit.iterations).toBeLessThan(100);
        for (const [a, b] of [[1.05, 1], [0.95, 1], [1, 1.05], [1, 0.95]]) {
          expect(closedFormEvidence(F, target, fit.alpha * a, fit.beta * b)).toBeLessThan(fit.evidence - 1e-6);
        }
      }
    });
    expect(interior).toBeGreaterThanOrEqual(1);
    expect(logme(F, y)).toBeCloseTo((d.perClass[0].evidence + d.perClass[1].evidence) / 2, 12);
  });

  it("falls as the features carry less about the labels", () => {
    const rng = new Random(2);
    const y = Array.from({ length: 120 }, () => rng.int(3));
    const features = (noise: number) => y.map((c) => [0, 1, 2, 3, 4].map((j) => (j === c ? 1 : 0) + noise * rng.normal()));
    const scores = [0.05, 0.3, 1, 3].map((s) => logme(features(s), y));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
  });

  it("rejects bad input", () => {
    expect(() => logme([[1, 2], [3, 4]], [0])).toThrow(/2 rows but labels has 1/);
    expect(() => logme([[1, NaN], [3, 4]], [0, 1])).toThrow(/non-finite value \(NaN\) at row 0, column 1/);
    expect(() => logme([[1], [2]], [0, 1], { maxIterations: 0 })).toThrow(/maxIterations/);
  });
});

describe("rank correlations", () => {
  it("Spearman and Kendall on hand-checked cases, ties included", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(kendallTau([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
    expect(Array.from(ranks([3, 1, 2, 2]))).toEqual([4, 1, 2.5, 2.5]);
    // ties in a: Kendall τ_b = 5/√(5·6), Spearman on averaged ranks = 4.5/√(4.5·5)
    expect(kendallTau([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/a has 2 values but b has 1/);
  });
});
