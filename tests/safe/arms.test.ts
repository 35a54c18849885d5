/**
 * The ready-made target arms (src/safe/arms.ts): each gives what the learner gives on the rows it names,
 * frees every tensor it made, and refuses to pool two feature spaces.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression } from "../../src/classifiers";
import { Random } from "../../src/random";
import { pooledArm, targetOnlyArm, trAdaBoostArm, nearestNeighborLearner } from "../../src/safe";
import { labelledPerClass, takeRows, takeLabels } from "../../src/splits";
import { TrAdaBoost } from "../../src/instance";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** two Gaussian classes in 3 dimensions, the target shifted by `shift` */
function domain(n: number, seed: number, shift: number) {
  const rng = new Random(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  return { X: tf.tensor2d(Array.from(y, (c) => [c * 2 + shift + rng.normal(), rng.normal() - c, rng.normal()])), y };
}

test("targetOnlyArm, pooledArm and trAdaBoostArm give what their learner gives on the named rows, and free what they make", async () => {
  const source = domain(60, 1, 0), target = domain(40, 2, 0.8);
  const split = labelledPerClass(target.y, 3, 0);
  const train = { rows: split.train, y: takeLabels(target.y, split.train) };
  const [Xl, Xt] = [takeRows(target.X, split.train), takeRows(target.X, split.test)];
  const alone = await (await new LogisticRegression().fit(Xl, train.y)).predict(Xt);
  const both = tf.concat([source.X, Xl]);
  const pooled = await (await new LogisticRegression().fit(both, [...source.y, ...train.y])).predict(Xt);
  const boosted = await new TrAdaBoost().fitPredict(source.X, source.y, Xl, train.y, Xt);
  tf.dispose([Xl, Xt, both]);

  const before = tf.memory().numTensors;
  expect(Array.from(await targetOnlyArm(target)(train, split.test, 0))).toEqual(Array.from(alone));
  expect(Array.from(await pooledArm(source, target)(train, split.test, 0))).toEqual(Array.from(pooled));
  expect(Array.from(await trAdaBoostArm(source, target)(train, split.test, 0))).toEqual(Array.from(boosted));
  const nn = await pooledArm(source, target, nearestNeighborLearner)(train, split.test, 0);
  expect(nn).toHaveLength(split.test.length);
  expect(tf.memory().numTensors).toBe(before);
});

test("pooledArm refuses two feature spaces, naming both sizes", () => {
  const source = domain(10, 1, 0);
  const other = { X: tf.zeros([5, 4]) as tf.Tensor2D };
  expect(() => pooledArm(source, other)).toThrow(/3 features and the target 4/);
});
