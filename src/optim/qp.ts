/**
 * The quadratic program of Kernel Mean Matching, solved in float64 JavaScript:
 *
 *   minimise  f(β) = ½ βᵀKβ − κᵀβ   subject to  0 ≤ βᵢ ≤ B,  L ≤ Σᵢ βᵢ ≤ U
 *
 * with K positive semi-definite. Two phases alternate, an active-set method in the spirit of Moré & Toraldo's
 * GPCG (1991): FISTA (Beck & Teboulle 2009) — projected gradient with Nesterov momentum, restarted whenever the
 * momentum points uphill (O'Donoghue & Candès 2015) — until the set of variables at a bound stops changing;
 * then conjugate gradients on that face, far faster than any gradient method on KMM's ill-conditioned kernel
 * matrices (an RBF spectrum decays exponentially). The projection onto the box ∩ slab is exact (a 1-D root of
 * a monotone piecewise-linear function). The stopping rule is a certificate, not a heuristic: the Lagrangian
 * duality gap, which bounds f(β) − f(β*) from above, so "relative gap ≤ 1e-8" means the objective is within
 * 1e-8 (relative) of the optimum. Why not a generic QP package: npm's `quadprog` (dense active set, O(n³))
 * takes ~50 s at n = 1000; this takes ~0.2 s there (about a hundred K·v products of 1 ms each).
 */
import { SolverStatus } from "../errors";
import { dot } from "./vector";

export interface BoxSumQP {
  /** n × n, symmetric positive semi-definite, row-major */
  K: Float64Array;
  kappa: Float64Array;
  /** upper bound B of every variable */
  upper: number;
  /** bounds of Σ β */
  sumLower: number;
  sumUpper: number;
}

export interface QPOptions {
  /** stop when the duality gap ≤ tolerance · |f(β)|; default 1e-8 */
  tolerance?: number;
  /** default 20000 */
  maxIterations?: number;
  /** starting point (projected onto the feasible set first); default all ones */
  start?: Float64Array;
}

export interface QPResult {
  beta: Float64Array;
  objective: number;
  /** duality gap: f(β) − f(β*) ≤ gap */
  gap: number;
  relativeGap: number;
  /** largest violation of the KKT conditions, relative to max |κ| */
  kktViolation: number;
  iterations: number;
  /** the relative gap met the tolerance */
  converged: boolean;
  /** "converged", or "iteration-limit" when maxIterations came first (the gap then says how far off β is) */
  status: SolverStatus;
  /** = relativeGap: what the stopping rule compares with the tolerance */
  residual: number;
  milliseconds: number;
}

function checkProblem(p: BoxSumQP): number {
  const n = p.kappa.length;
  if (p.K.length !== n * n) throw new Error(`solveBoxSumQP: K has ${p.K.length} entries, expected n² = ${n * n} for n = ${n}`);
  if (!(p.upper > 0)) throw new Error(`solveBoxSumQP: the upper bound B must be > 0, got ${p.upper}`);
  if (!(p.sumLower <= p.sumUpper)) throw new Error(`solveBoxSumQP: sumLower ${p.sumLower} > sumUpper ${p.sumUpper}`);
  if (p.sumUpper < 0 || p.sumLower > n * p.upper) {
    throw new Error(`solveBoxSumQP: no feasible β: Σβ must lie in [${p.sumLower}, ${p.sumUpper}] but 0 ≤ Σβ ≤ n·B = ${n * p.upper}`);
  }
  return n;
}

/** out = K x (K symmetric). Row dot products unrolled by 4 (measured ~1.7× faster than axpy columns in V8);
 * when most of x is zero, the columns of its non-zeros are added instead. */
function matVec(K: Float64Array, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  let nonZero = 0;
  for (let j = 0; j < n; j++) if (x[j] !== 0) nonZero++;
  if (nonZero < 0.4 * n) {
    out.fill(0);
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      if (xj === 0) continue;
      const row = j * n;
      for (let i = 0; i < n; i++) out[i] += xj * K[row + i];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += K[row + j] * x[j];
      s1 += K[row + j + 1] * x[j + 1];
      s2 += K[row + j + 2] * x[j + 2];
      s3 += K[row + j + 3] * x[j + 3];
    }
    for (; j < n; j++) s0 += K[row + j] * x[j];
    out[i] = s0 + s1 + s2 + s3;
  }
}

