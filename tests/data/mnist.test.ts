/**
 * The image loaders (src/data/mnist.ts) and their files (data/images/): the stored bytes are the ones the
 * generator recorded; train and test never share an image, within a seed or across seeds (the test partition is
 * fixed); same seed, same images.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { loadMnist, loadFashionMnist, splitClasses } from "../../src/data/mnist";
import { InvalidOptionError } from "../../src/errors";

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const imagesDir = path.join(__dirname, "..", "..", "data", "images");
const manifest = JSON.parse(fs.readFileSync(path.join(imagesDir, "manifest.json"), "utf8"));

beforeAll(async () => {
  await useBestBackend({ quiet: true, prefer: "wasm" });
});

test("every image file holds the bytes the generator recorded (count and SHA-256)", () => {
  for (const set of ["mnist", "fashion"]) {
    const classes = manifest.sets[set].classes;
    expect(classes).toHaveLength(10);
    for (const c of classes) {
      const bytes = zlib.gunzipSync(fs.readFileSync(path.join(imagesDir, c.file)));
      expect(bytes.length).toBe(c.images * 784);
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(c.sha256);
      expect(c.images).toBeGreaterThan(manifest.testPerClass);
    }
  }
  expect(manifest.testPerClass).toBe(300);
});

/** the images of a loaded set as strings of bytes, to compare across loads */
async function imageKeys(X: tf.Tensor2D): Promise<string[]> {
  return ((await X.array()) as number[][]).map((r) => r.map((v) => Math.round(v * 255)).join(","));
}

test.each([["MNIST", loadMnist], ["Fashion-MNIST", loadFashionMnist]] as const)(
  "%s: no seed's test image is any seed's training image; the test partition does not move with the seed",
  async (_name, load) => {
    const train = new Set<string>(), test = new Set<string>();
    for (const seed of [0, 1, 2, 3, 4]) {
      const d = load({ classes: [5, 8], perClass: 200, testPerClass: 100, size: 28, seed });
      (await imageKeys(d.train.X)).forEach((k) => train.add(k));
      (await imageKeys(d.test.X)).forEach((k) => test.add(k));
      tf.dispose([d.train.X, d.test.X]);
    }
    expect([...test].filter((k) => train.has(k))).toEqual([]);
    // five seeds of 100 test images a class draw from 300 a class, never beyond
    expect(test.size).toBeGreaterThan(200);
    expect(test.size).toBeLessThanOrEqual(2 * 300);
    // all 300 a class: the same images whatever the seed
    const all = (seed: number) => load({ classes: [5], perClass: 0, testPerClass: 300, size: 28, seed });
    const [a, b] = [all(0), all(9)];
    expect(new Set(await imageKeys(a.test.X))).toEqual(new Set(await imageKeys(b.test.X)));
    tf.dispose([a.train.X, a.test.X, b.train.X, b.test.X]);
  },
);

test("seeded, class-balanced, disjoint, in [0, 1]; the class split", async () => {
  const a = loadMnist({ classes: [3, 7], perClass: 20, testPerClass: 10, seed: 1 });
  const b = loadMnist({ classes: [3, 7], perClass: 20, testPerClass: 10, seed: 1 });
  const c = loadMnist({ classes: [3, 7], perClass: 20, testPerClass: 10, seed: 2 });
  expect(a.train.X.shape).toEqual([40, 196]);
  expect(a.test.X.shape).toEqual([20, 196]);
  expect(Array.from(a.train.y.slice(18, 22))).toEqual([0, 0, 1, 1]);
  expect(a.train.classNames).toEqual(["3", "7"]);
  const [ax, bx, cx] = await Promise.all([a.train.X.data(), b.train.X.data(), c.train.X.data()]);
  expect(same(ax, bx)).toBe(true);
  expect(same(ax, cx)).toBe(false);
  // no test image is a training image
  const rows = async (t: tf.Tensor2D) => ((await t.array()) as number[][]).map((r) => r.join());
  const train = new Set(await rows(a.train.X));
  expect((await rows(a.test.X)).filter((r) => train.has(r))).toHaveLength(0);
  const px = ax;
  expect(Math.min(...px)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...px)).toBeLessThanOrEqual(1);
  const f = loadFashionMnist({ classes: [0, 9], perClass: 5, testPerClass: 5, size: 28 });
  expect(f.train.X.shape).toEqual([10, 784]);
  expect(f.train.classNames).toEqual(["T-shirt/top", "Ankle boot"]);
  expect(() => loadMnist({ perClass: 5000 })).toThrow("loadMnist: class 0 has 701 training images (its other 300 are the fixed test partition), fewer than perClass = 5000");
  expect(() => loadMnist({ testPerClass: 301 })).toThrow("loadMnist: testPerClass must be at most 300 (each class's fixed test partition), got 301");
  expect(() => loadMnist({ size: 7 as never })).toThrow("loadMnist: size must be 28 or 14, got 7");
  const s = splitClasses(3);
  expect([...s.A, ...s.B].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(splitClasses(3)).toEqual(s);
});

test("bad options are InvalidOptionErrors", () => {
  expect(() => loadMnist({ perClas: 3 } as never)).toThrow(InvalidOptionError);
  expect(() => loadFashionMnist({ classes: [10] })).toThrow(InvalidOptionError);
});
