/**
 * Symmetric positive definite matrices M = F Fᵀ given through a factor F: the "B" side of a
 * symmetric-definite pencil A w = λ M w, which `generalizedEigs` turns into the standard problem
 * (F⁻¹ A F⁻ᵀ) y = λ y, w = F⁻ᵀ y.
 *
 * Two kinds:
 * - `diagonalPlusLowRank(d, W)`: M = diag(d) + W Wᵀ. This is TCA's, JDA's and TJM's metric K M Kᵀ + λG — the
 *   MMD matrix has rank 1 (TCA) or C + 1 (JDA) — so its factor costs O(n r²) and applying it O(n r b): no
 *   O(n³) Cholesky at all.
 * - `denseSpdFactor(B)`: a dense SPD matrix, by Cholesky in float64; the triangular solves run blocked
 *   on the TF backend (each block a float32 matMul).
 */
import * as tf from "../tf";
import { cholesky } from "./cholesky";
import { DenseMatrix, dense } from "./dense";
import { symmetricEigen } from "./symmetricEigen";

export interface SpdFactor {
  /** n, for the n × n matrix M */
  size: number;
  /** F⁻¹ V */
  solve(V: tf.Tensor2D): tf.Tensor2D;
  /** F⁻ᵀ V */
  solveTransposed(V: tf.Tensor2D): tf.Tensor2D;
  /** Fᵀ V (maps a vector w of the pencil to y of the standard problem: warm starts) */
  multiplyTransposed(V: tf.Tensor2D): tf.Tensor2D;
  /** frees the tensors it holds */
  dispose(): void;
}

/**
 * M = diag(d) + W Wᵀ with every d > 0 (W: n × r, r small). With Ŵ = D^{-1/2} W = Q Λ^{1/2} Pᵀ (from the r × r
 * Gram matrix, in float64), I + ŴŴᵀ = I + Q Λ Qᵀ has the symmetric square root S = I + Q(√(1+Λ) − 1)Qᵀ, and
 * F = D^{1/2} S. Directions of W that are (numerically) dependent are dropped from Q.
 */
export function diagonalPlusLowRank(d: ArrayLike<number>, W: DenseMatrix, where = "diagonalPlusLowRank"): SpdFactor {
  const n = d.length;
  if (W.rows !== n) throw new Error(`${where}: W has ${W.rows} rows but the diagonal has ${n} entries`);
  for (let i = 0; i < n; i++) {
    if (!(d[i] > 0 && Number.isFinite(d[i]))) throw new Error(`${where}: diagonal entry ${i} is ${d[i]}; every entry must be a finite number > 0`);
  }
  const r = W.cols;
  // a diagonal far below the low-rank part makes M numerically singular (and D^{-1/2} overflow float32):
  // raise such entries to a floor, a regularised solve, and say so
  let scale = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let c = 0; c < r; c++) row += W.data[i * r + c] ** 2;
    scale = Math.max(scale, row);
  }
  const floor = 1e-7 * scale; // relative to the low-rank part's largest diagonal entry
  let raised = 0;
  const dd = Float64Array.from(d, (v) => (v < floor ? (raised++, floor) : v));
  if (raised > 0) {
    console.warn(`${where}: the matrix is numerically singular (${raised} diagonal entries below ${floor.toExponential(2)}, ` +
      `1e-7 of the low-rank part); solved with those entries raised to it — a larger ridge (lambda) avoids this`);
  }
  d = dd;
  const invSqrtD = Float64Array.from(d, (v) => 1 / Math.sqrt(v));
  // Ŵ = D^{-1/2} W and its Gram matrix ŴᵀŴ (r × r)
  const What = dense(n, r);
  for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) What.data[i * r + c] = W.data[i * r + c] * invSqrtD[i];
  const G = dense(r, r);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < r; a++) {
      const va = What.data[i * r + a];
      for (let b = 0; b < r; b++) G.data[a * r + b] += va * What.data[i * r + b];
    }
  }
  const { values, vectors } = symmetricEigen(G);
  const maxValue = Math.max(0, ...Array.from(values));
  const keep: number[] = [];
  for (let j = r - 1; j >= 0; j--) if (values[j] > 1e-13 * maxValue && values[j] > 0) keep.push(j);
  const q = keep.length;
  // Q = Ŵ P Λ^{-1/2} (n × q), orthonormal columns
  const Q = new Float32Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < q; c++) {
      const j = keep[c];
      let s = 0;
      for (let a = 0; a < r; a++) s += What.data[i * r + a] * vectors!.data[a * r + j];
      Q[i * q + c] = s / Math.sqrt(values[j]);
    }
  }
  const lambdas = keep.map((j) => values[j]);
  const tensors = tf.tidy(() => {
    const Qt = tf.tensor2d(Q, [n, Math.max(q, 0)]);
    return {
      Q: Qt,
      QT: Qt.transpose() as tf.Tensor2D,
      // S⁻¹ = I + Q diag(1/√(1+Λ) − 1) Qᵀ ;  S = I + Q diag(√(1+Λ) − 1) Qᵀ
      invCoef: tf.tensor2d(Float32Array.from(lambdas, (l) => 1 / Math.sqrt(1 + l) - 1), [q, 1]),
      coef: tf.tensor2d(Float32Array.from(lambdas, (l) => Math.sqrt(1 + l) - 1), [q, 1]),
      invSqrtD: tf.tensor2d(Float32Array.from(invSqrtD), [n, 1]),
      sqrtD: tf.tensor2d(Float32Array.from(d, (v) => Math.sqrt(v)), [n, 1]),
    };
  });
  const withS = (V: tf.Tensor2D, coef: tf.Tensor2D): tf.Tensor2D =>
    q === 0 ? V : (V.add(tf.matMul(tensors.Q, tf.matMul(tensors.QT, V).mul(coef))) as tf.Tensor2D);
  const check = (V: tf.Tensor2D) => {
    if (V.shape[0] !== n) throw new Error(`${where}: a block of ${V.shape[0]} rows was given to an ${n}×${n} factor`);
  };
  return {
    size: n,
    solve: (V) => { check(V); return tf.tidy(() => withS(V.mul(tensors.invSqrtD) as tf.Tensor2D, tensors.invCoef)); },
    solveTransposed: (V) => { check(V); return tf.tidy(() => withS(V, tensors.invCoef).mul(tensors.invSqrtD) as tf.Tensor2D); },
    multiplyTransposed: (V) => { check(V); return tf.tidy(() => withS(V.mul(tensors.sqrtD) as tf.Tensor2D, tensors.coef)); },
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}

