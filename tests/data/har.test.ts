/** The WISDM loader: counts as in data/har/README.md, missing values, per-user splits, and errors that name file and line. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { loadHar, parseHar, usersWithAllActivities, userRows, splitByUser, imputeMedian, harUsers, HAR_ACTIVITIES } from "../../src/data";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const HEADER = "UNIQUE_ID,user,X0,XPEAK,class";

test("WISDM v1.1: 5,418 windows × 43 features, 36 users, activity counts and missing PEAK values as in the README", async () => {
  const har = await loadHar();
  expect(har.X.shape).toEqual([5418, 43]);
  expect(har.featureNames[0]).toBe("X0");
  expect(har.featureNames[42]).toBe("RESULTANT");
  expect(har.featureNames).not.toContain("user");
  expect(harUsers(har)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
  const counts = HAR_ACTIVITIES.map((_, k) => har.y.filter((v) => v === k).length);
  expect(counts).toEqual([2081, 1625, 632, 528, 306, 246]);
  // "?" in the PEAK columns only: XPEAK 381, YPEAK 131, ZPEAK 103
  expect(har.missing).toBe(381 + 131 + 103);
  const x = har.X.arraySync();
  const nanPerColumn = har.featureNames.map((_, j) => x.filter((r) => Number.isNaN(r[j])).length);
  expect(nanPerColumn[har.featureNames.indexOf("XPEAK")]).toBe(381);
  expect(nanPerColumn[har.featureNames.indexOf("ZPEAK")]).toBe(103);
  expect(nanPerColumn.reduce((a, b) => a + b, 0)).toBe(615);
  // the 18 users with all six activities, and user 20's windows (W J U D Si St = 65 54 25 25 77 27)
  expect(usersWithAllActivities(har)).toEqual([3, 5, 6, 7, 12, 13, 18, 19, 20, 21, 24, 27, 29, 31, 32, 33, 34, 36]);
  const u20 = userRows(har, 20);
  expect(HAR_ACTIVITIES.map((_, k) => Array.from(u20).filter((i) => har.y[i] === k).length)).toEqual([65, 54, 25, 25, 77, 27]);
  har.X.dispose();
});

test("splitByUser: the target's windows vs every other user's; an absent user is an error naming the file", async () => {
  const har = await loadHar();
  const split = splitByUser(har, 20);
  expect(split.target.X.shape).toEqual([273, 43]);
  expect(split.source.X.shape).toEqual([5418 - 273, 43]);
  expect(split.source.users).not.toContain(20);
  const some = splitByUser(har, 3, [3, 5, 6]);
  expect(some.source.users).toEqual([5, 6]);
  expect(some.source.X.shape[0]).toBe(146 + 153);
  expect(() => userRows(har, 37)).toThrow(/user 37 is not in .*WISDM_ar_v1\.1_transformed\.csv\.gz \(its users: 1\.\.36, 36 in all\)/);
  expect(() => splitByUser(har, 99)).toThrow(/user 99 is not in/);
  tf.dispose([split.source.X, split.target.X, some.source.X, some.target.X, har.X]);
});

test("imputeMedian fills NaN with the column median (its own or given)", () => {
  const X = tf.tensor2d([[1, NaN], [3, 4], [NaN, 6], [5, 8]]);
  const { X: filled, medians } = imputeMedian(X);
  expect(Array.from(medians)).toEqual([3, 6]);
  expect(filled.arraySync()).toEqual([[1, 6], [3, 4], [3, 6], [5, 8]]);
  const other = imputeMedian(tf.tensor2d([[NaN, NaN]]), medians);
  expect(other.X.arraySync()).toEqual([[3, 6]]);
  expect(() => imputeMedian(X, [1])).toThrow("imputeMedian: 1 medians for 2 columns");
  tf.dispose([X, filled, other.X]);
});

describe("malformed WISDM files: errors name the file, the line and the column", () => {
  test("a missing value with missing: \"error\", a wrong cell count, an unknown activity, a bad number, a bad user", () => {
    const good = `${HEADER}\n1,7,0.5,?,Walking\n2,7,0.1,1200,Jogging\n`;
    const parsed = parseHar(good, "w.csv");
    expect(parsed.featureNames).toEqual(["X0", "XPEAK"]);
    expect(Number.isNaN(parsed.X.arraySync()[0][1])).toBe(true);
    expect(Array.from(parsed.y)).toEqual([0, 1]);
    expect(Array.from(parsed.users)).toEqual([7, 7]);
    parsed.X.dispose();
    expect(() => parseHar(good, "w.csv", "error")).toThrow('w.csv: line 2, column 4 ("XPEAK"): missing value ("?"); load with { missing: "nan" } to read it as NaN');
    expect(() => parseHar(`${HEADER}\n1,7,0.5,Walking\n`, "w.csv")).toThrow("w.csv: line 2 has 4 cells, expected 5");
    expect(() => parseHar(`${HEADER}\n1,7,0.5,3,Walking\n2,7,0.5,3,Swimming\n`, "w.csv")).toThrow('w.csv: line 3, column 5 ("class"): unknown activity "Swimming"');
    expect(() => parseHar(`${HEADER}\n1,7,abc,3,Walking\n`, "w.csv")).toThrow('w.csv: line 2, column 3 ("X0"): "abc" is not a number');
    expect(() => parseHar(`${HEADER}\n1,x,1,3,Walking\n`, "w.csv")).toThrow('w.csv: line 2, column 2 ("user"): user "x" is not an integer id');
    expect(() => parseHar("UNIQUE_ID,X0,class\n", "w.csv")).toThrow('w.csv: line 1 (header) has no "user" column');
  });

  test("loadHar reads a path (and .gz), rejects unknown options and absent files", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-har-"));
    try {
      const file = path.join(dir, "mine.csv");
      fs.writeFileSync(file, `${HEADER}\n1,7,0.5,?,Walking\n`);
      const har = await loadHar(file);
      expect(har.X.shape).toEqual([1, 2]);
      har.X.dispose();
      await expect(loadHar(file, { missin: "nan" } as never)).rejects.toThrow('loadHar: unknown option "missin" (did you mean "missing"?)');
      await expect(loadHar(path.join(dir, "absent.csv"))).rejects.toThrow(/loadHar: no WISDM file for/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
