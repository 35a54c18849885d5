/**
 * The full symmetric eigendecomposition A = V diag(λ) Vᵀ in float64 JavaScript: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson-type shifts (the EISPACK tred2/tql2
 * pair, rewritten for row-major Float64Arrays so that every inner loop walks contiguous memory).
 *
 * O(n³) in plain JS (~1 GFLOP/s): meant for the small dense problems of this library (Rayleigh–Ritz
 * matrices of the top-k solvers, k × k Gram matrices, tests) and for full decompositions up to a few
 * hundred rows. For the k largest or smallest eigenpairs of a big matrix use `symmetricEigs` (topEigen.ts).
 */
import { DenseMatrix, dense, requireFinite, requireSquare } from "./dense";

export interface SymmetricEigenResult {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** eigenvectors as the columns of an n × n orthogonal matrix (column j belongs to values[j]); absent with `vectors: false` */
  vectors?: DenseMatrix;
}

const EPS = 2 ** -52;

/**
 * Householder tridiagonalisation of the symmetric matrix `a` (n × n, row-major, overwritten).
 * Returns the diagonal d, the subdiagonal e (e[i] = T[i+1][i], e[n−1] = 0) and, when asked, Qᵀ with
 * A = Q T Qᵀ, row-major (rows of Qᵀ are what the QL rotations then combine).
 */
interface Tridiagonal {
  d: Float64Array;
  e: Float64Array;
  Qt: Float64Array | null;
  /** the Householder vectors and coefficients: Q = H₀ H₁ … H_{n−3}, Hₖ = I − βₖ vₖ vₖᵀ on indices k+1 … n−1 */
  reflectors: { vs: Float64Array[]; betas: Float64Array };
}

function tridiagonalize(a: Float64Array, n: number, wantQ: boolean): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const vs: Float64Array[] = [];
  const betas = new Float64Array(Math.max(0, n - 2));
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const m = n - k - 1; // length of the reflector, acting on indices k+1 … n−1
    // x = column k below the diagonal = row k right of the diagonal (symmetric)
    let norm2 = 0;
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(a[k * n + i]));
    const v = new Float64Array(m);
    if (scale > 0) {
      for (let i = 0; i < m; i++) {
        v[i] = a[k * n + k + 1 + i] / scale;
        norm2 += v[i] * v[i];
      }
    }
    d[k] = a[k * n + k];
    const tailNorm2 = norm2 - v[0] * v[0];
    if (scale === 0 || tailNorm2 === 0) {
      // already tridiagonal in this column: no reflection
      e[k] = a[k * n + k + 1];
      betas[k] = 0;
      vs.push(v);
      continue;
    }
    const alpha = v[0] >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v[0] -= alpha;
    const beta = 2 / (v[0] * v[0] + tailNorm2);
    e[k] = alpha * scale;
    // p = β S v over the trailing block S = a[k+1:, k+1:]
    let pv = 0;
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      let s = 0;
      for (let j = 0; j < m; j++) s += a[row + j] * v[j];
      p[i] = beta * s;
      pv += p[i] * v[i];
    }
    // w = p − (β/2)(pᵀv) v, then S ← S − v wᵀ − w vᵀ
    const K = 0.5 * beta * pv;
    for (let i = 0; i < m; i++) p[i] -= K * v[i];
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i], wi = p[i];
      for (let j = 0; j < m; j++) a[row + j] -= vi * p[j] + wi * v[j];
    }
    betas[k] = beta;
    vs.push(v);
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 1) * n + n - 2];
  }
  if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1];
  e[n - 1] = 0;
  const reflectors = { vs, betas };
  if (!wantQ) return { d, e, Qt: null, reflectors };
  // Q = H₀ H₁ … H_{n−3}, accumulated backwards (each Hₖ touches rows and columns k+1 … n−1 only)
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const z = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const v = vs[k];
    const m = n - k - 1;
    z.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const row = (k + 1 + i) * n + k + 1;
      for (let j = 0; j < m; j++) z[j] += vi * Q[row + j];
    }
    for (let i = 0; i < m; i++) {
      const f = beta * v[i];
      if (f === 0) continue;
      const row = (k + 1 + i) * n + k + 1;
      for (let j = 0; j < m; j++) Q[row + j] -= f * z[j];
    }
  }
  // transpose: the QL rotations then combine contiguous rows
  const Qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Qt[j * n + i] = Q[i * n + j];
  return { d, e, Qt, reflectors };
}

