/**
 * The deep core (src/model/deep): networks cut-able at every layer, a convolution that trains on wasm,
 * seeded determinism, freezing, save/load, memory held flat by the training loop, and interruption.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import {
  Network, yosinskiSpec, mlpSpec, conv2dSame, train, saveNetwork, loadNetwork, trainOrLoad, transferNetwork, featuresAt,
} from "../../src/model/deep";

jest.setTimeout(120_000);

let tmp: string;
beforeAll(async () => {
  await useBestBackend({ quiet: true, prefer: "wasm" });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-deep-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** a small separable problem: class = which quadrant is brightest */
function toyData(n: number, seed: number, classes = 4): { X: tf.Tensor2D; y: Int32Array } {
  const X = new Float32Array(n * 196), y = new Int32Array(n);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let p = 0; p < 196; p++) {
      const r = Math.floor(p / 14), q = p % 14;
      const quadrant = (r < 7 ? 0 : 2) + (q < 7 ? 0 : 1);
      X[i * 196 + p] = 0.3 * rnd() + (quadrant === c ? 0.6 : 0);
    }
  }
  return { X: tf.tensor2d(X, [n, 196]), y };
}

async function values(net: Network): Promise<Float32Array[]> {
  return Promise.all(net.variables().map(async (v) => (await v.data()) as Float32Array));
}
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

test("forward gives every layer's features: shapes of the notebook 06 convnet and of an MLP", async () => {
  const net = new Network(yosinskiSpec(5), 1);
  expect(net.depth).toBe(6);
  const x = tf.zeros([3, 196]);
  const shapes = [1, 2, 3, 4, 5, 6].map((n) => tf.tidy(() => net.forward(x, { upTo: n }).shape));
  expect(shapes).toEqual([[3, 14, 14, 8], [3, 7, 7, 8], [3, 4, 4, 16], [3, 64], [3, 64], [3, 5]]);
  // from a cut: the same logits as the full pass
  const full = tf.tidy(() => net.forward(x));
  const h = net.forward(x, { upTo: 3 });
  const rest = net.forward(h, { from: 3 });
  expect((await tf.max(tf.abs(tf.sub(full, rest))).data())[0]).toBe(0);
  expect(() => net.forward(x, { upTo: 7 })).toThrow("upTo must be an integer in [0, 6], got 7");
  const mlp = new Network(mlpSpec(256, [64, 32], 10), 2);
  expect(tf.tidy(() => mlp.forward(tf.zeros([2, 256]), { upTo: 2 }).shape)).toEqual([2, 32]);
  tf.dispose([x, full, h, rest]);
  net.dispose(); mlp.dispose();
});

test("conv2dSame equals tf.conv2d, and its gradients equal the cpu backend's Conv2DBackpropFilter/Input", async () => {
  const x = tf.randomNormal([4, 7, 7, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 3, 5], 0, 1, "float32", 2) as tf.Tensor4D;
  const dy = tf.randomNormal([4, 7, 7, 5], 0, 1, "float32", 3);
  const mine = conv2dSame(x, w), ref = tf.conv2d(x, w, 1, "same");
  expect((await tf.max(tf.abs(tf.sub(mine, ref))).data())[0]).toBeLessThan(1e-4);
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2dSame(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, w]);
  // tf.conv2d itself cannot be differentiated on wasm (no Conv2DBackpropFilter): the reference comes from cpu
  expect(() => tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x, b as tf.Tensor4D, 1, "same")))(w)).toThrow();
  const [xs, ws, dys, gxs, gws] = await Promise.all([x, w, dy, gx, gw].map((t) => t.array()));
  await tf.setBackend("cpu");
  try {
    const [rx, rw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same"), tf.tensor(dys as number[][][][]))))(
      [tf.tensor(xs as number[][][][]), tf.tensor(ws as number[][][][])]);
    expect((await tf.max(tf.abs(tf.sub(rx, tf.tensor(gxs as number[][][][])))).data())[0]).toBeLessThan(1e-3);
    expect((await tf.max(tf.abs(tf.sub(rw, tf.tensor(gws as number[][][][])))).data())[0]).toBeLessThan(1e-3);
  } finally {
    await tf.setBackend("wasm");
  }
});

