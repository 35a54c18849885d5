/** Test matrices with known answers, and float64 checks, for the linear algebra tests. */
import { Random } from "../../src/random";
import { DenseMatrix, dense, matMul, orthonormalize64, transpose } from "../../src/linalg/dense";
import { symmetricEigen } from "../../src/linalg/symmetricEigen";

export function randomMatrix(rng: Random, rows: number, cols: number): DenseMatrix {
  const A = dense(rows, cols);
  for (let i = 0; i < A.data.length; i++) A.data[i] = rng.normal();
  return A;
}

export function randomSymmetric(rng: Random, n: number): DenseMatrix {
  const A = randomMatrix(rng, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A.data[j * n + i] = A.data[i * n + j];
  return A;
}

/** A random orthogonal n × n matrix. */
export function randomOrthogonal(rng: Random, n: number): DenseMatrix {
  return orthonormalize64(randomMatrix(rng, n, n));
}

/** Q diag(values) Qᵀ for a random orthogonal Q: a symmetric matrix with exactly these eigenvalues. */
export function withSpectrum(rng: Random, values: number[]): { A: DenseMatrix; Q: DenseMatrix } {
  const n = values.length;
  const Q = randomOrthogonal(rng, n);
  const QD = dense(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) QD.data[i * n + j] = Q.data[i * n + j] * values[j];
  const A = matMul(QD, transpose(Q));
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const s = 0.5 * (A.data[i * n + j] + A.data[j * n + i]);
    A.data[i * n + j] = s;
    A.data[j * n + i] = s;
  }
  return { A, Q };
}

/** A random SPD matrix G Gᵀ/n + shift·I. */
export function randomSpd(rng: Random, n: number, shift = 0.5): DenseMatrix {
  const G = randomMatrix(rng, n, n);
  const B = matMul(G, transpose(G));
  for (let i = 0; i < n * n; i++) B.data[i] /= n;
  for (let i = 0; i < n; i++) B.data[i * n + i] += shift;
  return B;
}

export function frobenius(A: DenseMatrix): number {
  let s = 0;
  for (const v of A.data) s += v * v;
  return Math.sqrt(s);
}

/** max over columns of ‖A w − λ B w‖ / (‖A‖_F ‖w‖) (B = I when null). */
export function relativeResidual(A: DenseMatrix, B: DenseMatrix | null, values: ArrayLike<number>, W: DenseMatrix): number {
  const AW = matMul(A, W);
  const BW = B === null ? W : matMul(B, W);
  const nA = frobenius(A);
  let worst = 0;
  for (let c = 0; c < W.cols; c++) {
    let r = 0, w = 0;
    for (let i = 0; i < W.rows; i++) {
      r += (AW.data[i * W.cols + c] - values[c] * BW.data[i * W.cols + c]) ** 2;
      w += W.data[i * W.cols + c] ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r) / (nA * Math.sqrt(w)));
  }
  return worst;
}

/**
 * The cosines of the principal angles between span(U) and span(V) (both n × k) under the inner product
 * ⟨x, y⟩ = xᵀ M y (M = I when null): all ≈ 1 when the subspaces agree. Computed as the singular values of
 * Qᵤᵀ M Qᵥ with M-orthonormalised bases.
 */
export function subspaceCosines(U: DenseMatrix, V: DenseMatrix, M: DenseMatrix | null = null): number[] {
  const orth = (X: DenseMatrix) => {
    if (M === null) return orthonormalize64(X);
    // M-orthonormalise: X (XᵀMX)^{-1/2} via Gram–Schmidt in the M inner product
    const n = X.rows, k = X.cols;
    const cols: Float64Array[] = [];
    for (let c = 0; c < k; c++) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = X.data[i * k + c];
      for (let pass = 0; pass < 2; pass++) {
        for (const u of cols) {
          const Mv = mul(M, v);
          let dot = 0;
          for (let i = 0; i < n; i++) dot += u[i] * Mv[i];
          for (let i = 0; i < n; i++) v[i] -= dot * u[i];
        }
      }
      const Mv = mul(M, v);
      let nrm = 0;
      for (let i = 0; i < n; i++) nrm += v[i] * Mv[i];
      nrm = Math.sqrt(nrm);
      for (let i = 0; i < n; i++) v[i] /= nrm;
      cols.push(v);
    }
    const out = dense(n, k);
    cols.forEach((v, c) => { for (let i = 0; i < n; i++) out.data[i * k + c] = v[i]; });
    return out;
  };
  const Qu = orth(U), Qv = orth(V);
  const C = matMul(transpose(Qu), M === null ? Qv : matMul(M, Qv));
  // singular values of the k × k matrix C: square roots of the eigenvalues of CᵀC
  const { values } = symmetricEigen(matMul(transpose(C), C), { vectors: false });
  return Array.from(values, (v) => Math.sqrt(Math.max(0, v)));
}

function mul(M: DenseMatrix, v: Float64Array): Float64Array {
  const n = M.rows;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M.data[i * n + j] * v[j];
    out[i] = s;
  }
  return out;
}
