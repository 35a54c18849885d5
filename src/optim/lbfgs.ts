/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", Alg. 7.4 and 7.5) for smooth convex
 * objectives such as regularised logistic regression. The parameter vector and the two-loop recursion live in
 * float64 JavaScript (they are small); the objective and its gradient, the expensive part, are computed by the
 * caller (on the TF backend) and may be float32 accurate only. It stops when the gradient test is met
 * (status "converged"), when no further decrease is measurable (a line search that finds no decrease, or a step
 * that decreases f by less than 1e-9 relative: "stalled", at the optimum to float precision or stuck), or at
 * maxIterations ("iteration-limit"); `gradientNorm` says how close to stationary it got.
 */
import { SolverStatus } from "../errors";
import { dot, maxAbs } from "./vector";

export interface LbfgsOptions {
  /** maximum number of iterations (line searches) */
  maxIterations: number;
  /** stop when max |gradient| ≤ tolerance */
  tolerance: number;
  /** number of (s, y) pairs kept; default 10 */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** max |gradient| ≤ tolerance at the end (status "converged") */
  converged: boolean;
  /** how it stopped: the gradient test, no measurable decrease, or maxIterations */
  status: SolverStatus;
  /** = gradientNorm, the quantity the tolerance bounds */
  residual: number;
}

export type Objective = (x: Float64Array) => Promise<{ value: number; gradient: Float64Array }>;

/** Minimise `f` from `x0` (deterministic: same start, same result). */
export async function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions): Promise<LbfgsResult> {
  const memory = options.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let { value, gradient: g } = await f(x);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let iterations = 0;
  let status: SolverStatus | null = maxAbs(g) <= options.tolerance ? "converged" : null;
  while (status === null && iterations < options.maxIterations) {
    // two-loop recursion: d = −H g
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * Y[k][i];
    }
    const last = S.length - 1;
    const scale = last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= scale;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * S[k][i];
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction (a bad curvature pair): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    // backtracking line search (Armijo), step 1 first: the L-BFGS scaling makes it the usual accepted one.
    // At most 12 halvings: below a step of ~1e-4 a float32 objective no longer shows a decrease.
    let step = 1;
    let accepted = false;
    let xNew = new Float64Array(n);
    let next = { value, gradient: g };
    for (let tries = 0; tries < 12; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      next = await f(xNew);
      evaluations++;
      if (Number.isFinite(next.value) && next.value <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) {
      status = "stalled"; // no measurable decrease along a descent direction: the optimum to float precision, or stuck
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = next.gradient[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = value - next.value;
    [x, xNew] = [xNew, x];
    value = next.value;
    g = next.gradient;
    if (maxAbs(g) <= options.tolerance) status = "converged";
    else if (decrease <= 1e-9 * Math.max(1, Math.abs(value))) status = "stalled";
  }
  const final: SolverStatus = status ?? "iteration-limit";
  const gradientNorm = maxAbs(g);
  return { x, value, gradientNorm, iterations, evaluations, converged: final === "converged", status: final, residual: gradientNorm };
}