test("every variable of the convnet gets a finite, non-zero gradient on wasm", async () => {
  expect(tf.getBackend()).toBe("wasm");
  const net = new Network(yosinskiSpec(4), 3);
  const { X, y } = toyData(16, 1);
  const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(y, "int32"), 4), net.forward(X)) as tf.Scalar, net.variables());
  expect(Object.keys(grads)).toHaveLength(12);
  for (const g of Object.values(grads)) {
    const v = await g.data();
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(v, Math.abs))).toBeGreaterThan(0);
  }
  tf.dispose([X, ...Object.values(grads)]);
  net.dispose();
});

test("the same seed gives the same weights and the same training; another seed does not", async () => {
  const data = toyData(128, 2);
  const run = async (seed: number, order: number) => {
    const net = new Network(yosinskiSpec(4), seed);
    const r = await train(net, data, { epochs: 2, batchSize: 32, seed: order });
    const w = await values(net);
    net.dispose();
    return { loss: r.history.map((h) => h.loss), w };
  };
  const a = await run(5, 1), b = await run(5, 1), c = await run(6, 1), d = await run(5, 2);
  expect(a.loss).toEqual(b.loss);
  expect(a.w.every((w, i) => same(w, b.w[i]))).toBe(true);
  expect(same(a.w[0], c.w[0])).toBe(false);
  expect(a.loss).not.toEqual(d.loss);
});

test("training learns: the toy task goes from chance to > 90 % on held-out data", async () => {
  const tr = toyData(256, 3), te = toyData(128, 4);
  const net = new Network(yosinskiSpec(4), 1);
  expect(await net.evaluate(te.X, te.y)).toBeLessThan(0.6);
  const r = await train(net, tr, { epochs: 4, batchSize: 32, seed: 1, validation: te });
  expect(r.history).toHaveLength(4);
  expect(r.history[3].valAccuracy).toBeGreaterThan(0.9);
  expect(r.history[3].loss).toBeLessThan(r.history[0].loss);
  net.dispose();
});

test("freeze(n) keeps the first n layers exactly as they were; copyLayersFrom, reinitFrom and transferNetwork", async () => {
  const base = new Network(yosinskiSpec(4), 1);
  const before = await values(base);
  base.freeze(3);
  expect(base.trainableVariables()).toHaveLength(6);
  await train(base, toyData(64, 5), { epochs: 1, batchSize: 16 });
  const after = await values(base);
  for (let i = 0; i < 12; i++) expect(same(before[i], after[i])).toBe(i < 6); // 2 variables a layer
  // AnB: first n copied and frozen, the rest drawn from the new seed as a fresh network would be
  const anb = transferNetwork(base, 2, { seed: 9 });
  const fresh = new Network(yosinskiSpec(4), 9);
  const [t, f] = [await values(anb), await values(fresh)];
  for (let i = 0; i < 12; i++) expect(same(t[i], i < 4 ? after[i] : f[i])).toBe(true);
  expect(anb.frozen).toBe(2);
  expect(transferNetwork(base, 2, { seed: 9, fineTune: true }).frozen).toBe(0);
  // reinitFrom(n, seed) draws layers n… like new Network(spec, seed)
  const r = base.clone().reinitFrom(4, 9);
  const rv = await values(r);
  for (let i = 0; i < 12; i++) expect(same(rv[i], i < 8 ? after[i] : f[i])).toBe(true);
  expect(() => transferNetwork(base, 6, { seed: 1 })).toThrow("transferNetwork: n must be an integer in [0, 5], got 6");
  expect(() => new Network(yosinskiSpec(4), 1).copyLayersFrom(new Network(mlpSpec(196, [8], 4), 1), 1)).toThrow(/layer 1 variable 0 has shape/);
  // frozen layers are applied once to the data: the result is the training of the rest on those features
  const feats = featuresAt(base, toyData(8, 1).X, 3);
  expect(feats.shape).toEqual([8, 4, 4, 16]);
});

