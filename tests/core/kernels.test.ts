import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { kernelMatrix, medianHeuristicGamma } from "../../src/kernels";
import { Random } from "../../src/random";
import { gaussian, sqDist } from "../helpers/compute";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const rng = new Random(1);
const X = gaussian(rng, 7, 4);
const Y = gaussian(rng, 5, 4, 0.5);

function expectClose(actual: tf.Tensor2D, expected: number[][], tol = 1e-5): void {
  expect(actual.shape).toEqual([expected.length, expected[0].length]);
  const a = actual.arraySync();
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[0].length; j++) expect(Math.abs(a[i][j] - expected[i][j])).toBeLessThan(tol * Math.max(1, Math.abs(expected[i][j])));
  }
}

describe("kernelMatrix", () => {
  it("linear is X Yᵀ", () => {
    const K = kernelMatrix("linear", X, Y);
    expectClose(K, X.map((x) => Y.map((y) => x.reduce((s, v, i) => s + v * y[i], 0))));
    K.dispose();
  });

  it("rbf is exp(−γ‖x−y‖²), γ defaulting to 1 / number of features", () => {
    const K = kernelMatrix("rbf", X, Y, { gamma: 0.3 });
    expectClose(K, X.map((x) => Y.map((y) => Math.exp(-0.3 * sqDist(x, y)))));
    const K0 = kernelMatrix("rbf", X, Y);
    expectClose(K0, X.map((x) => Y.map((y) => Math.exp(-sqDist(x, y) / 4))));
    tf.dispose([K, K0]);
  });

  it("rbf of X with itself is symmetric with an exact unit diagonal", () => {
    const K = kernelMatrix("rbf", X, undefined, { gamma: 0.2 });
    const a = K.arraySync();
    for (let i = 0; i < X.length; i++) {
      expect(a[i][i]).toBe(1);
      for (let j = 0; j < X.length; j++) expect(a[i][j]).toBeCloseTo(a[j][i], 6);
    }
    K.dispose();
  });

  it("primal returns X itself as a new handle (no kernel: the feature space)", () => {
    const Xt = tf.tensor2d(X);
    const K = kernelMatrix("primal", Xt, Y);
    expect(K).not.toBe(Xt);
    K.dispose();
    expectClose(Xt, X); // the caller's tensor is untouched
    Xt.dispose();
  });

  it("names the argument in its errors", () => {
    expect(() => kernelMatrix("rbf", X, [[1, 2, 3]])).toThrow(/Y has 3 features .* X has 4/);
    expect(() => kernelMatrix("rbf", X, Y, { gamma: -1 })).toThrow(/gamma must be a finite number > 0/);
    expect(() => kernelMatrix("rbf", X, Y, { gamma: 0 })).toThrow(/gamma/);
    expect(() => kernelMatrix("poly" as never, X)).toThrow(/"primal", "linear", "rbf"/);
    expect(() => kernelMatrix("rbf", X, Y, { sigma: 1 } as never)).toThrow(/unknown option "sigma"; valid options: gamma/);
  });

  it("frees every intermediate tensor", () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) for (const kind of ["primal", "linear", "rbf"] as const) kernelMatrix(kind, X, Y).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("medianHeuristicGamma", () => {
  function naiveGamma(P: number[][]): number {
    const d: number[] = [];
    for (let i = 0; i < P.length; i++) for (let j = i + 1; j < P.length; j++) d.push(sqDist(P[i], P[j]));
    d.sort((a, b) => a - b);
    const m = d.length;
    return 1 / (m % 2 ? d[(m - 1) / 2] : (d[m / 2 - 1] + d[m / 2]) / 2);
  }

  it("is 1 / median pairwise squared distance of X and Y pooled", () => {
    expect(medianHeuristicGamma(X, Y)).toBeCloseTo(naiveGamma([...X, ...Y]), 5);
    expect(medianHeuristicGamma(X)).toBeCloseTo(naiveGamma(X), 5);
  });

  it("subsamples with a seed above maxSamples: same seed, same γ", () => {
    const big = gaussian(new Random(2), 300, 3);
    const a = medianHeuristicGamma(big, undefined, { maxSamples: 50, seed: 7 });
    const b = medianHeuristicGamma(big, undefined, { maxSamples: 50, seed: 7 });
    const c = medianHeuristicGamma(big, undefined, { maxSamples: 50, seed: 8 });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(Math.abs(a / medianHeuristicGamma(big) - 1)).toBeLessThan(0.3);
  });

  it("rejects mismatched features and coinciding points", () => {
    expect(() => medianHeuristicGamma(X, [[1, 2]])).toThrow(/Y has 2 features/);
    expect(() => medianHeuristicGamma([[1, 1], [1, 1], [1, 1]])).toThrow(/median .* is 0/);
  });
});
