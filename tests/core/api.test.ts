/**
 * The API a researcher relies on (issue 16): a curated `tl.` (methods flat, helpers in namespaces, no internals,
 * every *_DEFAULTS), non-finite values refused at the public entries, options checked on helpers, tensors or
 * arrays in the split helpers, single-class sources refused alike, the default `dim` named, string classes
 * encoded, `accuracy` checking its inputs, and messages under the public name.
 */
import * as tf from "@tensorflow/tfjs";
import * as tl from "../../src/index";
import { useBestBackend } from "../../src/backend";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const api = tl as unknown as Record<string, unknown>;
const X = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3]];
const y = [0, 0, 0, 1, 1, 1];
const withNaN = [[0, 0], [NaN, 1]];

describe("the curated public API", () => {
  test("methods and metrics are flat; internals are not exported", () => {
    for (const name of ["TCA", "JDA", "TJM", "CORAL", "KMM", "KLIEP", "TrAdaBoost", "DynamicTrAdaBoost", "TTL", "DDTL", "ParameterTransfer", "TransEMDT", "DAN", "DANN", "SourceOnly", "accuracy", "mmd", "proxyADistance", "loadDomain", "scatter2d", "BaseAdapter", "LabelEncoder"]) {
      expect(api[name]).toBeDefined();
    }
    for (const name of ["projectBoxSum", "kmmTerms", "kmmObjective", "MAX_BINDINGS", "checkOptions", "encodeLabels", "checkSampleWeight", "checkLabelCount", "requireSampleWeights", "ComponentSolver", "stratifiedFolds", "toTensor2D", "minimizeLbfgs", "cholesky", "isClose", "formatRule", "Network"]) {
      expect(api[name]).toBeUndefined();
    }
  });

  test("solvers, building blocks, logic and helpers sit in namespaces", () => {
    expect(typeof tl.optim.minimizeLbfgs).toBe("function");
    expect(typeof tl.optim.solveBoxSumQP).toBe("function");
    expect((tl.optim as Record<string, unknown>).projectBoxSum).toBeUndefined();
    expect(typeof tl.linalg.cholesky).toBe("function");
    expect(typeof tl.instance.kmmObjective).toBe("function");
    expect(typeof tl.feature.marginalMmd).toBe("function");
    expect(typeof tl.logic.parseRule).toBe("function");
    expect((tl.logic as Record<string, unknown>).MAX_BINDINGS).toBeUndefined();
    expect(typeof tl.deep.Network).toBe("function");
    expect(typeof tl.report.isClose).toBe("function");
    expect(typeof tl.kernels.kernelMatrix).toBe("function");
    expect(typeof tl.model.kMeans).toBe("function");
  });

  test("every method's defaults are exported as <NAME>_DEFAULTS", () => {
    for (const name of ["TCA", "JDA", "TJM", "CORAL", "KMM", "KLIEP", "TRADABOOST", "DYNAMIC_TRADABOOST", "TTL", "DDTL", "PARAMETER_TRANSFER", "TRANSEMDT", "ADAPTIVE_TREE", "DEEP_ADAPT", "LOGISTIC_REGRESSION", "DECISION_TREE", "MMD", "PROXY_A_DISTANCE", "LOGME", "SPLIT", "SCATTER", "HISTOGRAM"]) {
      expect(typeof api[`${name}_DEFAULTS`]).toBe("object");
    }
  });
});

describe("non-finite values are refused at the public entries", () => {
  test.each([
    ["OneNearestNeighbor", () => new tl.OneNearestNeighbor()],
    ["LogisticRegression", () => new tl.LogisticRegression()],
    ["DecisionTree", () => new tl.DecisionTree()],
  ])("%s.predict", async (name, make) => {
    const clf = await make().fit(X, y);
    await expect(clf.predict(withNaN)).rejects.toThrow(`${name}.predict: X has a non-finite value (NaN) at row 1, column 0`);
  });

  test("SourceOnly.predict", async () => {
    const m = await new tl.SourceOnly({ hidden: [4], epochs: 1 }).fit(X, y, X);
    await expect(m.predict(withNaN)).rejects.toThrow("SourceOnly.predict: X has a non-finite value");
    m.dispose();
  });

  test("mmd and proxyADistance", async () => {
    await expect(tl.mmd(withNaN, X)).rejects.toThrow("mmd: Xs has a non-finite value (NaN) at row 1");
    await expect(tl.mmd(X, withNaN, { kernel: "linear" })).rejects.toThrow("mmd: Xt has a non-finite value");
    await expect(tl.proxyADistance(X, withNaN)).rejects.toThrow("proxyADistance: Xt has a non-finite value");
  });

  test("figures: scatter2d (both reads) and histogramByDomain", async () => {
    expect(() => tl.scatter2d(withNaN, X)).toThrow("scatter2d: source has a non-finite value (NaN) at row 1");
    await expect(tl.scatter2dAsync(X, withNaN)).rejects.toThrow("scatter2d: target has a non-finite value");
    expect(() => tl.histogramByDomain([1, Infinity], [2])).toThrow("histogramByDomain: source[1] = Infinity is not finite");
  });
});

