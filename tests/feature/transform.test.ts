/**
 * Held-out evaluation with the feature methods: `transform(X)` embeds new rows the way the training rows were
 * (through the kernel against the training rows for kernel TCA/JDA), `predict(X)` labels them, JDA exposes its
 * components, and none of it keeps tensors.
 */
import * as tf from "@tensorflow/tfjs";
import * as tl from "../../src/index";
import { useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

function domain(n: number, shift: number, seed: number): { X: number[][]; y: Int32Array } {
  const rng = new Random(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const X = Array.from(y, (c) => Array.from({ length: 5 }, (_, j) => (j === c ? 2 : 0) + shift + rng.normal(0, 0.5)));
  return { X, y };
}
const S = domain(45, 0, 1), T = domain(36, 0.7, 2), held = domain(12, 0.7, 3);

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => a.sub(b).abs().max());
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

test.each([
  ["TCA primal", () => new tl.TCA({ dim: 4 })],
  ["TCA rbf", () => new tl.TCA({ dim: 4, kernel: "rbf" })],
  ["TCA linear", () => new tl.TCA({ dim: 4, kernel: "linear" })],
  ["JDA rbf", () => new tl.JDA({ dim: 4, kernel: "rbf", iterations: 3 })],
  ["JDA primal", () => new tl.JDA({ dim: 4, iterations: 3 })],
  ["TJM", () => new tl.TJM({ dim: 4, iterations: 3 })],
])("%s: transform(training rows) reproduces the fitted embedding; predict(target rows) = fitPredict", async (_, make) => {
  const before = tf.memory().numTensors;
  const m = make();
  const labels = await m.fitPredict({ source: S, target: { X: T.X } });
  const [Zs, Zt, Ts, Tt] = [m.transformSource(), m.transformTarget(), m.transform(S.X), m.transform(T.X)];
  expect(await maxAbsDiff(Ts, Zs)).toBeLessThan(1e-4);
  expect(await maxAbsDiff(Tt, Zt)).toBeLessThan(1e-4);
  tf.dispose([Zs, Zt, Ts, Tt]);
  const own = await m.predict(T.X);
  // TJM's and JDA's last labels come from the learner of the last round on the same embedding
  expect(Array.from(own)).toEqual(Array.from(labels));
  const onHeld = await m.predict(held.X);
  expect(onHeld).toHaveLength(held.X.length);
  expect(tl.accuracy(onHeld, held.y)).toBeGreaterThan(0.5); // three classes: chance is 1/3
  expect(tf.memory().numTensors).toBe(before);
});

test("CORAL: new target rows pass unchanged and are labelled like the fitted target", async () => {
  const m = new tl.CORAL();
  const labels = await m.fitPredict(S.X, S.y, T.X);
  expect(Array.from(await m.predict(T.X))).toEqual(Array.from(labels));
});

test("JDA exposes its components; transform and predict before fit are NotFittedErrors", async () => {
  const jda = await new tl.JDA({ dim: 3, iterations: 2 }).fit(S.X, S.y, T.X);
  expect(jda.components).toHaveLength(5 * 3); // primal: features × dim
  expect(() => new tl.TCA().transform(S.X)).toThrow(tl.NotFittedError);
  await expect(new tl.JDA().predict(S.X)).rejects.toThrow("JDA.predict: call fit first");
  const tca = await new tl.TCA({ dim: 3 }).fit(S.X, T.X);
  await expect(tca.predict(T.X)).rejects.toThrow("TCA.predict: call fit with source labels (data.source.y), or fitPredict, first");
  expect(() => tca.transform([[1, 2]])).toThrow("TCA.transform: X has 2 features but the training rows had 5");
  expect(() => tca.transform([[1, 2, NaN, 4, 5]])).toThrow("TCA.transform: X has a non-finite value (NaN)");
});

test("with landmarks, transform says why it is unavailable", async () => {
  const tca = await new tl.TCA({ dim: 3, kernel: "rbf", landmarks: 20 }).fit(S.X, T.X);
  expect(() => tca.transform(S.X)).toThrow("TCA.transform: not available after a fit with landmarks");
});
