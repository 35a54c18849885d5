/**
 * LogME, the logarithm of the maximum evidence (You, Liu, Wang & Long, "LogME: Practical Assessment of
 * Pre-trained Models for Transfer Learning", ICML 2021): how well a pretrained model's *features* of the
 * target samples explain the target labels under Bayesian linear regression — computed before fine-tuning,
 * with no hyper-parameter to tune (the prior and noise precisions are fitted by evidence maximisation).
 */
import { symmetricEigen } from "../linalg/symmetricEigen";
import { dense } from "../linalg/dense";
import { checkOptions, requireInteger, requirePositive } from "../options";
import { Labels, Matrix, toLabels } from "../tensor";
import { rowsFloat64 } from "./leep";

export interface LogMEOptions {
  /** fixed-point iterations at most, per class; default 100 (the paper: "converges in 2–3") */
  maxIterations?: number;
  /** stop when λ = α/β changes by less than this relative amount; default 1e-6 */
  tolerance?: number;
}

/** The evidence maximisation of one target vector (one class's one-hot column). */
export interface LogMEFit {
  /** log p(y | F, α, β) / n at the fitted α, β */
  evidence: number;
  /** the prior precision of the weights, w ~ N(0, α⁻¹ I) */
  alpha: number;
  /** the noise precision, y ~ N(F w, β⁻¹ I) */
  beta: number;
  iterations: number;
}

export interface LogMEResult {
  /** the mean over classes of the per-sample log evidence: the LogME score (higher = more transferable) */
  score: number;
  /** one fit per class (ascending label order), target y = 1[label = class] */
  perClass: LogMEFit[];
  classes: number[];
}

export const LOGME_DEFAULTS = { maxIterations: 100, tolerance: 1e-6 };
// keeps the updates' denominators away from 0. The reference code adds 1e-5, which moves the fixed point
// visibly when ‖m‖² is small (a large α); a floor this low leaves the stationary point where it is.
const EPSILON = 1e-12;

/**
 * LogME of features F (n × D, rows are target samples) for the target labels: for each class k, the model
 * y_k = F w + noise with w ~ N(0, α⁻¹I) and noise ~ N(0, β⁻¹I); its evidence
 *
 *   log p(y | F, α, β) = D/2 log α + n/2 log β − n/2 log 2π − β/2 ‖y − F m‖² − α/2 ‖m‖² − ½ log|αI + β FᵀF|,
 *   m = β (αI + β FᵀF)⁻¹ Fᵀ y,
 *
 * maximised over α, β by MacKay's fixed-point iteration γ = Σ βσᵢ²/(α + βσᵢ²), α ← γ/‖m‖², β ← (n − γ)/‖y − Fm‖²,
 * all through one eigendecomposition of FᵀF (or of F Fᵀ when D > n): every step is then O(min(n, D)).
 * The score is the mean over classes of the evidence divided by n. Features are used as given (the paper
 * does not centre them). `logme` returns the score; `logmeDetails` also α, β per class.
 */
export function logme(features: Matrix, labels: Labels, options?: LogMEOptions): number {
  return logmeDetails(features, labels, options).score;
}

export function logmeDetails(features: Matrix, labels: Labels, options?: LogMEOptions): LogMEResult {
  const opts = checkOptions("logme", options, LOGME_DEFAULTS);
  requireInteger("logme", "maxIterations", opts.maxIterations, 1);
  requirePositive("logme", "tolerance", opts.tolerance);
  const F = rowsFloat64(features, "features");
  const y = toLabels(labels, "labels");
  const { rows: n, cols: D } = F;
  if (y.length !== n) throw new Error(`logme: features has ${n} rows but labels has ${y.length}; give one label per sample`);
  if (n < 2) throw new Error(`logme: needs at least 2 samples, got ${n}`);
  for (let i = 0; i < F.data.length; i++) {
    if (!Number.isFinite(F.data[i])) throw new Error(`logme: features has a non-finite value (${F.data[i]}) at row ${Math.floor(i / D)}, column ${i % D}`);
  }
  const spectrum = featureSpectrum(F.data, n, D);
  const classes = Array.from(new Set(y)).sort((a, b) => a - b);
  const perClass = classes.map((c) => {
    const target = Float64Array.from(y, (v) => (v === c ? 1 : 0));
    return maximizeEvidence(spectrum, target, n, D, opts.maxIterations, opts.tolerance);
  });
  const score = perClass.reduce((s, f) => s + f.evidence, 0) / perClass.length;
  return { score, perClass, classes };
}