/** Rows per block of the blocked triangular solves: large enough that each step is a real matMul. */
const BLOCK = 256;

/**
 * The Cholesky factor L of a dense SPD matrix B (float64; with `regularize`, a singular B is factorised as
 * B + δI with a warning). Solves with L and Lᵀ run by blocks on the TF backend: X_i = L_ii⁻¹ (V_i − L_i,<i X_<i),
 * the diagonal blocks' inverses precomputed in float64.
 */
export function denseSpdFactor(B: DenseMatrix, options: { regularize?: boolean; where?: string; argName?: string } = {}): SpdFactor {
  const { L } = cholesky(B, { where: options.where ?? "denseSpdFactor", argName: options.argName ?? "B", regularize: options.regularize });
  const n = L.rows;
  const starts: number[] = [];
  for (let s = 0; s < n; s += BLOCK) starts.push(s);
  const sizes = starts.map((s) => Math.min(BLOCK, n - s));
  const Lf = tf.tensor2d(Float32Array.from(L.data), [n, n]);
  const LT = Lf.transpose() as tf.Tensor2D;
  const diagInv: tf.Tensor2D[] = [];
  const diagInvT: tf.Tensor2D[] = [];
  const rowPanels: (tf.Tensor2D | null)[] = []; // L[block i, 0 : start_i]
  const colPanelsT: (tf.Tensor2D | null)[] = []; // (L[start_i+size_i : n, block i])ᵀ
  starts.forEach((s, b) => {
    const m = sizes[b];
    // inverse of the diagonal block, lower triangular, by forward substitution on I
    const inv = new Float64Array(m * m);
    for (let c = 0; c < m; c++) {
      for (let i = c; i < m; i++) {
        let sum = i === c ? 1 : 0;
        for (let j = c; j < i; j++) sum -= L.data[(s + i) * n + s + j] * inv[j * m + c];
        inv[i * m + c] = sum / L.data[(s + i) * n + s + i];
      }
    }
    const invT = tf.tensor2d(Float32Array.from(inv), [m, m]);
    diagInv.push(invT);
    diagInvT.push(invT.transpose());
    rowPanels.push(s > 0 ? Lf.slice([s, 0], [m, s]) : null);
    colPanelsT.push(s + m < n ? tf.tidy(() => Lf.slice([s + m, s], [n - s - m, m]).transpose() as tf.Tensor2D) : null);
  });
  const check = (V: tf.Tensor2D) => {
    if (V.shape[0] !== n) throw new Error(`denseSpdFactor: a block of ${V.shape[0]} rows was given to an ${n}×${n} factor`);
  };
  return {
    size: n,
    solve: (V) => {
      check(V);
      return tf.tidy(() => {
        const parts: tf.Tensor2D[] = [];
        starts.forEach((s, b) => {
          let rhs = V.slice([s, 0], [sizes[b], -1]);
          if (b > 0) rhs = rhs.sub(tf.matMul(rowPanels[b]!, parts.length === 1 ? parts[0] : tf.concat(parts, 0)));
          parts.push(tf.matMul(diagInv[b], rhs));
        });
        return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
      });
    },
    solveTransposed: (V) => {
      check(V);
      return tf.tidy(() => {
        const parts: tf.Tensor2D[] = [];
        for (let b = starts.length - 1; b >= 0; b--) {
          let rhs = V.slice([starts[b], 0], [sizes[b], -1]);
          if (colPanelsT[b] !== null) rhs = rhs.sub(tf.matMul(colPanelsT[b]!, parts.length === 1 ? parts[0] : tf.concat(parts, 0)));
          parts.unshift(tf.matMul(diagInvT[b], rhs));
        }
        return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
      });
    },
    multiplyTransposed: (V) => { check(V); return tf.matMul(LT, V); },
    dispose: () => tf.dispose([Lf, LT, ...diagInv, ...diagInvT, ...(rowPanels.filter((t) => t !== null) as tf.Tensor2D[]), ...(colPanelsT.filter((t) => t !== null) as tf.Tensor2D[])]),
  };
}