/** Euclidean projection of v onto {0 ≤ x ≤ B, L ≤ Σx ≤ U}, written into `out`. */
export function projectBoxSum(v: Float64Array, B: number, L: number, U: number, out: Float64Array = new Float64Array(v.length)): Float64Array {
  const n = v.length;
  const clipSum = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = v[i] - tau;
      s += z <= 0 ? 0 : z >= B ? B : z;
    }
    return s;
  };
  const s0 = clipSum(0);
  let tau = 0;
  if (s0 > U || s0 < L) {
    // KKT: x = clip(v − τ, 0, B) with the τ that puts Σx on the violated bound; Σ is non-increasing in τ
    const target = s0 > U ? U : L;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, v[i] - B);
      hi = Math.max(hi, v[i]);
    }
    for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi), Math.abs(lo)); it++) {
      const mid = 0.5 * (lo + hi);
      if (clipSum(mid) > target) lo = mid;
      else hi = mid;
    }
    // exact τ on the final linear piece: the free coordinates decide it
    tau = 0.5 * (lo + hi);
    let free = 0, fixed = 0, freeSum = 0;
    for (let i = 0; i < n; i++) {
      const z = v[i] - tau;
      if (z >= B) fixed += B;
      else if (z > 0) {
        free++;
        freeSum += v[i];
      }
    }
    if (free > 0) {
      const exact = (freeSum + fixed - target) / free;
      if (Math.abs(exact - tau) <= Math.max(1e-9, 1e-9 * Math.abs(tau))) tau = exact;
    }
  }
  for (let i = 0; i < n; i++) {
    const z = v[i] - tau;
    out[i] = z <= 0 ? 0 : z >= B ? B : z;
  }
  return out;
}

/**
 * The duality gap of a feasible β and the KKT violation. For the multiplier ν of the sum constraint,
 * stationarity g + ν·1 = μ₀ − μ_B (g = Kβ − κ) fixes the box multipliers μ₀ = (g+ν)⁺, μ_B = (g+ν)⁻, and the
 * gap is Σᵢ (gᵢ+ν)⁺βᵢ + (gᵢ+ν)⁻(B−βᵢ) + ν⁺(U−Σβ) + ν⁻(Σβ−L); it is convex and piecewise linear in ν, so its
 * minimum sits where its slope changes sign (found in one sorted sweep). Needs Kβ (`Kbeta`).
 */
export function boxSumQPGap(p: BoxSumQP, beta: Float64Array, Kbeta?: Float64Array): { objective: number; gap: number; nu: number; kktViolation: number } {
  const n = checkProblem(p);
  if (beta.length !== n) throw new Error(`boxSumQPGap: beta has ${beta.length} entries, expected ${n}`);
  const Kb = Kbeta ?? (() => {
    const out = new Float64Array(n);
    matVec(p.K, beta, out);
    return out;
  })();
  const B = p.upper;
  const g = new Float64Array(n);
  let s = 0;
  let kb = 0, kappaB = 0;
  for (let i = 0; i < n; i++) {
    g[i] = Kb[i] - p.kappa[i];
    s += beta[i];
    kb += beta[i] * Kb[i];
    kappaB += p.kappa[i] * beta[i];
  }
  const objective = 0.5 * kb - kappaB;
  const slackU = Math.max(0, p.sumUpper - s);
  const slackL = Math.max(0, s - p.sumLower);
  // slope of the gap in ν: from −∞ it is −Σ(B−βᵢ) − slackL; it rises by B at each kink −gᵢ and by
  // slackU + slackL at 0. The minimum is at the first event after which the slope is ≥ 0.
  const positions = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) positions[i] = -g[i];
  positions[n] = 0;
  const order = Int32Array.from({ length: n + 1 }, (_, i) => i).sort((a, b) => positions[a] - positions[b]);
  let slope = -slackL;
  for (let i = 0; i < n; i++) slope -= B - beta[i];
  let nu = positions[order[0]];
  for (const e of order) {
    if (slope >= 0) break;
    nu = positions[e];
    slope += e === n ? slackU + slackL : B;
  }
  let gap = Math.max(nu, 0) * slackU + Math.max(-nu, 0) * slackL;
  let violation = 0;
  const tol = 1e-12 * B;
  for (let i = 0; i < n; i++) {
    const r = g[i] + nu;
    gap += r > 0 ? r * beta[i] : -r * (B - beta[i]);
    if (beta[i] <= tol) violation = Math.max(violation, -r);
    else if (beta[i] >= B - tol) violation = Math.max(violation, r);
    else violation = Math.max(violation, Math.abs(r));
  }
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(p.kappa[i]));
  return { objective, gap: Math.max(0, gap), nu, kktViolation: violation / Math.max(scale, 1e-300) };
}

