/**
 * Deep domain adaptation: the gradient reversal layer, the multi-kernel MMD loss, the λ schedule, and DAN and
 * DANN against the source-only network on a shifted synthetic problem (fixed seed), their determinism and memory.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { accuracy } from "../../src/metrics/accuracy";
import { mmd } from "../../src/metrics/mmd";
import { Random } from "../../src/random";
import { SourceOnly, rampLambda, type DeepAdapter } from "../../src/model/deep/adaptDomain";
import { DAN, mkMmd } from "../../src/model/deep/dan";
import { DANN, gradientReversal } from "../../src/model/deep/dann";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

function gaussian(n: number, d: number, shift: number, seed: number): tf.Tensor2D {
  const rng = new Random(seed);
  return tf.tensor2d(Float32Array.from({ length: n * d }, (_, k) => rng.normal(k % d === 0 ? shift : 0, 1)), [n, d]);
}

describe("gradient reversal layer", () => {
  test("forward is the identity; backward flips the sign and scales by λ, exactly", async () => {
    const x = tf.tensor2d([[1, -2, 3], [0.5, 4, -1]]);
    const c = tf.tensor2d([[0.3, -1.5, 2], [7, 0.25, -0.125]]);
    for (const lambda of [0, 0.5, 1, 3]) {
      expect(Array.from(await gradientReversal(x, lambda).data())).toEqual(Array.from(await x.data()));
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gradientReversal(v, lambda), c)))(x);
      const expected = (await c.data()).map((v) => -lambda * v);
      expect(Array.from(await g.data())).toEqual(Array.from(expected));
      // without the layer the gradient is +c
      const plain = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, c)))(x);
      expect(Array.from(await plain.data())).toEqual(Array.from(await c.data()));
    }
  });

  test("a bad λ is an error naming it", () => {
    expect(() => gradientReversal(tf.zeros([2, 2]), NaN)).toThrow(/lambda/);
  });

  test("the schedule 2/(1+exp(−10p)) − 1 goes from 0 to ≈1", () => {
    expect(rampLambda(0)).toBe(0);
    expect(rampLambda(0.5)).toBeCloseTo(2 / (1 + Math.exp(-5)) - 1, 12);
    expect(rampLambda(1)).toBeGreaterThan(0.9999);
    expect(() => rampLambda(1.5)).toThrow(/\[0, 1\]/);
  });
});

describe("multi-kernel MMD loss", () => {
  test("0 for the same sample, small for two samples of one distribution, growing with the shift", async () => {
    const a = gaussian(100, 5, 0, 1);
    expect((await mkMmd(a, a).data())[0]).toBeCloseTo(0, 5);
    const values = await Promise.all([0, 0.5, 1, 2, 4].map(async (shift) => (await mkMmd(a, gaussian(100, 5, shift, 2)).data())[0]));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values[0]).toBeLessThan(0.1 * values[values.length - 1]);
  });

  test("differentiable: the gradient moves the target towards the source", async () => {
    const a = gaussian(50, 3, 0, 3), b = gaussian(50, 3, 2, 4);
    const g = tf.grad((t: tf.Tensor) => mkMmd(a, t as tf.Tensor2D))(b);
    // the shifted coordinate's gradient points along +shift (descending it moves b back towards a)
    const cols = await tf.mean(g, 0).data();
    expect(cols[0]).toBeGreaterThan(0);
    expect(Math.abs(cols[0])).toBeGreaterThan(5 * Math.max(Math.abs(cols[1]), Math.abs(cols[2])));
  });

  test("bad input is an error naming the problem", () => {
    expect(() => mkMmd(tf.zeros([3, 2]), tf.zeros([3, 4]))).toThrow(/same number of columns/);
    expect(() => mkMmd(tf.zeros([3, 2]), tf.zeros([3, 2]), { multipliers: [] })).toThrow(/multipliers/);
  });
});

/**
 * Three classes told apart by the first two coordinates; ten more coordinates are noise, N(0, 1) in the source and
 * N(shift, 1) in the target. A network trained on the source alone keeps (random) weights on the noise
 * coordinates, so the target's offset moves its features; adaptation must learn to ignore them.
 */
function nuisanceShift(n: number, shift: number, seed: number): { source: { X: tf.Tensor2D; y: Int32Array }; target: { X: tf.Tensor2D; y: Int32Array } } {
  const rng = new Random(seed);
  const make = (offset: number) => {
    const X: number[] = [], y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3, a = (2 * Math.PI * c) / 3;
      y[i] = c;
      X.push(rng.normal(2 * Math.cos(a), 0.7), rng.normal(2 * Math.sin(a), 0.7));
      for (let j = 2; j < 12; j++) X.push(rng.normal(offset, 1));
    }
    return { X: tf.tensor2d(X, [n, 12]), y };
  };
  return { source: make(0), target: make(shift) };
}