/**
 * Implicit QL on the tridiagonal (d, e), in place: d becomes the eigenvalues. When `Zt` is given (rows are
 * the current eigenvector estimates), each rotation of columns (i, i+1) of V is applied to rows i, i+1 of Zt.
 */
function tql(d: Float64Array, e: Float64Array, n: number, Zt: Float64Array | null, where: string): void {
  let f = 0;
  let tst1 = 0;
  const maxIterations = 60;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIterations) throw new Error(`${where}: the QL iteration did not converge for eigenvalue ${l} (after ${maxIterations} sweeps)`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1;
        const el1 = e[l + 1];
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (Zt !== null) {
            const ri = i * n, rj = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const zk = Zt[rj + k];
              Zt[rj + k] = s * Zt[ri + k] + c * zk;
              Zt[ri + k] = c * Zt[ri + k] - s * zk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/**
 * All eigenvalues (ascending) and, unless `vectors: false`, the orthonormal eigenvectors of the symmetric
 * matrix A (only symmetric input is meaningful; the lower and upper triangles are averaged). A is not modified.
 */
export function symmetricEigen(A: DenseMatrix, options: { vectors?: boolean } = {}): SymmetricEigenResult {
  const where = "symmetricEigen";
  requireSquare(A, where);
  requireFinite(A, where);
  const n = A.rows;
  const wantVectors = options.vectors !== false;
  if (n === 0) return { values: new Float64Array(0), vectors: wantVectors ? dense(0, 0) : undefined };
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (A.data[i * n + j] + A.data[j * n + i]);
  const { d, e, Qt } = tridiagonalize(a, n, wantVectors);
  tql(d, e, n, Qt, where);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!wantVectors) return { values };
  const V = dense(n, n);
  for (let c = 0; c < n; c++) {
    const src = order[c] * n;
    for (let i = 0; i < n; i++) V.data[i * n + c] = Qt![src + i];
  }
  return { values, vectors: V };
}

/**
 * Some eigenpairs of the symmetric matrix A: the `count` largest (`which: "largest"`, largest first) or
 * smallest (smallest first). Cheaper than `symmetricEigen` when count ≪ n — the Rayleigh–Ritz step of block
 * Lanczos wants a third of its m × m problem: tridiagonalise (4/3 m³), eigenvalues by QL without vectors
 * (O(m²)), the wanted eigenvectors of the tridiagonal matrix by inverse iteration (reorthogonalised within
 * clusters of close eigenvalues, as LAPACK's dstein), and back through the Householder reflectors (2 m² per
 * vector) — instead of accumulating every rotation into all m vectors (~6 m³).
 */
export function symmetricEigenSelected(A: DenseMatrix, count: number, which: "largest" | "smallest"): {
  values: Float64Array; vectors: DenseMatrix; /** the smallest and largest of all n eigenvalues */ range: [number, number];
} {
  const where = "symmetricEigenSelected";
  requireSquare(A, where);
  requireFinite(A, where);
  const n = A.rows;
  if (!(Number.isInteger(count) && count >= 0 && count <= n)) throw new Error(`${where}: count must be an integer in 0…${n}, got ${count}`);
  if (n === 0) return { values: new Float64Array(0), vectors: dense(0, 0), range: [0, 0] };
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (A.data[i * n + j] + A.data[j * n + i]);
  const { d, e, reflectors } = tridiagonalize(a, n, false);
  const dd = Float64Array.from(d), ee = Float64Array.from(e);
  tql(dd, ee, n, null, where);
  const sorted = Float64Array.from(dd).sort();
  const range: [number, number] = [sorted[0], sorted[n - 1]];
  if (count === 0) return { values: new Float64Array(0), vectors: dense(n, 0), range };
  const lambdas = Float64Array.from({ length: count }, (_, i) => (which === "largest" ? sorted[n - 1 - i] : sorted[i]));
  // ‖T‖₁ for the tolerances
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(i > 0 ? e[i - 1] : 0) + Math.abs(i < n - 1 ? e[i] : 0));
  norm = norm || 1;
  const clusterTol = 1e-3 * norm;
  const shiftStep = 10 * EPS * norm;
  const V = dense(n, count);
  const cluster: Float64Array[] = [];
  let previous = NaN;
  let sigma = NaN;
  // a fixed start vector pattern (deterministic results), different for each eigenvector
  let seed = 12345;
  const nextRandom = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  for (let c = 0; c < count; c++) {
    const lambda = lambdas[c];
    if (c === 0 || Math.abs(lambda - previous) > clusterTol) {
      cluster.length = 0;
      sigma = lambda;
    } else {
      // equal or very close eigenvalues: nudge the shift so successive solves differ (dstein)
      sigma = which === "largest" ? Math.min(lambda, sigma - shiftStep) : Math.max(lambda, sigma + shiftStep);
    }
    previous = lambda;
    const lu = factorShiftedTridiagonal(d, e, n, sigma, EPS * norm);
    let x = Float64Array.from({ length: n }, nextRandom);
    for (let it = 0; it < 4; it++) {
      solveShiftedTridiagonal(lu, x);
      for (const u of cluster) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += u[i] * x[i];
        for (let i = 0; i < n; i++) x[i] -= dot * u[i];
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * x[i];
      s = Math.sqrt(s);
      if (!(s > 0)) x = Float64Array.from({ length: n }, nextRandom);
      else for (let i = 0; i < n; i++) x[i] /= s;
    }
    cluster.push(Float64Array.from(x));
    // back to A's basis: Q y = H₀ (H₁ (… H_{n−3} y))
    for (let k = n - 3; k >= 0; k--) {
      const beta = reflectors.betas[k];
      if (beta === 0) continue;
      const v = reflectors.vs[k];
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * x[k + 1 + i];
      s *= beta;
      for (let i = 0; i < v.length; i++) x[k + 1 + i] -= s * v[i];
    }
    for (let i = 0; i < n; i++) V.data[i * count + c] = x[i];
  }
  return { values: lambdas, vectors: V, range };
}

