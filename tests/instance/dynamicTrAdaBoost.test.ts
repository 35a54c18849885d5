/**
 * DynamicTrAdaBoost: the correction factor of Al-Stouhi & Reddy (2011) checked by hand on one round; where the
 * source is the target's own distribution the source weights do not drain away (TrAdaBoost's do); where
 * source labels are flipped it still beats pooling; `select: "cv"` reports and applies its choice; bad options.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { accuracy } from "../../src/metrics/accuracy";
import { concatDomains } from "../../src/splits";
import { DynamicTrAdaBoost } from "../../src/instance/dynamicTrAdaBoost";
import { TrAdaBoost } from "../../src/instance/trAdaBoost";
import { flippedLabelDomains } from "../../src/instance/toys";
import { HAND, PredictsZero } from "./handCheck";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

test("one round by hand: Cₜ = 2(1 − εₜ) for two classes and 0/1 errors, applied to every source weight", async () => {
  // a learner that always predicts 0: source rows with label 1 and target rows with label 1 are errors
  const { Xs, ys, Xt, yt } = HAND;
  const b = await new DynamicTrAdaBoost({ estimators: 2, learner: () => new PredictsZero(), errors: "hard" }).fit(Xs, ys, Xt, yt);
  const eps = 1 / 3, beta = b.sourceFactor, C = 2 * (1 - eps), grow = (1 - eps) / eps; // target error grows by e^α = (1 − ε)/ε
  expect(b.history.corrections[0]).toBeCloseTo(C, 12);
  const raw = [C, C * beta, C, C * beta, 1, 1, grow];
  const total = sum(raw);
  const expected = raw.map((v) => v / total);
  Array.from(b.history.source[1]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  Array.from(b.history.target[1]).forEach((v, i) => expect(v).toBeCloseTo(expected[4 + i], 12));
  // TrAdaBoost: no correction
  const plain = await new TrAdaBoost({ estimators: 2, learner: () => new PredictsZero(), errors: "hard" }).fit(Xs, ys, Xt, yt);
  expect(plain.history.corrections).toEqual([1, 1]);
});

test("source = target distribution: TrAdaBoost's source weights drain away, the dynamic ones do not (5 seeds)", async () => {
  const share = { plain: [] as number[], dynamic: [] as number[] };
  const acc = { plain: [] as number[], dynamic: [] as number[], pooled: [] as number[] };
  for (let seed = 0; seed < 5; seed++) {
    // region beyond every sample: no label is flipped, the source is the target's own distribution
    const d = flippedLabelDomains({ seed, region: 1e9, features: 20, labelled: 3 });
    const both = concatDomains(d.source, d.targetLabelled);
    acc.pooled.push(accuracy(await (await new LogisticRegression().fit(both.X, both.y)).predict(d.targetTest.X), d.targetTest.y));
    for (const [name, b] of [["plain", new TrAdaBoost({ estimators: 20 })], ["dynamic", new DynamicTrAdaBoost({ estimators: 20 })]] as const) {
      acc[name].push(accuracy(await b.fitPredict(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y, d.targetTest.X), d.targetTest.y));
      const s = b.history.source;
      share[name].push(sum(s[s.length - 1]) / sum(s[0]));
    }
    tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X, both.X]);
  }
  console.log(`source weight share, last round ÷ first: TrAdaBoost ${share.plain.map((v) => v.toFixed(3))}, dynamic ${share.dynamic.map((v) => v.toFixed(3))}; ` +
    `accuracy pooled ${mean(acc.pooled).toFixed(3)}, TrAdaBoost ${mean(acc.plain).toFixed(3)}, dynamic ${mean(acc.dynamic).toFixed(3)}`);
  for (let i = 0; i < 5; i++) expect(share.dynamic[i]).toBeGreaterThan(share.plain[i]);
  expect(Math.min(...share.dynamic)).toBeGreaterThan(0.9);
  expect(mean(acc.dynamic)).toBeGreaterThanOrEqual(mean(acc.plain) - 0.005);
});

test("flipped source labels: the dynamic variant still beats pooling; select: \"cv\" reports its choice", async () => {
  const acc = { pooled: [] as number[], dynamic: [] as number[], cv: [] as number[] };
  for (let seed = 0; seed < 3; seed++) {
    const d = flippedLabelDomains({ seed, labelled: 3 });
    const both = concatDomains(d.source, d.targetLabelled);
    acc.pooled.push(accuracy(await (await new LogisticRegression().fit(both.X, both.y)).predict(d.targetTest.X), d.targetTest.y));
    const b = new DynamicTrAdaBoost({ estimators: 20, select: "cv" });
    acc.cv.push(accuracy(await b.fitPredict(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y, d.targetTest.X), d.targetTest.y));
    acc.dynamic.push(accuracy(await b.predictBoosted(d.targetTest.X), d.targetTest.y));
    const sel = b.selection!;
    expect(sel.folds).toBe(3);
    expect(["boosted", "pooled", "target only"]).toContain(sel.choice);
    const best = Math.max(sel.boostedAccuracy, sel.pooledAccuracy, sel.targetOnlyAccuracy);
    expect(sel.choice === "boosted" ? sel.boostedAccuracy : sel.choice === "pooled" ? sel.pooledAccuracy : sel.targetOnlyAccuracy).toBe(best);
    if (sel.choice === "boosted") expect(acc.cv[seed]).toBe(acc.dynamic[seed]);
    tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X, both.X]);
  }
  console.log(`flipped: pooled ${mean(acc.pooled).toFixed(3)}, dynamic ${mean(acc.dynamic).toFixed(3)}, dynamic + CV ${mean(acc.cv).toFixed(3)}`);
  expect(mean(acc.dynamic)).toBeGreaterThan(mean(acc.pooled));
});

test("bad options name the option", () => {
  expect(() => new DynamicTrAdaBoost({ select: "cvv" as "cv" })).toThrow(/DynamicTrAdaBoost: option "select" must be "boost" or "cv"/);
  expect(() => new DynamicTrAdaBoost({ folds: 1 })).toThrow(/DynamicTrAdaBoost.*folds/);
  expect(() => new DynamicTrAdaBoost({ selct: "cv" } as object)).toThrow(/unknown option "selct" \(did you mean "select"\?\)/);
});
