/**
 * The training library under "strict async" mode (what tfjs-backend-webgpu does in Node: every synchronous read
 * of a tensor fails, only `await t.data()` works): training, evaluation, linear probing / fine-tuning / LP-FT,
 * CKA and cosine drift, MMD, DAN and DANN steps and the PCA scatter must not read synchronously. Also checks that
 * DAN's bandwidth, now computed on the backend, gives the same MK-MMD as the median taken on the CPU.
 */
import * as tf from "@tensorflow/tfjs";
import { strictAsync, useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";
import { linearCka, meanCosineDrift } from "../../src/metrics/cka";
import { mmd } from "../../src/metrics/mmd";
import { Network, mlpSpec } from "../../src/model/deep/network";
import { featuresAt, train } from "../../src/model/deep/train";
import { fineTune, linearProbe, lpFt } from "../../src/model/deep/finetune";
import { SourceOnly } from "../../src/model/deep/adaptDomain";
import { DAN, mkMmd } from "../../src/model/deep/dan";
import { DANN } from "../../src/model/deep/dann";
import { scatter2dAsync } from "../../src/plot/figures";

let restore: () => void;
beforeAll(async () => {
  await useBestBackend({ quiet: true });
  restore = strictAsync();
});
afterAll(() => restore());

/** Three Gaussian classes in 8-D; `shift` offsets the last coordinates (a domain shift). */
function blobs(n: number, seed: number, shift = 0): { X: tf.Tensor2D; y: Int32Array } {
  const rng = new Random(seed);
  const X: number[] = [], y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < 8; j++) X.push(rng.normal(j === c ? 2.5 : j >= 5 ? shift : 0, 1));
  }
  return { X: tf.tensor2d(X, [n, 8]), y };
}

test("strict mode: synchronous reads throw naming the backend, asynchronous ones work", async () => {
  const t = tf.tensor1d([1, 2, 3]);
  expect(() => t.dataSync()).toThrow(`synchronous read on ${tf.getBackend()} (as webgpu in Node would fail)`);
  expect(() => t.arraySync()).toThrow(/synchronous read/);
  expect(() => t.bufferSync()).toThrow(/synchronous read/);
  expect(Array.from(await t.data())).toEqual([1, 2, 3]);
  t.dispose();
});

test("DAN's MK-MMD: the bandwidth computed on the backend equals the CPU median (odd and even pair counts)", async () => {
  for (const [ns, nt] of [[5, 4], [3, 3], [6, 6], [1, 1]]) {
    const a = blobs(ns, 1).X, b = blobs(nt, 2, 1).X;
    const got = (await mkMmd(a, b).data())[0];
    // the former implementation: the median of the pairs i < j read back and sorted in float64
    const z = tf.concat([a, b], 0);
    const sq = tf.sum(tf.square(z), 1, true);
    const D = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(z, z, false, true))));
    const d = await D.data(), n = ns + nt, off: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off.push(d[i * n + j]);
    off.sort((x, y) => x - y);
    const med = off.length % 2 ? off[(off.length - 1) / 2] : (off[off.length / 2 - 1] + off[off.length / 2]) / 2;
    const median = med > 0 ? med : 1;
    let K = tf.zerosLike(D);
    for (const m of [0.25, 0.5, 1, 2, 4]) K = tf.add(K, tf.exp(tf.div(D, -m * median)));
    K = tf.div(K, 5);
    const ref = tf.add(tf.sub(tf.mean(tf.slice(K, [0, 0], [ns, ns])), tf.mul(2, tf.mean(tf.slice(K, [0, ns], [ns, nt])))), tf.mean(tf.slice(K, [ns, ns], [nt, nt])));
    expect(got).toBe((await ref.data())[0]);
    tf.dispose([a, b, z, sq, D, K, ref]);
  }
});

test("train, evaluate, LP / FT / LP-FT, CKA and drift run without synchronous reads", async () => {
  const source = blobs(120, 1), target = blobs(60, 2), test = blobs(60, 3);
  const net = new Network(mlpSpec(8, [16, 8], 3), 0);
  const epochs: number[] = [];
  await train(net, source, { epochs: 10, lr: 0.01, seed: 0, reportEvery: 2, validation: test, onBatch: () => undefined, onEpoch: (e) => { epochs.push(e.loss); } });
  expect(epochs).toHaveLength(10);
  expect(await net.evaluate(test.X, test.y)).toBeGreaterThan(0.5);
  const body = net.depth - 1;
  const f0 = featuresAt(net, test.X, body);
  for (const run of [await linearProbe(net, target, { epochs: 2, seed: 0 }), await fineTune(net, target, { epochs: 2, seed: 0 })]) {
    const f = featuresAt(run.net, test.X, body);
    const [cka, drift] = [await linearCka(f0 as tf.Tensor2D, f as tf.Tensor2D), await meanCosineDrift(f0 as tf.Tensor2D, f as tf.Tensor2D)];
    expect(cka).toBeGreaterThan(0);
    expect(cka).toBeLessThanOrEqual(1 + 1e-9);
    expect(Number.isFinite(drift)).toBe(true);
    f.dispose();
    run.net.dispose();
  }
  const both = await lpFt(net, target, { probe: { epochs: 1, seed: 0 }, fineTune: { epochs: 1, seed: 0 } });
  expect(await both.net.evaluate(test.X, test.y)).toBeGreaterThanOrEqual(0);
  both.net.dispose(); both.probe.net.dispose();
  const fs = featuresAt(net, source.X, body) as tf.Tensor2D;
  const scatter = await scatter2dAsync(f0 as tf.Tensor2D, fs, { sourceLabels: tf.tensor1d(test.y, "int32"), maxPoints: 50 });
  expect(scatter.data.length).toBeGreaterThan(0);
  tf.dispose([f0, fs]); net.dispose();
  tf.dispose([source.X, target.X, test.X]);
}, 60_000);

test("source-only, DAN and DANN steps, their epoch figures and the MMD of their features run without synchronous reads", async () => {
  const s = blobs(90, 4), t = blobs(90, 5, 2);
  const common = { hidden: [16, 8], epochs: 2, batchSize: 32, seed: 1, optimizer: "momentum" as const, lr: 0.03 };
  for (const method of [new SourceOnly(common), new DAN({ ...common, lambda: 1 }), new DANN({ ...common, lambda: 0.2 })]) {
    // labels as a tensor: read asynchronously too
    const yhat = await method.fitPredict(s.X, tf.tensor1d(s.y, "int32"), t.X);
    expect(yhat).toHaveLength(90);
    expect(method.history).toHaveLength(2);
    for (const h of method.history) for (const v of Object.values(h.extra)) expect(Number.isFinite(v)).toBe(true);
    const fs = method.features(s.X), ft = method.features(t.X);
    expect(await mmd(fs, ft, { kernel: "linear" })).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(await mmd(fs, ft))).toBe(true);
    tf.dispose([fs, ft]);
    method.dispose();
  }
  tf.dispose([s.X, t.X]);
}, 60_000);