describe("helpers check their options and inputs", () => {
  test("misspelled options are errors that suggest the key", () => {
    expect(() => tl.trainTestSplit(y, { testFration: 0.5 } as never)).toThrow('trainTestSplit: unknown option "testFration" (did you mean "testFraction"?)');
    expect(() => tl.scatter2d(X, X, { colourBy: "class" } as never)).toThrow('scatter2d: unknown option "colourBy" (did you mean "colorBy"?)');
    expect(() => tl.labelledPerClass(y, 1, { sed: 1 } as never)).toThrow('labelledPerClass: unknown option "sed" (did you mean "seed"?)');
  });

  test("labelledPerClass takes { seed } (and a bare seed, as before) alike", () => {
    expect(tl.labelledPerClass(y, 1, { seed: 4 })).toEqual(tl.labelledPerClass(y, 1, 4));
  });

  test("takeRows and takeLabels take a tensor of indices, and check each index", async () => {
    const idx = tf.tensor1d([4, 1], "int32");
    const rows = tl.takeRows(X, idx);
    expect(await rows.array()).toEqual([[2, 2], [0, 1]]);
    expect(Array.from(tl.takeLabels(y, idx))).toEqual([1, 0]);
    tf.dispose([idx, rows]);
    expect(() => tl.takeRows(X, [0, 6])).toThrow("takeRows: indices[1] = 6 is not a row of X (0 … 5)");
  });

  test("concatDomains takes number[][] as well as tensors, and checks the label counts", async () => {
    const both = tl.concatDomains({ X, y }, { X: tf.tensor2d([[9, 9]]), y: [1] });
    expect(both.X.shape).toEqual([7, 2]);
    expect(Array.from(both.y)).toEqual([...y, 1]);
    both.X.dispose();
    expect(() => tl.concatDomains({ X, y: [0] }, { X, y })).toThrow("concatDomains: a.y has 1 labels for 6 rows of a.X");
  });

  test("sampleWeight as a tensor is refused with a clear message", async () => {
    const w = tf.ones([6]);
    await expect(new tl.LogisticRegression().fit(X, y, w as unknown as number[])).rejects.toThrow("LogisticRegression.fit: sampleWeight must be an array or typed array of numbers, not a tensor; pass await w.data()");
    w.dispose();
  });
});

describe("one way of handling single-class sources, one naming scheme", () => {
  const one = [0, 0, 0, 0, 0, 0];
  test.each([
    ["TCA", () => new tl.TCA({ dim: 2 }).fitPredict(X, one, X)],
    ["KMM", () => new tl.KMM().fitPredict(X, one, X)],
    ["KLIEP", () => new tl.KLIEP({ centers: 3 }).fitPredict(X, one, X)],
    ["TrAdaBoost", () => new tl.TrAdaBoost().fitPredict(X, one, X, one, X)],
    ["SourceOnly", () => new tl.SourceOnly({ epochs: 1 }).fitPredict(X, one, X)],
  ])("%s refuses a single source class", async (name, run) => {
    await expect(run()).rejects.toThrow(new RegExp(`^${name}\\.(fit|fitPredict): ys has a single class \\(0\\)`));
  });

  test("the default dim is named when it does not fit the data", async () => {
    await expect(new tl.TCA().fit(X, X)).rejects.toThrow("TCA.fit: dim = 30 (the default) but Xt has only 6 samples (rows); pass { dim: 2 } or less");
    await expect(new tl.TCA().fit(X, X)).rejects.toThrow(tl.InvalidOptionError);
  });

  test("a linear-kernel dim beyond the rank is an error, not empty components", async () => {
    const X7 = [...X, [3, 1], [1, 3]];
    await expect(new tl.TCA({ kernel: "linear", dim: 3 }).fit(X7, X7)).rejects.toThrow("TCA.fit: dim = 3 but a linear kernel of 2 features has rank ≤ 2, so components beyond 2 are empty; pass { dim: 2 } or less");
  });

  test("KMM's errors carry the method's name, not an internal one", async () => {
    await expect(new tl.KMM().fit(X, [[1, 2, 3]])).rejects.toThrow(/^KMM\.fit: Xt has 3 features/);
  });
});

describe("labels", () => {
  test("LabelEncoder: string classes ↔ 0 … k − 1, unknown values quoted", () => {
    const enc = new tl.LabelEncoder<string>();
    expect(Array.from(enc.fitEncode(["cat", "dog", "cat", "ant"]))).toEqual([1, 2, 1, 0]);
    expect(enc.classes).toEqual(["ant", "cat", "dog"]);
    expect(enc.decode([2, 0])).toEqual(["dog", "ant"]);
    expect(() => enc.encode(["cow"])).toThrow('LabelEncoder.encode: values[0] = "cow" is not a class seen by fit ("ant", "cat", "dog")');
    expect(() => new tl.LabelEncoder().encode(["a"])).toThrow(tl.NotFittedError);
  });

  test("label values are quoted in messages, so \"1\" and 1 read differently", async () => {
    await expect(new tl.LogisticRegression().fit(X, ["0", 0, 0, 1, 1, 1] as unknown as number[])).rejects.toThrow('y[0] = "0" is not an integer class label (a string: encode string classes with tl.LabelEncoder)');
  });

  test("accuracy validates its inputs", () => {
    expect(tl.accuracy([1, 2, 3], [1, 2, 4])).toBeCloseTo(2 / 3);
    expect(() => tl.accuracy(["1", 2] as unknown as number[], [1, 2])).toThrow('accuracy: yhat[0] = "1" is not a finite number');
    expect(() => tl.accuracy([1, NaN], [1, 2])).toThrow("accuracy: yhat[1] = NaN is not a finite number");
    expect(() => tl.accuracy([1], [1, 2])).toThrow(tl.ShapeMismatchError);
  });
});