test("saveNetwork / loadNetwork round trip: identical outputs; trainOrLoad trains once, then loads", async () => {
  const net = new Network(yosinskiSpec(4), 4);
  await train(net, toyData(64, 6), { epochs: 1, batchSize: 16 });
  net.freeze(2);
  const dir = path.join(tmp, "net");
  await saveNetwork(net, dir);
  expect(fs.existsSync(path.join(dir, "model.json")) && fs.existsSync(path.join(dir, "weights.bin"))).toBe(true);
  const back = await loadNetwork(dir);
  expect(back.frozen).toBe(2);
  const x = toyData(10, 7).X;
  expect(same(await net.forward(x).data(), await back.forward(x).data())).toBe(true);
  await expect(loadNetwork(path.join(tmp, "nothing"))).rejects.toThrow(/loadNetwork: cannot read .*nothing.model\.json/);

  process.env.TL_MODELS_DIR = path.join(tmp, "models");
  try {
    let fits = 0;
    const build = () => new Network(yosinskiSpec(4), 1);
    const fit = async (n: Network) => { fits++; return train(n, toyData(32, 1), { epochs: 1 }); };
    const first = await trainOrLoad("toy", { seed: 1, epochs: 1 }, build, fit);
    const second = await trainOrLoad("toy", { seed: 1, epochs: 1 }, build, fit);
    expect([first.loaded, second.loaded, fits]).toEqual([false, true, 1]);
    // the training history travels with the cached network
    expect(second.info.history).toEqual(first.info.history);
    expect(first.dir).toBe(second.dir);
    expect(same(await first.net.forward(x).data(), await second.net.forward(x).data())).toBe(true);
    const other = await trainOrLoad("toy", { seed: 2, epochs: 1 }, build, fit);
    expect([other.loaded, fits]).toEqual([false, 2]);
  } finally {
    delete process.env.TL_MODELS_DIR;
  }
});

test("memory stays flat: the same tensors and bytes before and after several epochs, and at every epoch's end", async () => {
  const net = new Network(yosinskiSpec(4), 1);
  const data = toyData(96, 8), val = toyData(32, 9);
  const before = tf.memory();
  const atEpoch: number[][] = [];
  for (const opt of ["adam", "momentum"] as const) {
    await train(net, data, { epochs: 3, batchSize: 32, optimizer: opt, validation: val, onBatch: () => undefined,
      onEpoch: () => atEpoch.push([tf.memory().numTensors, tf.memory().numBytes]) });
  }
  net.freeze(2);
  await train(net, data, { epochs: 2, batchSize: 32 });
  // networks built, cloned, re-initialised, transferred and disposed leave nothing behind
  const copy = net.clone().reinitFrom(3, 5);
  transferNetwork(copy, 2, { seed: 1 }).dispose();
  copy.dispose();
  const after = tf.memory();
  expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
  expect(new Set(atEpoch.slice(0, 3).map((m) => m.join())).size).toBe(1);
});

