/**
 * Fine-tuning vs linear probing (section 11) and the representation-similarity measures: linear probing leaves
 * the body bit-identical, fine-tuning moves it, LP-FT starts fine-tuning from the probed head; linear CKA is 1
 * for a representation with itself and invariant to orthogonal maps and isotropic scaling.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";
import { linearCka, meanCosineDrift } from "../../src/metrics/cka";
import { Network, mlpSpec } from "../../src/model/deep/network";
import { train } from "../../src/model/deep/train";
import { fineTune, linearProbe, lpFt, withNewHead } from "../../src/model/deep/finetune";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

async function weights(net: Network, layers: number[]): Promise<number[][]> {
  const vars = layers.flatMap((i) => net.layers[i].variables);
  return (await Promise.all(vars.map((v) => v.data()))).map((d) => Array.from(d));
}

/** Three Gaussian classes in 6-D (pretraining task: classes 0..2; the target task relabels them). */
function blobs(n: number, seed: number, relabel = (c: number) => c): { X: tf.Tensor2D; y: Int32Array } {
  const rng = new Random(seed);
  const X: number[] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let j = 0; j < 6; j++) X.push(rng.normal(j === c ? 2.5 : 0, 1));
    y.push(relabel(c));
  }
  return { X: tf.tensor2d(X, [n, 6]), y: Int32Array.from(y) };
}

describe("linear probing, fine-tuning, LP-FT", () => {
  let pretrained: Network;
  let target: { X: tf.Tensor2D; y: Int32Array };
  beforeAll(async () => {
    const source = blobs(150, 1);
    pretrained = new Network(mlpSpec(6, [16, 8], 3), 0);
    await train(pretrained, source, { epochs: 10, seed: 0 });
    // a new task on the same inputs: class 0 vs classes 1 and 2
    target = blobs(60, 2, (c) => (c === 0 ? 0 : 1));
  });
  afterAll(() => pretrained.dispose());

  test("linear probing trains the head only: the body stays bit-identical, the head moves", async () => {
    const before = await weights(pretrained, [0, 1]);
    const { net, result } = await linearProbe(pretrained, target, { epochs: 5, seed: 3 });
    expect(result.history).toHaveLength(5);
    expect(await weights(net, [0, 1])).toEqual(before);
    const fresh = withNewHead(pretrained, 2, 3);
    expect(await weights(net, [2])).not.toEqual(await weights(fresh, [2]));
    fresh.dispose();
    // the pretrained network itself is untouched
    expect(await weights(pretrained, [0, 1])).toEqual(before);
    expect(pretrained.layers[2].outShape).toEqual([3]);
    expect(net.layers[2].outShape).toEqual([2]);
    net.dispose();
  });

  test("fine-tuning moves every layer, and leaves the pretrained network as it was", async () => {
    const before = await weights(pretrained, [0, 1, 2]);
    const { net } = await fineTune(pretrained, target, { epochs: 3, seed: 3 });
    for (const i of [0, 1]) expect(await weights(net, [i])).not.toEqual(await weights(pretrained, [i]));
    expect(await weights(pretrained, [0, 1, 2])).toEqual(before);
    net.dispose();
  });

  test("LP-FT starts fine-tuning from the probed head", async () => {
    const run = await lpFt(pretrained, target, { probe: { epochs: 5, seed: 3 }, fineTune: { epochs: 0 } });
    // no fine-tuning epochs: the result is the probed network, weight for weight
    expect(await weights(run.net, [0, 1, 2])).toEqual(await weights(run.probe.net, [0, 1, 2]));
    // and the probe stage is linear probing with the same options
    const lp = await linearProbe(pretrained, target, { epochs: 5, seed: 3 });
    expect(await weights(run.probe.net, [2])).toEqual(await weights(lp.net, [2]));
    run.net.dispose();
    run.probe.net.dispose();
    lp.net.dispose();
    // with fine-tuning epochs, the body moves from there
    const ft = await lpFt(pretrained, target, { probe: { epochs: 5, seed: 3 }, fineTune: { epochs: 2 } });
    expect(await weights(ft.net, [0])).not.toEqual(await weights(pretrained, [0]));
    ft.net.dispose();
    ft.probe.net.dispose();
  });

  test("the same seed gives the same network", async () => {
    const a = await fineTune(pretrained, target, { epochs: 2, seed: 9 });
    const b = await fineTune(pretrained, target, { epochs: 2, seed: 9 });
    expect(await weights(a.net, [0, 1, 2])).toEqual(await weights(b.net, [0, 1, 2]));
    a.net.dispose();
    b.net.dispose();
  });

  test("bad input is an error naming it", async () => {
    await expect(linearProbe(pretrained, { X: target.X, y: new Int32Array(60) })).rejects.toThrow(/two classes/);
    await expect(linearProbe(pretrained, target, { newHead: false })).rejects.toThrow(/newHead/);
    await expect(lpFt(pretrained, target, { probes: {} } as never)).rejects.toThrow(/unknown option "probes"/);
    expect(() => withNewHead(pretrained, 1, 0)).toThrow(/classes/);
  });
});

describe("representation similarity", () => {
  const rng = new Random(4);
  let X: tf.Tensor2D;
  beforeAll(() => {
    X = tf.tensor2d(Float32Array.from({ length: 40 * 5 }, () => rng.normal()), [40, 5]);
  });

  test("linear CKA: 1 with itself, invariant to orthogonal maps and isotropic scaling, lower for unrelated features", async () => {
    expect(await linearCka(X, X)).toBeCloseTo(1, 10);
    const Q = tf.linalg.qr(tf.tensor2d(Float32Array.from({ length: 25 }, () => rng.normal()), [5, 5]))[0];
    expect(await linearCka(X, tf.matMul(X, Q) as tf.Tensor2D)).toBeCloseTo(1, 5);
    expect(await linearCka(X, tf.mul(X, 7.5) as tf.Tensor2D)).toBeCloseTo(1, 10);
    expect(await linearCka(X, tf.add(X, 3) as tf.Tensor2D)).toBeCloseTo(1, 5); // centred: a shift changes nothing
    const unrelated = tf.tensor2d(Float32Array.from({ length: 40 * 5 }, () => rng.normal()), [40, 5]);
    expect(await linearCka(X, unrelated)).toBeLessThan(0.5);
    // different widths are fine (CKA compares Gram matrices)
    expect(await linearCka(X, tf.concat([X, X], 1))).toBeCloseTo(1, 5);
  });

  test("mean cosine drift: 0 for the same features, grows with a rotation, invariant to scaling", async () => {
    expect(await meanCosineDrift(X, X)).toBeCloseTo(0, 10);
    expect(await meanCosineDrift(X, tf.mul(X, 3) as tf.Tensor2D)).toBeCloseTo(0, 6);
    expect(await meanCosineDrift(X, tf.neg(X) as tf.Tensor2D)).toBeCloseTo(2, 6);
  });

  test("bad input names the problem", async () => {
    await expect(linearCka(X, tf.zeros([10, 5]))).rejects.toThrow(/same samples/);
    await expect(linearCka(X, tf.zeros([40, 5]))).rejects.toThrow(/zero variance/);
    await expect(meanCosineDrift(X, tf.zeros([40, 4]))).rejects.toThrow(/same coordinates/);
  });
});
