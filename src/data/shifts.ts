/**
 * Synthetic two-domain data sets, each showing one kind of dataset shift in 2-D so it can be plotted:
 * covariate shift (p(x) changes, p(y|x) fixed), label shift (p(y) changes, p(x|y) fixed), conditional
 * shift (p(y|x) changes, p(x) fixed), and the rotated two-moons toy of domain adaptation papers.
 * Everything is seeded (`seed`, default 0): the same options give identical tensors.
 */
import * as tf from "../tf";
import { Random } from "../random";

export interface LabelledSet {
  X: tf.Tensor2D;
  y: Int32Array;
}

export interface ShiftedDomains {
  source: LabelledSet;
  target: LabelledSet;
  /** one line saying what differs between the domains */
  description: string;
}

// ---- option checks: every error names the function and the option ----

function checkKeys(fn: string, options: object, valid: readonly string[]): void {
  if (options === null || typeof options !== "object") throw new Error(`${fn}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!valid.includes(key)) throw new Error(`${fn}: unknown option "${key}"; valid options: ${valid.join(", ")}`);
  }
}

function intOption(fn: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`${fn}: option ${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function numOption(fn: string, name: string, value: unknown, min = -Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new Error(`${fn}: option ${name} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ""}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function priorsOption(fn: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new Error(`${fn}: option ${name} must be an array of at least 2 class probabilities, got ${JSON.stringify(value)}`);
  }
  value.forEach((p, k) => {
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0) {
      throw new Error(`${fn}: option ${name}[${k}] must be a probability ≥ 0, got ${JSON.stringify(p)}`);
    }
  });
  const sum = value.reduce((a: number, b: number) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new Error(`${fn}: option ${name} must sum to 1, sums to ${sum}`);
  return value as number[];
}

// float32 rounding of one value, so that labels follow the rule on the values the tensors hold
const F32 = new Float32Array(1);
function f32(x: number): number {
  F32[0] = x;
  return F32[0];
}

function set(xy: Float64Array, y: Int32Array): LabelledSet {
  return { X: tf.tensor2d(Float32Array.from(xy), [y.length, 2], "float32"), y };
}

// ---- covariate shift ----

/** The labelling rule shared by both domains of `covariateShift`: 1 above the parabola x2 = x1²/2 − 1. */
export function covariateShiftRule(x1: number, x2: number): number {
  return x2 > 0.5 * x1 * x1 - 1 ? 1 : 0;
}

/**
 * Covariate shift: x ~ N((−1, 0), I) in the source and N((−1 + shift, 0), I) in the target, labels from the same
 * deterministic rule (`covariateShiftRule`, a parabola) in both. A linear boundary fitted on the source (where the
 * parabola slopes down) is wrong on the target (where it slopes up). `n` samples per domain.
 */
export function covariateShift(options: { n?: number; seed?: number; shift?: number } = {}): ShiftedDomains {
  const fn = "covariateShift";
  checkKeys(fn, options, ["n", "seed", "shift"]);
  const n = intOption(fn, "n", options.n ?? 200, 2);
  const seed = numOption(fn, "seed", options.seed ?? 0);
  const shift = numOption(fn, "shift", options.shift ?? 2);
  const rng = new Random(seed);
  const domain = (cx: number): LabelledSet => {
    const xy = new Float64Array(2 * n), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x1 = rng.normal(cx, 1), x2 = rng.normal(0, 1);
      xy[2 * i] = x1;
      xy[2 * i + 1] = x2;
      y[i] = covariateShiftRule(f32(x1), f32(x2));
    }
    return set(xy, y);
  };
  return {
    source: domain(-1),
    target: domain(-1 + shift),
    description: `covariate shift: x ~ N((-1, 0), I) in the source, N((${-1 + shift}, 0), I) in the target; ` +
      `same rule y = [x2 > x1²/2 − 1] in both (n = ${n} per domain, seed ${seed})`,
  };
}

// ---- label shift ----

/** The class-conditional means of `labelShift`: K points on a circle of radius 2. */
export function labelShiftMeans(classes: number): [number, number][] {
  return Array.from({ length: classes }, (_, k) => [2 * Math.cos((2 * Math.PI * k) / classes), 2 * Math.sin((2 * Math.PI * k) / classes)]);
}

/**
 * Label shift (prior shift): class k ~ N(mean_k, I) in both domains (means on a circle, `labelShiftMeans`), labels
 * drawn i.i.d. from `sourcePriors` in the source and `targetPriors` in the target. Labels are 0..K−1.
 */
export function labelShift(options: { n?: number; seed?: number; sourcePriors?: number[]; targetPriors?: number[] } = {}): ShiftedDomains {
  const fn = "labelShift";
  checkKeys(fn, options, ["n", "seed", "sourcePriors", "targetPriors"]);
  const n = intOption(fn, "n", options.n ?? 400, 2);
  const seed = numOption(fn, "seed", options.seed ?? 0);
  const ps = priorsOption(fn, "sourcePriors", options.sourcePriors ?? [0.5, 0.5]);
  const pt = priorsOption(fn, "targetPriors", options.targetPriors ?? [0.2, 0.8]);
  if (ps.length !== pt.length) {
    throw new Error(`${fn}: options sourcePriors and targetPriors must have the same number of classes, got ${ps.length} and ${pt.length}`);
  }
  const means = labelShiftMeans(ps.length);
  const rng = new Random(seed);
  const domain = (priors: number[]): LabelledSet => {
    const xy = new Float64Array(2 * n), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      // inverse CDF of the categorical distribution; the last class with p > 0 absorbs rounding
      const u = rng.next();
      let k = 0, acc = priors[0];
      while (u >= acc && k < priors.length - 1) acc += priors[++k];
      while (priors[k] === 0 && k > 0) k--;
      y[i] = k;
      xy[2 * i] = rng.normal(means[k][0], 1);
      xy[2 * i + 1] = rng.normal(means[k][1], 1);
    }
    return set(xy, y);
  };
  const fmt = (p: number[]) => `[${p.map((v) => +v.toFixed(3)).join(", ")}]`;
  return {
    source: domain(ps),
    target: domain(pt),
    description: `label shift: same class-conditional Gaussians p(x|y), priors p(y) ${fmt(ps)} in the source, ${fmt(pt)} ` +
      `in the target (n = ${n} per domain, seed ${seed})`,
  };
}

// ---- conditional shift ----

/**
 * The labelling rule of `conditionalShift`: 1 on the positive side of the line at distance `shift` from the
 * origin whose normal is at `angle` degrees: [cos(angle)·x1 + sin(angle)·x2 > shift]. The source uses shift 0, angle 0.
 */
export function conditionalShiftRule(x1: number, x2: number, shift = 0, angle = 0): number {
  const a = (angle * Math.PI) / 180;
  return Math.cos(a) * x1 + Math.sin(a) * x2 > shift ? 1 : 0;
}

/**
 * Conditional shift (concept shift): x ~ N(0, I) in both domains, but the boundary moves: the source labels are
 * [x1 > 0], the target's the same line rotated by `angle` degrees (default 0) and moved by `shift` (default 1)
 * along its normal (`conditionalShiftRule`). p(x) is the same, p(y|x) differs in the band between the lines.
 */
export function conditionalShift(options: { n?: number; seed?: number; shift?: number; angle?: number } = {}): ShiftedDomains {
  const fn = "conditionalShift";
  checkKeys(fn, options, ["n", "seed", "shift", "angle"]);
  const n = intOption(fn, "n", options.n ?? 400, 2);
  const seed = numOption(fn, "seed", options.seed ?? 0);
  const shift = numOption(fn, "shift", options.shift ?? 1);
  const angle = numOption(fn, "angle", options.angle ?? 0);
  const rng = new Random(seed);
  const domain = (s: number, a: number): LabelledSet => {
    const xy = new Float64Array(2 * n), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      xy[2 * i] = rng.normal(0, 1);
      xy[2 * i + 1] = rng.normal(0, 1);
      y[i] = conditionalShiftRule(f32(xy[2 * i]), f32(xy[2 * i + 1]), s, a);
    }
    return set(xy, y);
  };
  return {
    source: domain(0, 0),
    target: domain(shift, angle),
    description: `conditional shift: x ~ N(0, I) in both domains; source y = [x1 > 0], target boundary rotated by ` +
      `${angle}° and moved by ${shift} (n = ${n} per domain, seed ${seed})`,
  };
}

// ---- two moons ----

/** The point the target moons are rotated about: the middle of the two moons' bounding box. */
export const MOONS_CENTER: readonly [number, number] = [0.5, 0.25];

/** Noise-free moons as scikit-learn's make_moons (outer half circle label 0, inner label 1), rows shuffled. */
function moonShapes(n: number, rng: Random): { xy: Float64Array; y: Int32Array } {
  const nOuter = Math.floor(n / 2), nInner = n - nOuter;
  const xy = new Float64Array(2 * n), y = new Int32Array(n);
  const order = rng.permutation(n);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    const inner = i >= nOuter;
    const m = inner ? nInner : nOuter;
    const t = (Math.PI * (inner ? i - nOuter : i)) / Math.max(m - 1, 1);
    xy[2 * r] = inner ? 1 - Math.cos(t) : Math.cos(t);
    xy[2 * r + 1] = inner ? 0.5 - Math.sin(t) : Math.sin(t);
    y[r] = inner ? 1 : 0;
  }
  return { xy, y };
}

function addNoise(xy: Float64Array, noise: number, rng: Random): Float64Array {
  const out = Float64Array.from(xy);
  if (noise > 0) for (let i = 0; i < out.length; i++) out[i] += rng.normal(0, noise);
  return out;
}

function moonOptions(fn: string, options: { n?: number; noise?: number; seed?: number; angle?: number }, valid: string[]) {
  checkKeys(fn, options, valid);
  return {
    n: intOption(fn, "n", options.n ?? 200, 2),
    noise: numOption(fn, "noise", options.noise ?? 0.1, 0),
    seed: numOption(fn, "seed", options.seed ?? 0),
    angle: numOption(fn, "angle", options.angle ?? 30),
  };
}

/** Two interleaving half circles (scikit-learn's make_moons) with Gaussian noise of std `noise`; labels 0 / 1. */
export function twoMoons(options: { n?: number; noise?: number; seed?: number } = {}): LabelledSet {
  const { n, noise, seed } = moonOptions("twoMoons", options, ["n", "noise", "seed"]);
  const rng = new Random(seed);
  const { xy, y } = moonShapes(n, rng);
  return set(addNoise(xy, noise, rng), y);
}

/**
 * The domain adaptation toy: source = `twoMoons` (same options give the same source), target = the same moons
 * rotated by `angle` degrees (default 30, counter-clockwise) about `MOONS_CENTER`, with a fresh noise draw. With
 * noise 0 the target is exactly the source rotated, row for row.
 */
export function rotatedTwoMoons(options: { n?: number; angle?: number; noise?: number; seed?: number } = {}): ShiftedDomains {
  const { n, noise, seed, angle } = moonOptions("rotatedTwoMoons", options, ["n", "angle", "noise", "seed"]);
  const rng = new Random(seed);
  const { xy, y } = moonShapes(n, rng);
  const source = set(addNoise(xy, noise, rng), Int32Array.from(y));
  const noisy = addNoise(xy, noise, rng);
  const a = (angle * Math.PI) / 180, c = Math.cos(a), s = Math.sin(a);
  const [cx, cy] = MOONS_CENTER;
  const rotated = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const dx = noisy[2 * i] - cx, dy = noisy[2 * i + 1] - cy;
    rotated[2 * i] = cx + c * dx - s * dy;
    rotated[2 * i + 1] = cy + s * dx + c * dy;
  }
  return {
    source,
    target: set(rotated, Int32Array.from(y)),
    description: `rotated two moons: the target is the source's moons rotated by ${angle}° about (${cx}, ${cy}), ` +
      `noise ${noise} (n = ${n} per domain, seed ${seed})`,
  };
}