test("interruption stops at the next batch and keeps the model trained so far (AbortSignal, shouldStop, SIGINT)", async () => {
  const data = toyData(320, 10);
  for (const how of ["signal", "shouldStop", "sigint"] as const) {
    const net = new Network(yosinskiSpec(4), 1);
    const initial = await values(net);
    const ctl = new AbortController();
    let batches = 0;
    const r = await train(net, data, {
      epochs: 5, batchSize: 32, seed: 1,
      signal: how === "signal" ? ctl.signal : undefined,
      shouldStop: how === "shouldStop" ? () => batches >= 3 : undefined,
      stopOnSigint: how === "sigint",
      onBatch: () => {
        batches++;
        if (batches === 3 && how === "signal") ctl.abort();
        if (batches === 3 && how === "sigint") process.emit("SIGINT");
      },
    });
    expect(r.stopped).toBe(true);
    expect(r.samples).toBe(3 * 32);
    // the cut epoch is kept, marked partial
    expect(r.history).toHaveLength(1);
    expect(r.history[0].partial).toBe(true);
    const trained = await values(net);
    expect(trained.some((w, i) => !same(w, initial[i]))).toBe(true);
    net.dispose();
  }
  expect(process.listenerCount("SIGINT")).toBe(0);
});

test("a custom loss (the hook DAN/DANN use): its context, extra variables trained too, penultimate features", async () => {
  const net = new Network(yosinskiSpec(4), 1);
  net.freeze(2);
  const data = toyData(64, 11);
  // an extra trainable scalar, like a domain discriminator's weights, pulled towards 3 by its own loss term
  const extra = tf.variable(tf.scalar(0));
  const seen: number[] = [];
  const r = await train(net, data, {
    epochs: 2, batchSize: 16, extraVariables: [extra],
    loss: (ctx) => {
      seen.push(ctx.from, ctx.x.shape[0], ctx.y.shape[1]);
      const logits = ctx.net.forward(ctx.x, { from: ctx.from });
      const features = ctx.net.forward(ctx.x, { from: ctx.from, upTo: ctx.net.depth - 1 });
      expect(features.shape).toEqual([16, 64]);
      const ce = tf.losses.softmaxCrossEntropy(ctx.y, logits) as tf.Scalar;
      return { loss: tf.add(ce, tf.square(tf.sub(extra, 3))) as tf.Scalar, logits };
    },
  });
  // with a custom loss the frozen layers are applied at every step: x is the raw batch
  expect(seen.slice(0, 3)).toEqual([0, 16, 4]);
  expect(r.history[1].accuracy).toBeGreaterThan(0);
  expect((await extra.data())[0]).toBeGreaterThan(0.01);
  // a loss without logits: no training accuracy
  const r2 = await train(net, data, { epochs: 1, batchSize: 16, loss: (ctx) => tf.losses.softmaxCrossEntropy(ctx.y, ctx.net.forward(ctx.x)) as tf.Scalar });
  expect(r2.history[0].accuracy).toBeNaN();
  expect(r2.history[0].loss).toBeGreaterThan(0);
  extra.dispose();
  net.dispose();
});

test("train names bad arguments", async () => {
  const net = new Network(yosinskiSpec(4), 1);
  const data = toyData(8, 1);
  await expect(train(net, data, { epoch: 3 } as never)).rejects.toThrow(/train: unknown option "epoch"; valid: epochs/);
  await expect(train(net, data, { optimizer: "rmsprop" as never })).rejects.toThrow(/optimizer "rmsprop" is unknown; valid: adam, sgd, momentum/);
  await expect(train(net, { X: data.X, y: new Int32Array(8).fill(7) })).rejects.toThrow("train: data.y[0] = 7 is not a class index in [0, 4)");
  await expect(train(net, { X: data.X, y: new Int32Array(3) })).rejects.toThrow("train: data.X has 8 samples but data.y has 3 labels");
});

test("useBestBackend: webgpu is tried before wasm and skipped here with a reason", async () => {
  delete process.env.TL_BACKEND;
  const choice = await useBestBackend({ quiet: true });
  const webgpu = choice.skipped.find((s) => s.backend === "webgpu");
  if (choice.backend === "wasm") expect(webgpu?.reason).toMatch(/Vulkan|adapter|webgpu/i);
  expect(choice.skipped.map((s) => s.backend).slice(0, 2)).toEqual(["tensorflow", "webgpu"].slice(0, choice.skipped.length));
  await useBestBackend({ quiet: true, prefer: "wasm" });
});
