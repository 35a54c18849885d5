/**
 * Landmark (Nyström) features for kernel TCA/JDA beyond the size where one n × n kernel matrix fits
 * (Williams & Seeger, "Using the Nyström Method to Speed Up Kernel Machines", NIPS 2001).
 *
 * With m landmark rows L (a seeded random subset), C = K(X, L) (n × m) and W = K(L, L), the kernel is
 * approximated by K̃ = C W⁺ Cᵀ = Φ Φᵀ, Φ = C Q Λ^{-1/2} (W = Q Λ Qᵀ, eigenvalues below 1e-6·λ_max dropped).
 * Kernel TCA on K̃ — (K̃ M K̃ + λI) a = φ K̃ H K̃ a with Z = K̃ a — has its solutions in the range of Φ; writing
 * a = Φ c and u = G^{1/2} c (G = ΦᵀΦ) turns it into the primal problem on the features Ψ = Φ G^{1/2}:
 * MMD uᵀ Ψᵀ M Ψ u, variance uᵀ Ψᵀ H Ψ u, ridge λ‖u‖² = λ‖a‖², and Z = Ψ u. So the landmark variant is the same
 * method on an r-dimensional problem (r ≤ m): memory O(n m), time O(n m² + m³). Ψ is computed as Φ V Σ
 * (G = V Σ² Vᵀ), which differs from Φ G^{1/2} by a rotation that the primal problem does not see.
 */
import * as tf from "../tf";
import { KernelKind, kernelMatrix } from "../kernels";
import { dense } from "../linalg/dense";
import { symmetricEigen } from "../linalg/symmetricEigen";
import { Random } from "../random";

/** Rows of C = K(X, L) computed at a time: ~32 MiB of float32 each. */
function rowsPerBlock(m: number): number {
  return Math.max(1, Math.floor((8 * 2 ** 20) / Math.max(1, m)));
}

/** The eigenpairs of a symmetric m × m float64 matrix above `relTol`·λ_max: the columns of Q scaled by f(λ). */
function scaledEigenvectors(A: Float64Array, m: number, relTol: number, f: (l: number) => number): { T: Float64Array; r: number } {
  const { values, vectors } = symmetricEigen(dense(m, m, A));
  const top = values[m - 1];
  const keep: number[] = [];
  for (let j = m - 1; j >= 0; j--) if (values[j] > relTol * top && values[j] > 0) keep.push(j);
  const r = keep.length;
  const T = new Float64Array(m * r);
  keep.forEach((j, c) => {
    const s = f(values[j]);
    for (let i = 0; i < m; i++) T[i * r + c] = vectors!.data[i * m + j] * s;
  });
  return { T, r };
}

/** (A: a × b) · (B: b × c) in float64, row-major. */
function product(A: Float64Array, a: number, b: number, B: Float64Array, c: number): Float64Array {
  const out = new Float64Array(a * c);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < b; k++) {
      const v = A[i * b + k];
      if (v === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] += v * B[k * c + j];
    }
  }
  return out;
}

/**
 * Ψ (n × r) for the rows of X (already scaled as the method scales them) with `m` landmarks. The caller owns
 * Ψ. `rank` is r, the directions of W and G kept.
 */
export function nystromFeatures(kind: Exclude<KernelKind, "primal">, X: tf.Tensor2D, gamma: number | undefined, m: number, seed: number): { Psi: tf.Tensor2D; rank: number; landmarks: Int32Array } {
  const n = X.shape[0];
  const g = gamma ?? 1 / X.shape[1];
  const landmarks = Int32Array.from(new Random(seed).permutation(n).slice(0, m)).sort();
  const L = tf.gather(X, landmarks) as tf.Tensor2D;
  const step = rowsPerBlock(m);
  const block = (start: number) => tf.tidy(() => kernelMatrix(kind, X.slice([start, 0], [Math.min(step, n - start), -1]), L, { gamma: g }));
  try {
    // W = K(L, L) → Φ's map Q Λ^{-1/2}
    const Wt = kernelMatrix(kind, L, undefined, { gamma: g });
    const w = Float64Array.from(Wt.dataSync());
    Wt.dispose();
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) w[i * m + j] = w[j * m + i] = 0.5 * (w[i * m + j] + w[j * m + i]);
    const first = scaledEigenvectors(w, m, 1e-6, (l) => 1 / Math.sqrt(l));
    const P = tf.tensor2d(Float32Array.from(first.T), [m, first.r]);
    // G = ΦᵀΦ = Pᵀ (Σ_blocks C_bᵀ C_b) P, accumulated block by block (C is never held whole)
    let G = tf.zeros([first.r, first.r]) as tf.Tensor2D;
    for (let start = 0; start < n; start += step) {
      const next = tf.tidy(() => {
        const Phi = tf.matMul(block(start), P);
        return G.add(tf.matMul(Phi.transpose(), Phi)) as tf.Tensor2D;
      });
      G.dispose();
      G = next;
    }
    const gm = Float64Array.from(G.dataSync());
    G.dispose();
    const r0 = first.r;
    for (let i = 0; i < r0; i++) for (let j = 0; j < i; j++) gm[i * r0 + j] = gm[j * r0 + i] = 0.5 * (gm[i * r0 + j] + gm[j * r0 + i]);
    // Ψ = Φ V Σ: the map from C is P V Σ (m × r)
    const second = scaledEigenvectors(gm, r0, 1e-10, (l) => Math.sqrt(l));
    const map = tf.tensor2d(Float32Array.from(product(first.T, m, r0, second.T, second.r)), [m, second.r]);
    P.dispose();
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += step) parts.push(tf.tidy(() => tf.matMul(block(start), map) as tf.Tensor2D));
    map.dispose();
    const Psi = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
    if (parts.length > 1) tf.dispose(parts);
    return { Psi, rank: second.r, landmarks };
  } finally {
    L.dispose();
  }
}
