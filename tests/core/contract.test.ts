/**
 * The one estimator contract (docs/design.md, "Contract: the algorithm API"), over every transfer method: each is a
 * `BaseAdapter`; an unknown option is an InvalidOptionError naming the key meant; use before fit is a
 * NotFittedError; the same seed gives the same labels; `{ source, target }` and the positional form agree; and
 * fit + fitPredict + dispose leave no tensor behind.
 */
import * as tf from "@tensorflow/tfjs";
import * as tl from "../../src/index";
import { BaseAdapter, AdaptData } from "../../src/adapter";
import { useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

/** Two classes in 6 non-negative features (TTL factorises non-negative data); the target is shifted. */
function domain(n: number, shift: number, seed: number): { X: number[][]; y: Int32Array } {
  const rng = new Random(seed);
  const y = Int32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 3 : 7)); // labels not 0..k-1 on purpose
  const X = Array.from(y, (c) => Array.from({ length: 6 }, (_, j) => Math.abs((c === 3 ? j % 3 : 2 - (j % 3)) + shift + rng.normal(0, 0.4))));
  return { X, y };
}
const S = domain(40, 0, 1), T = domain(30, 0.6, 2), L = domain(10, 0.6, 3), I = domain(30, 0.3, 4);

/** The data each kind of method learns from. */
const unlabelledTarget: AdaptData = { source: S, target: { X: T.X } };
const labelledTarget: AdaptData = { source: S, target: L, test: T.X };
const withIntermediate: AdaptData = { source: S, target: { X: T.X }, intermediate: [I.X] };
const ddtlData: AdaptData = { source: S, target: L, test: T.X, intermediate: I.X };

interface Case {
  make: (options?: object) => BaseAdapter;
  /** small options that keep the test fast */
  options: object;
  /** an option misspelled, and the key it should suggest */
  typo: [string, string];
  data: AdaptData;
  /** the same call positionally */
  positional: (m: BaseAdapter) => Promise<Int32Array>;
  /** a use before fit that must throw NotFittedError (null: the method has none, said why) */
  beforeFit: ((m: BaseAdapter) => unknown) | string;
}
const deep = { hidden: [8], epochs: 2, batchSize: 16 };
const asAny = (m: BaseAdapter) => m as unknown as { [k: string]: (...a: unknown[]) => Promise<Int32Array> };
const CASES: Record<string, Case> = {
  TCA: { make: (o) => new tl.TCA(o), options: { dim: 3 }, typo: ["lamda", "lambda"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.TCA).transformSource() },
  JDA: { make: (o) => new tl.JDA(o), options: { dim: 3, iterations: 2 }, typo: ["iteratons", "iterations"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.JDA).transformTarget() },
  TJM: { make: (o) => new tl.TJM(o), options: { dim: 3, iterations: 2 }, typo: ["dimm", "dim"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.TJM).mmd() },
  CORAL: { make: (o) => new tl.CORAL(o), options: {}, typo: ["lambd", "lambda"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.CORAL).transformSource() },
  KMM: { make: (o) => new tl.KMM(o), options: {}, typo: ["sed", "seed"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.KMM).predict(T.X) },
  KLIEP: { make: (o) => new tl.KLIEP(o), options: { centers: 10 }, typo: ["centres", "centers"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.KLIEP).predict(T.X) },
  TrAdaBoost: { make: (o) => new tl.TrAdaBoost(o), options: { estimators: 4 }, typo: ["estimator", "estimators"], data: labelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, L.X, L.y, T.X), beforeFit: (m) => (m as tl.TrAdaBoost).predict(T.X) },
  DynamicTrAdaBoost: { make: (o) => new tl.DynamicTrAdaBoost(o), options: { estimators: 4, select: "cv" }, typo: ["fold", "folds"], data: labelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, L.X, L.y, T.X), beforeFit: (m) => (m as tl.DynamicTrAdaBoost).predict(T.X) },
  TTL: { make: (o) => new tl.TTL(o), options: { clusters: 3, iterations: 20 }, typo: ["clusers", "clusters"], data: withIntermediate, positional: (m) => asAny(m).fitPredict(S.X, S.y, [I.X], T.X), beforeFit: "TTL is transductive: it labels only the target it was fitted on, so it has no call to make before fit" },
  DDTL: { make: (o) => new tl.DDTL(o), options: { hidden: 8, code: 4, rounds: 2, epochs: 5 }, typo: ["epoch", "epochs"], data: ddtlData, positional: (m) => asAny(m).fitPredict(S.X, S.y, I.X, L.X, L.y, T.X), beforeFit: (m) => (m as tl.DDTL).predict(T.X) },
  ParameterTransfer: { make: (o) => new tl.ParameterTransfer(o), options: {}, typo: ["lamdba", "lambda"], data: labelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, L.X, L.y, T.X), beforeFit: (m) => (m as tl.ParameterTransfer).predict(T.X) },
  TransEMDT: { make: (o) => new tl.TransEMDT(o), options: { iterations: 2 }, typo: ["maxDeph", "maxDepth"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.TransEMDT).predict(T.X) },
  SourceOnly: { make: (o) => new tl.SourceOnly(o), options: deep, typo: ["epocs", "epochs"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.SourceOnly).predict(T.X) },
  DAN: { make: (o) => new tl.DAN(o), options: deep, typo: ["batchsize", "batchSize"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.DAN).features(T.X) },
  DANN: { make: (o) => new tl.DANN(o), options: deep, typo: ["lr_", "lr"], data: unlabelledTarget, positional: (m) => asAny(m).fitPredict(S.X, S.y, T.X), beforeFit: (m) => (m as tl.DANN).predict(T.X) },
};

