/**
 * Numbers as a notebook reports them, and the words that read them: the small helpers every lecture
 * notebook used to define for itself (`mean`, `std`, `pct`, `since`), and the wording of a computed
 * reading, which follows the direction and size of an effect ("gained 5.3 points" / "lost 1.6 points",
 * "beats" / "does not beat") so that no interpretation paragraph is typed in ahead of the run.
 */

/** The arithmetic mean; an empty list is an error (a mean over no seeds is a bug, not 0 or NaN). A NaN among the values gives NaN. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error("mean: no values");
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/**
 * The standard deviation: over the population (divide by n, the default), or the sample estimate
 * (`{ sample: true }`, divide by n − 1; 0 for a single value).
 */
export function std(values: ArrayLike<number>, options: { sample?: boolean } = {}): number {
  const m = mean(values);
  const n = values.length;
  if (options.sample && n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i] - m) ** 2;
  return Math.sqrt(s / (options.sample ? n - 1 : n));
}

/** A fraction as a percentage rounded to `digits` (default 2): pct(0.91234) = 91.23. */
export function pct(fraction: number, digits = 2): number {
  return +(100 * fraction).toFixed(digits);
}

/** Seconds since `t0` (a `Date.now()` reading), rounded to `digits` (default 2). */
export function since(t0: number, digits = 2): number {
  return +((Date.now() - t0) / 1000).toFixed(digits);
}

/** A number with its sign, and a true minus: signed(5.31) = "+5.3", signed(-1.6) = "−1.6". */
export function signed(value: number, digits = 1): string {
  const s = Math.abs(value).toFixed(digits);
  if (+s === 0) return (0).toFixed(digits);
  return (value > 0 ? "+" : "−") + s;
}

/** A difference in percentage points, read: "gained 5.3 points", "lost 1.6 points", "changed nothing (0.0 points)". */
export function gainedLost(points: number, digits = 1): string {
  const size = Math.abs(points).toFixed(digits);
  if (+size === 0) return `changed nothing (${size} points)`;
  return `${points > 0 ? "gained" : "lost"} ${size} point${size === (1).toFixed(digits) ? "" : "s"}`;
}

/** "beats" when `a > b`, otherwise "does not beat" (higher is better). */
export function beats(a: number, b: number): string {
  return a > b ? "beats" : "does not beat";
}

/** The verdict on a claim the prose makes: "holds" or "does not hold". */
export function holds(ok: boolean): string {
  return ok ? "holds" : "does not hold";
}

/** A list of counted things in words: count(1, "pair") = "1 pair", count(3, "pair") = "3 pairs". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * Whether `actual` is within `tol` of `expected`, relative to |expected| when that is above 1 (absolute
 * below): what exercise tests compare with, `assert.ok(tl.isClose(a, b), "…")`.
 */
export function isClose(actual: number, expected: number, tol = 1e-6): boolean {
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}