describe("DAN and DANN on a shifted synthetic problem", () => {
  let data: ReturnType<typeof nuisanceShift>;
  beforeAll(() => {
    data = nuisanceShift(300, 2, 0);
  });
  // SGD with momentum, DANN's schedule scaled to end at λ = 0.2: what notebook 07 uses on MNIST ↔ USPS
  const common = { hidden: [32, 16], epochs: 20, batchSize: 32, seed: 2, optimizer: "momentum" as const, lr: 0.03 };
  const results: Record<string, { acc: number; gap: number }> = {};

  async function run(name: string, method: DeepAdapter): Promise<void> {
    const yhat = await method.fitPredict(data.source.X, data.source.y, data.target.X);
    const fs = method.features(data.source.X), ft = method.features(data.target.X);
    results[name] = { acc: accuracy(yhat, data.target.y), gap: await mmd(fs, ft, { kernel: "linear" }) };
    fs.dispose();
    ft.dispose();
    method.dispose();
  }

  test("both reduce the domain gap of the penultimate features and beat source-only on the target", async () => {
    await run("source only", new SourceOnly(common));
    await run("DAN", new DAN({ ...common, lambda: 1 }));
    await run("DANN", new DANN({ ...common, lambda: 0.2 }));
    // eslint-disable-next-line no-console
    console.log(JSON.stringify(results));
    for (const m of ["DAN", "DANN"]) {
      expect(results[m].acc).toBeGreaterThan(results["source only"].acc + 0.02);
      expect(results[m].gap).toBeLessThan(results["source only"].gap);
    }
  }, 120_000);

  test("DANN reports the domain classifier's accuracy per epoch; λ follows the schedule", async () => {
    const dann = new DANN({ ...common, epochs: 3 });
    await dann.fit(data.source.X, data.source.y, data.target.X);
    expect(dann.domainAccuracy).toHaveLength(3);
    for (const a of dann.domainAccuracy) expect(a).toBeGreaterThanOrEqual(0), expect(a).toBeLessThanOrEqual(1);
    const lambdas = dann.history.map((h) => h.extra["λ"]);
    expect(lambdas[0]).toBeLessThan(lambdas[1]);
    expect(lambdas[1]).toBeLessThan(lambdas[2]);
    dann.dispose();
  });

  test("λ = 0 is source-only training exactly (same predictions)", async () => {
    const opts = { ...common, epochs: 3 };
    const base = await new SourceOnly(opts).fitPredict(data.source.X, data.source.y, data.target.X);
    for (const m of [new DAN({ ...opts, lambda: 0 }), new DANN({ ...opts, lambda: 0 })]) {
      expect(Array.from(await m.fitPredict(data.source.X, data.source.y, data.target.X))).toEqual(Array.from(base));
      m.dispose();
    }
  });

  test("the same seed gives the same numbers; another seed other numbers", async () => {
    const opts = { ...common, epochs: 3 };
    const histories: number[][] = [];
    for (const seed of [5, 5, 6]) {
      const dann = new DANN({ ...opts, seed });
      await dann.fit(data.source.X, data.source.y, data.target.X);
      histories.push(dann.history.flatMap((h) => [h.loss, h.extra["domain accuracy"]]));
      dann.dispose();
    }
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).not.toEqual(histories[0]);
  });

  test("memory stays flat: a fit and dispose leave no tensors behind", async () => {
    const opts = { ...common, epochs: 2 };
    const dan = new DAN(opts);
    await dan.fit(data.source.X, data.source.y, data.target.X);
    dan.dispose();
    const before = tf.memory().numTensors;
    for (const m of [new SourceOnly(opts), new DAN(opts), new DANN(opts)]) {
      await m.fitPredict(data.source.X, data.source.y, data.target.X);
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test("predictions come in the training labels' own values", async () => {
    const coded = Int32Array.from(data.source.y, (c) => 10 * (c + 1)); // 10, 20, 30
    const m = new SourceOnly({ ...common, epochs: 3 });
    const yhat = await m.fitPredict(data.source.X, coded, data.target.X);
    expect(new Set(yhat)).toEqual(new Set([10, 20, 30]));
    m.dispose();
    await expect(new SourceOnly().fit(data.source.X, new Int32Array(300), data.target.X)).rejects.toThrow(/two classes/);
    await expect(new SourceOnly().fit(data.source.X, new Int32Array(5), data.target.X)).rejects.toThrow(/5 labels for 300 samples/);
  });

  test("options are checked, naming the bad one", () => {
    expect(() => new DAN({ layers: [5] })).toThrow(/layers/);
    expect(() => new DANN({ lambda: -1 })).toThrow(/lambda/);
    expect(() => new SourceOnly({ epochz: 3 } as never)).toThrow(/epochs/);
  });
});
