import * as tf from "@tensorflow/tfjs";
import { loadDomain, preprocess, PREPROCESS_METHODS } from "../../src/data";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Column means and population stds of a row-major matrix, in float64. */
function columnStats(t: tf.Tensor2D): { mean: Float64Array; std: Float64Array } {
  const [n, d] = t.shape;
  const x = t.dataSync();
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]);
  return { mean, std };
}

test("l1zscore on a small matrix equals the protocol by hand", () => {
  // rows sum to 4, 2 and 0 (a zero row stays zero before z-scoring); column 2 is constant after L1 → 0
  const X = [[1, 1, 2], [1, 0, 1], [0, 0, 0]];
  const r = [[0.25, 0.25, 0.5], [0.5, 0, 0.5], [0, 0, 0]];
  const expected = [0, 1, 2].map((j) => {
    const col = r.map((row) => row[j]);
    const m = col.reduce((a, b) => a + b) / 3;
    const s = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
    return col.map((v) => (s === 0 ? 0 : (v - m) / s));
  });
  const out = preprocess(X, "l1zscore").arraySync();
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(out[i][j]).toBeCloseTo(expected[j][i], 6);
});

test("zscore: constant columns become 0 (also when their mean is not exact in floating point)", () => {
  const c = 0.1 + 0.2; // 0.30000000000000004: the computed mean of a column of it is off by an ulp
  const out = preprocess([[c, 1], [c, 2], [c, 3], [c, 4], [c, 5], [c, 6], [c, 7]], "zscore").arraySync();
  for (const row of out) expect(row[0]).toBe(0);
  expect(out.map((r) => r[1])).toEqual([-1.5, -1, -0.5, 0, 0.5, 1, 1.5].map((v) => expect.closeTo(v, 6)));
});

test("l1zscore on caltech10: every column has mean 0 and std 1, or is all 0", async () => {
  const d = await loadDomain("office_caltech10_surf/caltech10");
  const Z = preprocess(d.X, "l1zscore");
  expect(Z.shape).toEqual(d.X.shape);
  expect(Z.dtype).toBe("float32");
  const { mean, std } = columnStats(Z);
  let unit = 0, zero = 0;
  for (let j = 0; j < mean.length; j++) {
    expect(Math.abs(mean[j])).toBeLessThan(1e-5);
    if (std[j] === 0) zero++;
    else {
      expect(std[j]).toBeCloseTo(1, 4);
      unit++;
    }
  }
  expect(unit + zero).toBe(800);
  expect(unit).toBeGreaterThan(700);
  // X itself is untouched: still the raw counts
  expect(d.X.dataSync().every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  d.X.dispose();
  Z.dispose();
});

test("zscore on mnist: columns mean 0 and std 1 or 0", async () => {
  const d = await loadDomain("mnist_usps/mnist");
  const { mean, std } = columnStats(preprocess(d.X, "zscore"));
  for (let j = 0; j < mean.length; j++) {
    expect(Math.abs(mean[j])).toBeLessThan(1e-5);
    expect(std[j] === 0 || Math.abs(std[j] - 1) < 1e-4).toBe(true);
  }
  d.X.dispose();
});

test("l2: every row has unit norm, zero rows stay zero; accepts number[][] and tensors", async () => {
  const small = preprocess([[3, 4], [0, 0], [-1, 0]], "l2").arraySync();
  expect(small[0]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  expect(small[1]).toEqual([0, 0]);
  expect(small[2]).toEqual([-1, 0]);
  const d = await loadDomain("coil20/coil1");
  const norms = preprocess(d.X, "l2").square().sum(1).sqrt().dataSync();
  for (const v of norms) expect(v).toBeCloseTo(1, 5);
  d.X.dispose();
});

test("bad input: unknown method lists the valid ones; non-finite values are named", () => {
  expect(() => preprocess([[1, 2]], "minmax" as never)).toThrow(`preprocess: unknown method "minmax"; valid methods: ${PREPROCESS_METHODS.join(", ")}`);
  expect(() => preprocess([[1, NaN]], "l2")).toThrow(/non-finite value \(NaN\) at row 0, column 1/);
  expect(() => preprocess(tf.tensor1d([1, 2]) as never, "l2")).toThrow(/must be a 2-D matrix/);
});
