import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { medianHeuristicGamma } from "../../src/kernels";
import { accuracy, mmd, proxyADistance } from "../../src/metrics";
import { Random } from "../../src/random";
import { gaussian, naiveMmd } from "../helpers/compute";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("accuracy", () => {
  it("is the fraction of equal labels, for arrays and tensors", () => {
    expect(accuracy([1, 2, 3, 4], [1, 2, 0, 4])).toBe(0.75);
    expect(accuracy(Int32Array.from([5, 5]), [5, 5])).toBe(1);
    const t = tf.tensor1d([1, 0, 0]);
    expect(accuracy(t, [0, 0, 0])).toBeCloseTo(2 / 3);
    t.dispose();
  });

  it("rejects different lengths and empty inputs", () => {
    expect(() => accuracy([1, 2], [1, 2, 3])).toThrow(/yhat has 2 labels but y has 3/);
    expect(() => accuracy([], [])).toThrow(/empty/);
  });
});

describe("mmd", () => {
  const rng = new Random(3);
  const Xs = gaussian(rng, 40, 5);
  const Xt = gaussian(rng, 33, 5, 0.7);

  it("matches a naive float64 double loop (rbf, multi-bandwidth, unbiased and biased) to 1e-4 relative", async () => {
    const g0 = medianHeuristicGamma(Xs, Xt);
    const gammas = [0.25, 0.5, 1, 2, 4].map((b) => b * g0);
    expect(relErr(await mmd(Xs, Xt), naiveMmd(Xs, Xt, gammas, false))).toBeLessThan(1e-4);
    expect(relErr(await mmd(Xs, Xt, { biased: true }), naiveMmd(Xs, Xt, gammas, true))).toBeLessThan(1e-4);
  });

  it("matches the naive loop with a given gamma, custom bandwidths and small uneven blocks", async () => {
    const want = naiveMmd(Xs, Xt, [0.1], false);
    expect(relErr(await mmd(Xs, Xt, { gamma: 0.1, bandwidths: [1] }), want)).toBeLessThan(1e-4);
    expect(relErr(await mmd(Xs, Xt, { gamma: 0.1, bandwidths: [1], blockSize: 7 }), want)).toBeLessThan(1e-4);
    const odd = [0.3, 1, 3.7]; // not powers of two: one exp per bandwidth
    expect(relErr(await mmd(Xs, Xt, { gamma: 0.05, bandwidths: odd, blockSize: 9, biased: true }), naiveMmd(Xs, Xt, odd.map((b) => 0.05 * b), true))).toBeLessThan(1e-4);
  });

  it("linear is ‖mean(Xs) − mean(Xt)‖² by default, the U-statistic with biased: false", async () => {
    expect(relErr(await mmd(Xs, Xt, { kernel: "linear" }), naiveMmd(Xs, Xt, "linear", true))).toBeLessThan(1e-4);
    expect(relErr(await mmd(Xs, Xt, { kernel: "linear", biased: false }), naiveMmd(Xs, Xt, "linear", false))).toBeLessThan(1e-4);
  });

  it("is near 0 for one distribution and grows with the shift", async () => {
    const r = new Random(4);
    const base = gaussian(r, 300, 10);
    const same = gaussian(r, 300, 10);
    const gamma = 1 / 20;
    const zero = await mmd(base, same, { gamma });
    expect(Math.abs(zero)).toBeLessThan(2e-3); // unbiased: may be slightly negative
    const values = [];
    for (const shift of [0.25, 0.5, 1, 2]) values.push(await mmd(base, gaussian(r, 300, 10, shift), { gamma }));
    expect(values[0]).toBeGreaterThan(10 * Math.abs(zero));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
  });

  it("uses its seed only for the median heuristic's subsample: same seed, same number", async () => {
    const r = new Random(5);
    const A = gaussian(r, 700, 4), B = gaussian(r, 600, 4, 0.3);
    const a = await mmd(A, B, { seed: 11 });
    expect(await mmd(A, B, { seed: 11 })).toBe(a);
    expect(await mmd(A, B, { seed: 12 })).not.toBe(a);
  });

  it("names the argument in its errors", async () => {
    await expect(mmd(Xs, [[1, 2]])).rejects.toThrow(/Xt has 2 features .* Xs has 5/);
    await expect(mmd(Xs, Xt, { kernel: "primal" as never })).rejects.toThrow(/"linear" or "rbf"/);
    await expect(mmd(Xs, Xt, { kernel: "poly" as never })).rejects.toThrow(/"primal", "linear", "rbf"/);
    await expect(mmd(Xs, Xt, { gamma: 0 })).rejects.toThrow(/"gamma" must be a finite number > 0/);
    await expect(mmd(Xs, Xt, { bandwidths: [] })).rejects.toThrow(/bandwidths/);
    await expect(mmd(Xs, Xt, { sigma: 1 } as never)).rejects.toThrow(/unknown option "sigma"; valid options: kernel, gamma, bandwidths, biased, seed, blockSize/);
    await expect(mmd([[1, 2]], Xt.map((r) => r.slice(0, 2)))).rejects.toThrow(/at least 2 rows/);
  });

  it("frees its tensors and leaves the caller's alone", async () => {
    const A = tf.tensor2d(Xs), B = tf.tensor2d(Xt);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await mmd(A, B, { blockSize: 16 });
      await mmd(A, B, { kernel: "linear" });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(A.isDisposed || B.isDisposed).toBe(false);
    tf.dispose([A, B]);
  });
});

describe("proxyADistance", () => {
  const r = new Random(6);
  const A = gaussian(r, 400, 20);
  const B = gaussian(r, 350, 20);
  const far = gaussian(r, 300, 20, 3);

  it("is near 0 for one distribution and near 2 for separated ones", async () => {
    expect(await proxyADistance(A, B)).toBeLessThan(0.4);
    expect(await proxyADistance(A, far)).toBeGreaterThan(1.9);
  });

  it("same seed, same number", async () => {
    const mid = gaussian(new Random(7), 300, 20, 0.15);
    const a = await proxyADistance(A, mid, { seed: 3 });
    expect(await proxyADistance(A, mid, { seed: 3 })).toBe(a);
    const others = await Promise.all([4, 5, 6].map((seed) => proxyADistance(A, mid, { seed })));
    expect(others.some((v) => v !== a)).toBe(true);
  });

  it("validates its options and frees its tensors", async () => {
    await expect(proxyADistance(A, B, { testFraction: 1 })).rejects.toThrow(/testFraction/);
    await expect(proxyADistance(A, B, { split: 0.5 } as never)).rejects.toThrow(/valid options: seed, testFraction, lambda, maxIterations/);
    const before = tf.memory().numTensors;
    await proxyADistance(A, far);
    expect(tf.memory().numTensors).toBe(before);
  });
});