/** The largest eigenvalue of K (power iteration), the Lipschitz constant of ∇f. */
function largestEigenvalue(K: Float64Array, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let w = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < 50; it++) {
    matVec(K, v, w);
    const norm = Math.sqrt(dot(w, w));
    if (norm === 0) return 0;
    const next = dot(v, w);
    for (let i = 0; i < n; i++) w[i] /= norm;
    [v, w] = [w, v];
    if (it > 5 && Math.abs(next - lambda) <= 1e-6 * next) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  return lambda;
}

/** Solve the box + sum constrained QP to the requested relative duality gap. */
export function solveBoxSumQP(p: BoxSumQP, options: QPOptions = {}): QPResult {
  const started = Date.now();
  const n = checkProblem(p);
  const tolerance = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 20000;
  const { K, kappa, upper: B, sumLower: L, sumUpper: U } = p;
  // 5 % above the power-iteration estimate: an underestimate of the Lipschitz constant would make steps too long
  const lipschitz = 1.05 * largestEigenvalue(K, n) + 1e-12;
  let x = projectBoxSum(options.start ?? new Float64Array(n).fill(1), B, L, U);
  let Kx = new Float64Array(n);
  matVec(K, x, Kx);
  let xNew = new Float64Array(n);
  let KxNew = new Float64Array(n);
  const y = Float64Array.from(x);
  const Ky = Float64Array.from(Kx);
  const step = new Float64Array(n);
  let t = 1;
  let iterations = 0;
  let check = boxSumQPGap(p, x, Kx);
  const done = () => check.gap <= tolerance * Math.max(Math.abs(check.objective), 1e-300);
  let converged = done();
  let stable = 0;
  let signature = "";
  while (!converged && iterations < maxIterations) {
    // ---- accelerated projected gradient: finds the active set ----
    for (let i = 0; i < n; i++) step[i] = y[i] - (Ky[i] - kappa[i]) / lipschitz;
    projectBoxSum(step, B, L, U, xNew);
    matVec(K, xNew, KxNew);
    iterations++;
    // gradient restart: momentum that points against the last step is dropped
    let restart = 0;
    for (let i = 0; i < n; i++) restart += (y[i] - xNew[i]) * (xNew[i] - x[i]);
    let c = 0;
    if (restart > 0) t = 1;
    else {
      const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      c = (t - 1) / tNext;
      t = tNext;
    }
    for (let i = 0; i < n; i++) {
      y[i] = xNew[i] + c * (xNew[i] - x[i]);
      Ky[i] = KxNew[i] + c * (KxNew[i] - Kx[i]);
    }
    [x, xNew] = [xNew, x];
    [Kx, KxNew] = [KxNew, Kx];
    if (iterations % 5 === 0) {
      check = boxSumQPGap(p, x, Kx);
      converged = done();
    }
    // ---- once the active set has settled: conjugate gradients on its face ----
    const sig = activeSignature(x, B, L, U);
    stable = sig === signature ? stable + 1 : 0;
    signature = sig;
    if (!converged && stable >= 5) {
      const cg = conjugateGradientOnFace(p, x, Kx, maxIterations - iterations, () => {
        check = boxSumQPGap(p, x, Kx);
        return done();
      });
      iterations += cg.iterations;
      matVec(K, x, Kx); // drop the drift of the updates by linearity
      check = boxSumQPGap(p, x, Kx);
      converged = done();
      y.set(x);
      Ky.set(Kx);
      t = 1;
      stable = 0;
    }
  }
  if (!converged) check = boxSumQPGap(p, x, Kx);
  const relativeGap = check.gap / Math.max(Math.abs(check.objective), 1e-300);
  return {
    beta: x,
    objective: check.objective,
    gap: check.gap,
    relativeGap,
    kktViolation: check.kktViolation,
    iterations,
    converged,
    status: converged ? "converged" : "iteration-limit",
    residual: relativeGap,
    milliseconds: Date.now() - started,
  };
}

/** Which variables sit at 0 or B and whether Σβ is on a bound: the face of the feasible set β is on. */
function activeSignature(x: Float64Array, B: number, L: number, U: number): string {
  let h = 0, atZero = 0, atUpper = 0, s = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i];
    if (x[i] === 0) {
      atZero++;
      h = (Math.imul(h, 31) + i) | 0;
    } else if (x[i] === B) {
      atUpper++;
      h = (Math.imul(h, 37) + i) | 0;
    }
  }
  const sumState = Math.abs(s - U) <= 1e-12 * Math.max(1, U) ? "U" : Math.abs(s - L) <= 1e-12 * Math.max(1, L) ? "L" : "-";
  return `${atZero}/${atUpper}/${h}/${sumState}`;
}

