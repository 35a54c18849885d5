/**
 * The negative transfer gap (Wang, Dai, Póczos & Carbonell, "Characterizing and Avoiding Negative Transfer",
 * CVPR 2019):  NTG = ε_T(A(S, T)) − ε_T(A(∅, T)),  the target error of an algorithm A given the source S minus
 * its target error without it. NTG > 0 is negative transfer (负迁移): the source made the target worse.
 *
 * One run of each arm is noisy (which target samples are labelled, the learner's own randomness), so the gap
 * is measured over seeds — the same seed for both arms, a paired comparison — with a Student-t interval.
 */
import { checkOptions } from "../options";

/** One arm of the comparison: the target error ε_T (in 0..1) of a run with this seed. */
export type TargetErrorArm = (seed: number) => Promise<number> | number;

export interface NegativeTransferGapOptions {
  /** the seeds; each runs both arms once, with the same seed; at least 2; default [0, 1, 2, 3, 4] */
  seeds?: number[];
  /** two-sided confidence level of the interval of the mean gap; default 0.95 */
  confidence?: number;
}

export interface NegativeTransferGap {
  /** the mean NTG over the seeds, ε_T(A(S,T)) − ε_T(A(∅,T)); > 0 is negative transfer */
  gap: number;
  /** the sample standard deviation of the per-seed gaps */
  std: number;
  /** the Student-t confidence interval of the mean gap [lower, upper] */
  interval: [number, number];
  confidence: number;
  /** the gap of each seed, in the order of `seeds` */
  perSeed: number[];
  /** ε_T(A(S, T)) of each seed */
  withSource: number[];
  /** ε_T(A(∅, T)) of each seed */
  targetOnly: number[];
  seeds: number[];
  /** gap > 0: on average the source hurt */
  negative: boolean;
  /** the interval lies entirely above 0 (negative transfer) or below 0 (positive transfer) */
  significant: boolean;
}

/**
 * Runs `withSource(seed)` and `targetOnly(seed)` for every seed and returns NTG with its confidence interval.
 * Each arm returns a target error in [0, 1] (`tl.targetError(yhat, y)` turns predictions into one).
 */
export async function negativeTransferGap(
  withSource: TargetErrorArm,
  targetOnly: TargetErrorArm,
  options?: NegativeTransferGapOptions,
): Promise<NegativeTransferGap> {
  const opts = checkOptions("negativeTransferGap", options, { seeds: [0, 1, 2, 3, 4] as number[], confidence: 0.95 });
  if (typeof withSource !== "function") throw new Error("negativeTransferGap: withSource must be a function (seed) => target error");
  if (typeof targetOnly !== "function") throw new Error("negativeTransferGap: targetOnly must be a function (seed) => target error");
  if (!Array.isArray(opts.seeds) || opts.seeds.length < 2 || !opts.seeds.every(Number.isInteger)) {
    throw new Error(`negativeTransferGap: seeds must be at least 2 integers (an interval needs a spread), got ${JSON.stringify(opts.seeds)}`);
  }
  const withErrors: number[] = [], withoutErrors: number[] = [];
  for (const seed of opts.seeds) {
    withErrors.push(checkError(await withSource(seed), "withSource", seed));
    withoutErrors.push(checkError(await targetOnly(seed), "targetOnly", seed));
  }
  const perSeed = withErrors.map((e, i) => e - withoutErrors[i]);
  const t = tInterval(perSeed, opts.confidence);
  return {
    gap: t.mean,
    std: t.std,
    interval: [t.lower, t.upper],
    confidence: opts.confidence,
    perSeed,
    withSource: withErrors,
    targetOnly: withoutErrors,
    seeds: [...opts.seeds],
    negative: t.mean > 0,
    significant: t.lower > 0 || t.upper < 0,
  };
}

function checkError(e: number, arm: string, seed: number): number {
  if (typeof e !== "number" || !(e >= 0 && e <= 1)) {
    throw new Error(`negativeTransferGap: ${arm}(${seed}) returned ${String(e)}; an arm returns the target error, a number in [0, 1]`);
  }
  return e;
}

/** The target error 1 − accuracy of predictions `yhat` against the true labels `y`. */
export function targetError(yhat: ArrayLike<number>, y: ArrayLike<number>): number {
  if (yhat.length !== y.length) throw new Error(`targetError: yhat has ${yhat.length} labels but y has ${y.length}`);
  if (y.length === 0) throw new Error("targetError: no labels");
  let wrong = 0;
  for (let i = 0; i < y.length; i++) if (yhat[i] !== y[i]) wrong++;
  return wrong / y.length;
}

export interface TInterval {
  mean: number;
  std: number;
  /** t quantile × std / √n */
  halfWidth: number;
  lower: number;
  upper: number;
  n: number;
}

/** The mean of `values` and its two-sided Student-t confidence interval (n − 1 degrees of freedom; n ≥ 2). */
export function tInterval(values: ArrayLike<number>, confidence = 0.95): TInterval {
  const n = values.length;
  if (n < 2) throw new Error(`tInterval: needs at least 2 values, got ${n}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`tInterval: confidence must be in (0, 1), got ${confidence}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * std / Math.sqrt(n);
  return { mean, std, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, n };
}

/** The p-quantile of Student's t distribution with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`studentTQuantile: df must be > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom: 1 − ½ I_{df/(df+t²)}(df/2, ½) for t ≥ 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

function logGamma(x: number): number {
  // Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}