interface ShiftedLU {
  n: number;
  dl: Float64Array;
  d: Float64Array;
  du: Float64Array;
  du2: Float64Array;
  swapped: Uint8Array;
}

/** LU with partial pivoting of the tridiagonal T − σI (LAPACK dgttrf); zero pivots become `tiny`. */
function factorShiftedTridiagonal(diag: Float64Array, off: Float64Array, n: number, sigma: number, tiny: number): ShiftedLU {
  const d = Float64Array.from({ length: n }, (_, i) => diag[i] - sigma);
  const dl = Float64Array.from({ length: Math.max(0, n - 1) }, (_, i) => off[i]);
  const du = Float64Array.from({ length: Math.max(0, n - 1) }, (_, i) => off[i]);
  const du2 = new Float64Array(Math.max(0, n - 2));
  const swapped = new Uint8Array(Math.max(0, n - 1));
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(d[i]) >= Math.abs(dl[i])) {
      if (d[i] === 0) d[i] = tiny;
      const fact = dl[i] / d[i];
      dl[i] = fact;
      d[i + 1] -= fact * du[i];
    } else {
      const fact = d[i] / dl[i];
      d[i] = dl[i];
      dl[i] = fact;
      const temp = du[i];
      du[i] = d[i + 1];
      d[i + 1] = temp - fact * d[i + 1];
      if (i < n - 2) {
        du2[i] = du[i + 1];
        du[i + 1] = -fact * du[i + 1];
      }
      swapped[i] = 1;
    }
  }
  if (n > 0 && d[n - 1] === 0) d[n - 1] = tiny;
  for (let i = 0; i < n; i++) if (Math.abs(d[i]) < tiny) d[i] = d[i] < 0 ? -tiny : tiny;
  return { n, dl, d, du, du2, swapped };
}

/** Solves (T − σI) x = b in place with the factors (LAPACK dgttrs), rescaling to avoid overflow. */
function solveShiftedTridiagonal(lu: ShiftedLU, b: Float64Array): void {
  const { n, dl, d, du, du2, swapped } = lu;
  for (let i = 0; i < n - 1; i++) {
    if (!swapped[i]) {
      b[i + 1] -= dl[i] * b[i];
    } else {
      const temp = b[i];
      b[i] = b[i + 1];
      b[i + 1] = temp - dl[i] * b[i];
    }
  }
  b[n - 1] /= d[n - 1];
  if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
  for (let i = n - 3; i >= 0; i--) b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) / d[i];
  // inverse iteration grows the vector by up to 1/tiny: keep it finite
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(b[i]));
  if (max > 1e100) for (let i = 0; i < n; i++) b[i] /= max;
}
