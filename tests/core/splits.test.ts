import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { trainTestSplit, labelledPerClass, takeRows, takeLabels, concatDomains } from "../../src/splits";
import { saveResults, loadResults } from "../../src/results";

const y = Int32Array.from([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3]);

describe("splits", () => {
  test("trainTestSplit is stratified, disjoint, complete and seeded", () => {
    const a = trainTestSplit(y, { testFraction: 0.5, seed: 3 });
    const b = trainTestSplit(y, { testFraction: 0.5, seed: 3 });
    const c = trainTestSplit(y, { testFraction: 0.5, seed: 4 });
    expect(a).toEqual(b);
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    const all = [...a.train, ...a.test].sort((p, q) => p - q);
    expect(all).toEqual(Array.from(y.keys()));
    const testLabels = takeLabels(y, a.test);
    expect(testLabels.filter((v) => v === 1).length).toBe(2);
    expect(testLabels.filter((v) => v === 2).length).toBe(3);
    expect(() => trainTestSplit(y, { testFraction: 1 })).toThrow(/trainTestSplit: option "testFraction" must be in \(0, 1\)/);
  });

  test("labelledPerClass takes k of every class and names a class that is too small", () => {
    const s = labelledPerClass(y, 2, 0);
    expect(Array.from(takeLabels(y, s.train)).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(s.test.length).toBe(y.length - 6);
    expect(() => labelledPerClass(y, 3, 0)).toThrow("labelledPerClass: class 3 has 3 samples, fewer than perClass + 1 = 4");
  });

  test("takeRows and concatDomains keep rows and labels aligned, and takeRows leaks no tensor", () => {
    const X = tf.tensor2d([[0, 0], [1, 1], [2, 2]]);
    const before = tf.memory().numTensors;
    takeRows(X, [1]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const r = takeRows(X, [2, 0]);
    expect(r.arraySync()).toEqual([[2, 2], [0, 0]]);
    const both = concatDomains({ X, y: [7, 8, 9] }, { X: r, y: [9, 7] });
    expect(both.X.shape).toEqual([5, 2]);
    expect(Array.from(both.y)).toEqual([7, 8, 9, 9, 7]);
    tf.dispose([X, r, both.X]);
  });
});

describe("results", () => {
  test("saveResults writes atomically where TL_RESULTS_DIR says, and loadResults reads it back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-results-"));
    process.env.TL_RESULTS_DIR = dir;
    try {
      expect(await loadResults("00-x")).toBeNull();
      const file = await saveResults("00-x", { accuracy: 0.5 });
      expect(file).toBe(path.join(dir, "00-x.json"));
      expect(fs.readdirSync(dir)).toEqual(["00-x.json"]); // no temp file left behind
      expect(await loadResults("00-x")).toMatchObject({ notebook: "00-x", accuracy: 0.5 });
      await expect(saveResults("../evil", {})).rejects.toThrow(/must be a plain file name/);
    } finally {
      delete process.env.TL_RESULTS_DIR;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
