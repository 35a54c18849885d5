/**
 * The K-means threshold update of TransEMDT, one split at a time. The split `x_f ≤ θ` of the source tree sends
 * some classes left and others right; on the target, K-means has grouped the confident samples into those
 * classes. The new threshold is the cut along x_f that best separates the target's "left" classes from its
 * "right" classes — where the target's own data put the boundary — instead of where the source person's did.
 */

/**
 * The threshold θ' on one feature that minimises the **balanced** routing error
 * ½·(#left values > θ')/#left + ½·(#right values ≤ θ')/#right — balanced, so that a rare class at a node is not
 * sacrificed to a common one — placed in the middle of the gap between the two neighbouring values (a margin,
 * as far from both groups as the data allow). Among equally good gaps, the one holding `oldThreshold` wins, else
 * the widest. Returns `oldThreshold` when either side has no values.
 */
export function adaptThreshold(leftValues: ArrayLike<number>, rightValues: ArrayLike<number>, oldThreshold: number): number {
  const nl = leftValues.length, nr = rightValues.length;
  if (nl === 0 || nr === 0) return oldThreshold;
  const all: { v: number; left: boolean }[] = [];
  for (let i = 0; i < nl; i++) all.push({ v: leftValues[i], left: true });
  for (let i = 0; i < nr; i++) all.push({ v: rightValues[i], left: false });
  all.sort((a, b) => a.v - b.v);
  // sweep the cut from below all values to above them; between two distinct values every cut errs alike,
  // so each gap (lo, hi) is one candidate with its balanced error
  let leftWrong = nl, rightWrong = 0; // cut below everything: every left value is on the wrong side
  let best: { lo: number; hi: number; error: number } | null = null;
  const consider = (lo: number, hi: number) => {
    const error = 0.5 * leftWrong / nl + 0.5 * rightWrong / nr;
    if (best === null || error < best.error - 1e-12) best = { lo, hi, error };
    else if (Math.abs(error - best.error) <= 1e-12 && better(lo, hi, best)) best = { lo, hi, error };
  };
  // among equally good gaps: the one holding the old threshold, else the widest
  const holds = (lo: number, hi: number) => lo <= oldThreshold && oldThreshold < hi;
  const better = (lo: number, hi: number, b: { lo: number; hi: number }) =>
    holds(lo, hi) !== holds(b.lo, b.hi) ? holds(lo, hi) : hi - lo > b.hi - b.lo;
  consider(-Infinity, all[0].v);
  for (let i = 0; i < all.length; i++) {
    if (all[i].left) leftWrong--;
    else rightWrong++;
    if (i + 1 < all.length && all[i + 1].v === all[i].v) continue;
    consider(all[i].v, i + 1 < all.length ? all[i + 1].v : Infinity);
  }
  const { lo, hi } = best!;
  // the middle of the best gap; an open end (all values on one side) keeps the old threshold if it lies there
  if (lo === -Infinity) return oldThreshold < hi ? oldThreshold : hi;
  if (hi === Infinity) return oldThreshold >= lo ? oldThreshold : lo;
  return (lo + hi) / 2;
}