/** The eigenvalues sᵢ = σᵢ² of FᵀF (nonzero part, r = min(n, D) of them) and a map y ↦ tᵢ = σᵢ uᵢᵀy = vᵢᵀFᵀy. */
interface Spectrum {
  s: Float64Array;
  project(y: Float64Array): Float64Array;
}

function featureSpectrum(F: Float64Array, n: number, D: number): Spectrum {
  if (D <= n) {
    // FᵀF (D × D) = V diag(s) Vᵀ;  t = Vᵀ (Fᵀ y)
    const G = dense(D, D);
    for (let i = 0; i < n; i++) {
      const row = i * D;
      for (let a = 0; a < D; a++) {
        const fa = F[row + a];
        if (fa === 0) continue;
        for (let b = a; b < D; b++) G.data[a * D + b] += fa * F[row + b];
      }
    }
    for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) G.data[a * D + b] = G.data[b * D + a];
    const { values, vectors } = symmetricEigen(G);
    const V = vectors!;
    return {
      s: Float64Array.from(values, (v) => Math.max(v, 0)),
      project(y) {
        const Fty = new Float64Array(D);
        for (let i = 0; i < n; i++) if (y[i] !== 0) for (let a = 0; a < D; a++) Fty[a] += F[i * D + a] * y[i];
        const t = new Float64Array(D);
        for (let a = 0; a < D; a++) for (let j = 0; j < D; j++) t[j] += V.data[a * D + j] * Fty[a];
        return t;
      },
    };
  }
  // F Fᵀ (n × n) = U diag(s) Uᵀ;  t = diag(σ) Uᵀ y  (the same tᵢ = vᵢᵀFᵀy, vᵢ = Fᵀuᵢ/σᵢ)
  const G = dense(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let a = 0; a < D; a++) dot += F[i * D + a] * F[j * D + a];
      G.data[i * n + j] = dot;
      G.data[j * n + i] = dot;
    }
  }
  const { values, vectors } = symmetricEigen(G);
  const U = vectors!;
  const s = Float64Array.from(values, (v) => Math.max(v, 0));
  return {
    s,
    project(y) {
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) if (y[i] !== 0) for (let j = 0; j < n; j++) t[j] += U.data[i * n + j] * y[i];
      for (let j = 0; j < n; j++) t[j] *= Math.sqrt(s[j]);
      return t;
    },
  };
}

function maximizeEvidence(spectrum: Spectrum, y: Float64Array, n: number, D: number, maxIterations: number, tolerance: number): LogMEFit {
  const { s } = spectrum;
  const t = spectrum.project(y);
  const r = s.length;
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i] * y[i];
  // ‖m‖² and ‖y − Fm‖² at (α, β), with m's coordinates cᵢ = β tᵢ / (α + β sᵢ) in the eigenbasis
  const moments = (alpha: number, beta: number) => {
    let mm = 0, ty = 0, fm = 0;
    for (let i = 0; i < r; i++) {
      const c = (beta * t[i]) / (alpha + beta * s[i]);
      mm += c * c;
      ty += t[i] * c;
      fm += s[i] * c * c;
    }
    return { mm, residual: Math.max(yy - 2 * ty + fm, 0) };
  };
  let alpha = 1, beta = 1, iterations = 0;
  let lambda = alpha / beta;
  for (; iterations < maxIterations; ) {
    iterations++;
    let gamma = 0;
    for (let i = 0; i < r; i++) gamma += s[i] / (s[i] + lambda);
    const { mm, residual } = moments(alpha, beta);
    alpha = gamma / (mm + EPSILON);
    beta = (n - gamma) / (residual + EPSILON);
    const next = alpha / beta;
    const change = Math.abs(next - lambda) / lambda;
    lambda = next;
    if (change < tolerance) break;
  }
  const { mm, residual } = moments(alpha, beta);
  let logDet = (D - r) * Math.log(alpha);
  for (let i = 0; i < r; i++) logDet += Math.log(alpha + beta * s[i]);
  const evidence = (D / 2) * Math.log(alpha) + (n / 2) * Math.log(beta) - (n / 2) * Math.log(2 * Math.PI)
    - (beta / 2) * residual - (alpha / 2) * mm - logDet / 2;
  return { evidence: evidence / n, alpha, beta, iterations };
}

