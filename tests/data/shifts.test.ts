import * as tf from "@tensorflow/tfjs";
import {
  conditionalShift,
  conditionalShiftRule,
  covariateShift,
  covariateShiftRule,
  labelShift,
  labelShiftMeans,
  MOONS_CENTER,
  rotatedTwoMoons,
  ShiftedDomains,
  twoMoons,
} from "../../src/data";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const rows = (X: tf.Tensor2D): number[][] => X.arraySync();
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const same = (a: ShiftedDomains, b: ShiftedDomains): void => {
  expect(Array.from(a.source.X.dataSync())).toEqual(Array.from(b.source.X.dataSync()));
  expect(Array.from(a.target.X.dataSync())).toEqual(Array.from(b.target.X.dataSync()));
  expect(a.source.y).toEqual(b.source.y);
  expect(a.target.y).toEqual(b.target.y);
  expect(a.description).toBe(b.description);
};
const differ = (a: ShiftedDomains, b: ShiftedDomains): void =>
  expect(Array.from(a.source.X.dataSync())).not.toEqual(Array.from(b.source.X.dataSync()));

test.each<[string, (o: { seed?: number }) => ShiftedDomains]>([
  ["covariateShift", (o) => covariateShift({ n: 50, ...o })],
  ["labelShift", (o) => labelShift({ n: 50, ...o })],
  ["conditionalShift", (o) => conditionalShift({ n: 50, ...o })],
  ["rotatedTwoMoons", (o) => rotatedTwoMoons({ n: 50, ...o })],
])("%s: the same seed gives identical data, another seed other data; default seed is 0", (_, make) => {
  same(make({ seed: 3 }), make({ seed: 3 }));
  same(make({}), make({ seed: 0 }));
  differ(make({ seed: 3 }), make({ seed: 4 }));
  const d = make({});
  expect(d.source.X.shape).toEqual([50, 2]);
  expect(d.target.X.shape).toEqual([50, 2]);
  expect(d.source.y).toBeInstanceOf(Int32Array);
  expect(d.description.length).toBeGreaterThan(10);
});

test("covariateShift: same labelling rule, different input means", () => {
  const { source, target, description } = covariateShift({ n: 2000, seed: 1, shift: 2 });
  expect(description).toMatch(/covariate shift/);
  for (const [X, y] of [[source.X, source.y], [target.X, target.y]] as const) {
    rows(X).forEach(([x1, x2], i) => expect(y[i]).toBe(covariateShiftRule(x1, x2)));
  }
  const s = rows(source.X), t = rows(target.X);
  expect(mean(s.map((r) => r[0]))).toBeCloseTo(-1, 1);
  expect(mean(t.map((r) => r[0]))).toBeCloseTo(1, 1);
  expect(Math.abs(mean(s.map((r) => r[1])) - mean(t.map((r) => r[1])))).toBeLessThan(0.15);
  // both classes in both domains
  for (const y of [source.y, target.y]) expect(mean(Array.from(y))).toBeGreaterThan(0.2);
  // the shift is the option: shift 0 gives the same input distribution
  const none = covariateShift({ n: 2000, seed: 1, shift: 0 });
  expect(Math.abs(mean(rows(none.source.X).map((r) => r[0])) - mean(rows(none.target.X).map((r) => r[0])))).toBeLessThan(0.15);
});

test("labelShift: class proportions follow the priors, class-conditional means are the same", () => {
  const sourcePriors = [0.5, 0.3, 0.2], targetPriors = [0.1, 0.1, 0.8];
  const { source, target } = labelShift({ n: 4000, seed: 2, sourcePriors, targetPriors });
  const means = labelShiftMeans(3);
  for (const [set, priors] of [[source, sourcePriors], [target, targetPriors]] as const) {
    const X = rows(set.X);
    for (let k = 0; k < 3; k++) {
      const idx = X.map((_, i) => i).filter((i) => set.y[i] === k);
      expect(Math.abs(idx.length / 4000 - priors[k])).toBeLessThan(0.03);
      expect(Math.abs(mean(idx.map((i) => X[i][0])) - means[k][0])).toBeLessThan(0.1);
      expect(Math.abs(mean(idx.map((i) => X[i][1])) - means[k][1])).toBeLessThan(0.1);
    }
  }
  // a zero prior never gives that class
  const z = labelShift({ n: 500, sourcePriors: [0, 1], targetPriors: [1, 0] });
  expect(z.source.y.every((v) => v === 1)).toBe(true);
  expect(z.target.y.every((v) => v === 0)).toBe(true);
});