describe.each(Object.entries(CASES))("%s keeps the estimator contract", (name, c) => {
  test("is a BaseAdapter", () => {
    expect(c.make(c.options)).toBeInstanceOf(BaseAdapter);
  });

  test("an unknown option is an InvalidOptionError that suggests the key meant", () => {
    expect(() => c.make({ ...c.options, [c.typo[0]]: 1 })).toThrow(tl.InvalidOptionError);
    expect(() => c.make({ ...c.options, [c.typo[0]]: 1 })).toThrow(`unknown option "${c.typo[0]}" (did you mean "${c.typo[1]}"?)`);
  });

  test("use before fit is a NotFittedError naming the method", async () => {
    if (typeof c.beforeFit === "string") {
      // eslint-disable-next-line no-console
      console.log(`SKIPPED ${name} use before fit: ${c.beforeFit}`);
      return;
    }
    const m = c.make(c.options);
    const call = async () => (c.beforeFit as (m: BaseAdapter) => unknown)(m);
    await expect(call()).rejects.toThrow(tl.NotFittedError);
    await expect(call()).rejects.toThrow(`${name}.`);
  });

  test("a misspelled key of the data object is named", async () => {
    const m = c.make(c.options);
    await expect(m.fitPredict({ ...c.data, tagret: c.data.target } as unknown as AdaptData)).rejects.toThrow(`unknown key "tagret" in data (did you mean "target"?)`);
  });

  test("same seed, same labels; the positional form agrees; no tensor left after dispose", async () => {
    const before = tf.memory().numTensors;
    const a = c.make({ ...c.options, seed: 5 });
    const first = await a.fitPredict(c.data);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const b = c.make({ ...c.options, seed: 5 });
    const second = await c.positional(b);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const rows = (c.data.test ?? c.data.target.X) as number[][];
    expect(first).toHaveLength(rows.length);
    expect(Array.from(second)).toEqual(Array.from(first));
    for (const label of first) expect([3, 7]).toContain(label);
  });
});

describe("feature methods hold no tensors after fitPredict (a throwaway object in a sweep)", () => {
  test.each(["TCA", "JDA", "TJM", "CORAL"])("%s", async (name) => {
    const c = CASES[name];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await c.make(c.options).fitPredict(c.data);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("readAdaptData", () => {
  test("a missing array is named in both forms", async () => {
    await expect(new tl.TCA({ dim: 3 }).fitPredict({ source: { X: S.X }, target: { X: T.X } })).rejects.toThrow("TCA.fitPredict: data.source.y (ys) is missing");
    await expect(new tl.TrAdaBoost().fitPredict({ source: S, target: L })).rejects.toThrow("TrAdaBoost.fitPredict: data.test (test) is missing");
  });

  test("an array the method does not use is refused, not ignored", async () => {
    await expect(new tl.TCA({ dim: 3 }).fitPredict({ ...unlabelledTarget, test: T.X })).rejects.toThrow("TCA.fitPredict: data.test is not used by this method");
  });

  test("KMM: fit with source labels, then predict new rows", async () => {
    const kmm = await new tl.KMM().fit(unlabelledTarget);
    expect(kmm.weights).toHaveLength(S.X.length);
    const labels = await kmm.predict(L.X);
    expect(Array.from(labels)).toEqual(Array.from(await new tl.KMM().fitPredict({ ...unlabelledTarget, test: L.X })));
  });
});
