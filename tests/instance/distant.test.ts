/**
 * TTL and DDTL on the chain of domains whose ends share no words: direct transfer fails, the bridge works;
 * TTL picks the bridge by distance; DDTL keeps the bridge and drops the unrelated documents.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { accuracy } from "../../src/metrics/accuracy";
import { labelledPerClass, takeLabels, takeRows } from "../../src/splits";
import { DDTL } from "../../src/instance/ddtl";
import { TTL, rankIntermediates } from "../../src/instance/ttl";
import { domainChain } from "../../src/instance/toys";

let chain: ReturnType<typeof domainChain>;

beforeAll(async () => {
  await useBestBackend({ quiet: true });
  chain = domainChain({ seed: 0 });
});

test("the chain: source and target share no word, the bridge shares with both", () => {
  const used = (X: tf.Tensor2D) => Array.from(tf.tidy(() => X.sum(0)).dataSync(), (v) => v > 0);
  const s = used(chain.source.X), t = used(chain.target.X), b = used(chain.intermediates[1].X);
  expect(s.some((v, j) => v && t[j])).toBe(false);
  expect(s.some((v, j) => v && b[j]) && t.some((v, j) => v && b[j])).toBe(true);
});

test("direct transfer is at chance; TTL through the bridge is far above it and picks the bridge itself", async () => {
  const direct = await new LogisticRegression().fit(chain.source.X, chain.source.y);
  expect(accuracy(await direct.predict(chain.target.X), chain.target.y)).toBeLessThan(0.4);
  const ranking = await rankIntermediates(chain.source.X, chain.target.X, chain.intermediates.map((d) => d.X));
  expect(chain.intermediates[ranking[0].index].name).toBe("bridge");
  const ttl = new TTL({ seed: 0 });
  const yhat = await ttl.fitPredict(chain.source.X, chain.source.y, chain.intermediates.map((d) => d.X), chain.target.X);
  expect(chain.intermediates[ttl.selected].name).toBe("bridge");
  // measured: 75.0 % on the target, 99.7 % on the bridge (seed 0)
  expect(accuracy(yhat, chain.target.y)).toBeGreaterThan(0.65);
  expect(accuracy(ttl.intermediateLabels, chain.intermediates[1].y)).toBeGreaterThan(0.9);
  // the objective never increases within the joint stage (multiplicative updates are monotone)
  const joint = ttl.objective.slice(-2);
  expect(joint[1]).toBeLessThanOrEqual(joint[0] * (1 + 1e-4));
  // through a candidate that touches only one end, the labels do not arrive
  const viaNearSource = await new TTL({ seed: 0 }).fitPredict(chain.source.X, chain.source.y, chain.intermediates[0].X, chain.target.X);
  expect(accuracy(viaNearSource, chain.target.y)).toBeLessThan(0.5);
});

test("DDTL keeps bridge documents, drops unrelated ones, and beats direct transfer; memory is flat", async () => {
  const sqrt = (X: tf.Tensor2D) => tf.tidy(() => X.sqrt() as tf.Tensor2D);
  const S = sqrt(chain.source.X), T = sqrt(chain.target.X);
  const pool = tf.tidy(() => tf.concat([sqrt(chain.intermediates[1].X), sqrt(chain.intermediates[3].X)], 0) as tf.Tensor2D);
  const split = labelledPerClass(chain.target.y, 1, 0);
  const XtL = takeRows(T, split.train), XtTest = takeRows(T, split.test);
  const ytL = takeLabels(chain.target.y, split.train), ytTest = takeLabels(chain.target.y, split.test);
  const before = tf.memory().numTensors;
  const ddtl = new DDTL({ rounds: 4, epochs: 40, seed: 0 });
  const yhat = await ddtl.fitPredict(S, chain.source.y, pool, XtL, ytL, XtTest);
  expect(ddtl.history).toHaveLength(4);
  // round 0 trains on all source samples and no intermediate one; then the selection takes over
  expect(ddtl.history[0].intermediate.reduce((a, b) => a + b, 0)).toBe(0);
  const last = ddtl.history[3].intermediate;
  const keptBridge = last.slice(0, 300).reduce((a, b) => a + b, 0);
  const keptUnrelated = last.slice(300).reduce((a, b) => a + b, 0);
  expect(keptBridge).toBeGreaterThan(200);
  expect(keptUnrelated).toBeLessThan(30);
  expect(accuracy(yhat, ytTest)).toBeGreaterThan(0.45);
  ddtl.dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([S, T, pool, XtL, XtTest]);
});

describe("bad input names the argument", () => {
  test("TTL: negative features, no candidates, mismatched widths", async () => {
    await expect(new TTL().fit([[1, -1], [0, 1]], [0, 1], [[1, 1]], [[1, 0]])).rejects.toThrow(/Xs has a negative value \(-1\); TTL factorises non-negative data/);
    await expect(new TTL().fit([[1, 1], [0, 1]], [0, 1], [], [[1, 0]])).rejects.toThrow(/TTL\.fit: candidates \(the candidate intermediate domains\) must be a matrix or a non-empty array/);
    await expect(new TTL().fit([[1, 1], [0, 1]], [0, 1], [[1, 1, 1]], [[1, 0]])).rejects.toThrow(/candidates\[0\] has 3 features \(columns\) but Xs has 2/);
    expect(() => new TTL({ distance: "kl" as never })).toThrow(/option "distance" must be "mmd" or "proxyA"/);
  });

  test("DDTL: empty intermediate pool, unknown target class, NaN, bad options", async () => {
    const X = [[1, 0], [0, 1], [1, 1]];
    await expect(new DDTL().fit(X, [0, 1, 0], tf.zeros([0, 2]) as tf.Tensor2D, X, [0, 1, 0])).rejects.toThrow(/Xi is empty/);
    await expect(new DDTL().fit(X, [0, 1, 0], X, X, [0, 1, 5])).rejects.toThrow(/ytLabelled holds class 5 that ys \(the source labels\) never shows/);
    await expect(new DDTL().fit(X, [0, 1, 0], [[NaN, 1]], X, [0, 1, 0])).rejects.toThrow(/Xi has a non-finite value/);
    expect(() => new DDTL({ code: 0 })).toThrow(/option "code" must be an integer ≥ 1/);
    expect(() => new DDTL({ lambdaSource: -1 })).toThrow(/option "lambdaSource" must be a finite number > 0/);
    await expect(new DDTL().predict(X)).rejects.toThrow(/call fit/);
  });
});