/**
 * Conjugate gradients for f restricted to the face of β: the variables at a bound stay there, and when Σβ is
 * on a bound the steps keep it there (residuals projected onto Σd = 0). A step that would leave the box (or
 * the slab) is cut at the boundary; the variable that reached it joins the bounds and CG restarts on the
 * smaller face. The run ends when the face's residual has fallen by 10⁻¹⁰ (this face is solved: the
 * projected-gradient phase then frees any variable whose multiplier has the wrong sign) or `converged()`.
 * Updates β and Kβ in place.
 */
/**
 * After this many variables reached a bound within one CG run, hand over to the projected-gradient phase, which
 * moves many at once. Measured: with 1, the 1-D toy's ill-conditioned face never converges (20000 iterations);
 * without a limit, MNIST → USPS (1894 of 2000 weights end at 0) takes 2000 iterations; 20–40 gives 1500–2700 on
 * the toy and ~320 on MNIST.
 */
const MAX_BOUNDARY_HITS = 25;

function conjugateGradientOnFace(p: BoxSumQP, x: Float64Array, Kx: Float64Array, budget: number, converged: () => boolean): { iterations: number } {
  const { K, kappa, upper: B, sumLower: L, sumUpper: U } = p;
  const n = x.length;
  const r = new Float64Array(n);
  const d = new Float64Array(n);
  const Kd = new Float64Array(n);
  let iterations = 0;
  let firstResidual = -1;
  let hits = 0;
  for (;;) {
    // the current face
    const free: number[] = [];
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += x[i];
      if (x[i] > 0 && x[i] < B) free.push(i);
    }
    if (free.length === 0 || iterations >= budget) break;
    const sumActive = Math.abs(s - U) <= 1e-12 * Math.max(1, U) || Math.abs(s - L) <= 1e-12 * Math.max(1, L);
    r.fill(0);
    d.fill(0);
    const projectResidual = () => {
      if (!sumActive) return;
      let mean = 0;
      for (const i of free) mean += r[i];
      mean /= free.length;
      for (const i of free) r[i] -= mean;
    };
    for (const i of free) r[i] = kappa[i] - Kx[i];
    projectResidual();
    let rr = 0;
    for (const i of free) rr += r[i] * r[i];
    if (firstResidual < 0) firstResidual = rr;
    if (rr <= 1e-20 * firstResidual || rr === 0) break;
    for (const i of free) d[i] = r[i];
    let faceChanged = false;
    let solved = false;
    while (iterations < budget) {
      matVec(K, d, Kd);
      iterations++;
      let curvature = 0, dSum = 0;
      for (const i of free) {
        curvature += d[i] * Kd[i];
        dSum += d[i];
      }
      if (!(curvature > 0)) {
        solved = true;
        break;
      }
      const alpha = rr / curvature;
      // the longest step that stays feasible, and which variable (or the sum) blocks it
      let alphaMax = Infinity;
      let blocking = -1;
      for (const i of free) {
        const limit = d[i] < 0 ? -x[i] / d[i] : d[i] > 0 ? (B - x[i]) / d[i] : Infinity;
        if (limit < alphaMax) {
          alphaMax = limit;
          blocking = i;
        }
      }
      if (!sumActive && dSum !== 0) {
        const limit = dSum > 0 ? (U - s) / dSum : (L - s) / dSum;
        if (limit < alphaMax) {
          alphaMax = limit;
          blocking = -2;
        }
      }
      const a = Math.min(alpha, Math.max(alphaMax, 0));
      for (const i of free) x[i] += a * d[i];
      for (let i = 0; i < n; i++) Kx[i] += a * Kd[i];
      s += a * dSum;
      if (a < alpha) {
        // reached the boundary: put the blocking variable exactly on its bound (and any other that got there)
        if (blocking >= 0) x[blocking] = d[blocking] < 0 ? 0 : B;
        for (const i of free) {
          if (x[i] <= 1e-14 * B) x[i] = 0;
          else if (x[i] >= B * (1 - 1e-14)) x[i] = B;
        }
        faceChanged = true;
        break;
      }
      for (const i of free) r[i] -= alpha * Kd[i];
      projectResidual();
      let rrNew = 0;
      for (const i of free) rrNew += r[i] * r[i];
      if (rrNew <= 1e-20 * firstResidual) {
        solved = true;
        break;
      }
      const beta = rrNew / rr;
      rr = rrNew;
      for (const i of free) d[i] = r[i] + beta * d[i];
      if (iterations % 5 === 0 && converged()) return { iterations };
    }
    if (!faceChanged || solved) break;
    // many variables still reaching bounds one at a time: projected gradient moves them faster, all at once
    if (++hits >= MAX_BOUNDARY_HITS) break;
    if (converged()) break;
  }
  return { iterations };
}