test("conditionalShift: same p(x), labels follow a moved boundary in the target", () => {
  const { source, target } = conditionalShift({ n: 3000, seed: 5, shift: 1, angle: 20 });
  const s = rows(source.X), t = rows(target.X);
  for (const j of [0, 1]) {
    expect(Math.abs(mean(s.map((r) => r[j])) - mean(t.map((r) => r[j])))).toBeLessThan(0.1);
    expect(Math.abs(mean(s.map((r) => r[j] ** 2)) - mean(t.map((r) => r[j] ** 2)))).toBeLessThan(0.15);
  }
  s.forEach(([x1, x2], i) => expect(source.y[i]).toBe(conditionalShiftRule(x1, x2)));
  t.forEach(([x1, x2], i) => expect(target.y[i]).toBe(conditionalShiftRule(x1, x2, 1, 20)));
  // the source's rule is wrong on a good part of the target
  const wrong = t.filter(([x1, x2], i) => conditionalShiftRule(x1, x2) !== target.y[i]).length / t.length;
  expect(wrong).toBeGreaterThan(0.2);
});

test("twoMoons: scikit-learn's shapes, balanced labels; it is rotatedTwoMoons' source", () => {
  const m = twoMoons({ n: 101, noise: 0, seed: 7 });
  expect(m.X.shape).toEqual([101, 2]);
  expect(Array.from(m.y).filter((v) => v === 0).length).toBe(50);
  rows(m.X).forEach(([x, y], i) => {
    const r = m.y[i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
    expect(r).toBeCloseTo(1, 5);
    expect(m.y[i] === 0 ? y >= -1e-6 : y <= 0.5 + 1e-6).toBe(true);
  });
  const r = rotatedTwoMoons({ n: 101, noise: 0.2, seed: 7, angle: 45 });
  const m2 = twoMoons({ n: 101, noise: 0.2, seed: 7 });
  expect(Array.from(r.source.X.dataSync())).toEqual(Array.from(m2.X.dataSync()));
  expect(r.source.y).toEqual(m2.y);
});

test("rotatedTwoMoons: with noise 0 the target is the source rotated by angle about MOONS_CENTER", () => {
  const { source, target } = rotatedTwoMoons({ n: 200, noise: 0, angle: 30 });
  const a = (30 * Math.PI) / 180;
  const [cx, cy] = MOONS_CENTER;
  const t = rows(target.X);
  rows(source.X).forEach(([x, y], i) => {
    expect(t[i][0]).toBeCloseTo(cx + Math.cos(a) * (x - cx) - Math.sin(a) * (y - cy), 5);
    expect(t[i][1]).toBeCloseTo(cy + Math.sin(a) * (x - cx) + Math.cos(a) * (y - cy), 5);
  });
  expect(target.y).toEqual(source.y);
  // with noise the target has its own noise draw, and angle 0 leaves the moons where they are
  const noisy = rotatedTwoMoons({ n: 200, noise: 0.1, angle: 0 });
  expect(Array.from(noisy.target.X.dataSync())).not.toEqual(Array.from(noisy.source.X.dataSync()));
  const diff = noisy.target.X.sub(noisy.source.X).abs().mean().dataSync()[0];
  expect(diff).toBeLessThan(0.2);
});

test("options are validated with errors naming the option", () => {
  expect(() => covariateShift({ n: 1 })).toThrow("covariateShift: option n must be an integer ≥ 2, got 1");
  expect(() => covariateShift({ n: 2.5 })).toThrow(/option n must be an integer/);
  expect(() => covariateShift({ shift: NaN })).toThrow(/covariateShift: option shift must be a finite number/);
  expect(() => covariateShift({ sead: 1 } as never)).toThrow('covariateShift: unknown option "sead"; valid options: n, seed, shift');
  expect(() => labelShift({ sourcePriors: [0.5, 0.6] })).toThrow(/labelShift: option sourcePriors must sum to 1, sums to 1\.1/);
  expect(() => labelShift({ targetPriors: [1.5, -0.5] })).toThrow(/option targetPriors\[1\] must be a probability ≥ 0/);
  expect(() => labelShift({ sourcePriors: [1] })).toThrow(/option sourcePriors must be an array of at least 2/);
  expect(() => labelShift({ sourcePriors: [0.5, 0.5], targetPriors: [0.2, 0.3, 0.5] })).toThrow(/same number of classes, got 2 and 3/);
  expect(() => conditionalShift({ angle: Infinity })).toThrow(/conditionalShift: option angle must be a finite number/);
  expect(() => twoMoons({ noise: -1 })).toThrow(/twoMoons: option noise must be a finite number ≥ 0/);
  expect(() => twoMoons({ angle: 3 } as never)).toThrow(/twoMoons: unknown option "angle"/);
  expect(() => rotatedTwoMoons({ seed: "x" as never })).toThrow(/rotatedTwoMoons: option seed must be a finite number/);
});
