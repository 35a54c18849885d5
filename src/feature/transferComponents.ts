/**
 * The eigenproblem shared by TCA, JDA and TJM, posed as the reference code poses it and solved the fast way.
 *
 * With Φ the n × p "kernel matrix" of the stacked, unit-length samples (Φ = X, p = d, for "primal"; Φ = K,
 * p = n, for "linear" and "rbf"), the transfer components are the columns of A (p × dim) that minimise the
 * MMD tr(Aᵀ Φᵀ M Φ A) + λ tr(Aᵀ G A) while keeping the variance Aᵀ Φᵀ H Φ A fixed:
 *
 *     (Φᵀ M Φ + λG) a = φ Φᵀ H Φ a,   the dim smallest φ  (reference: scipy.linalg.eig, sorted ascending).
 *
 * Φᵀ H Φ is only semi-definite (singular when p > n, or for constant features), so the reference's
 * non-symmetric solver returns φ = ∞ for its null space. We solve the equivalent symmetric-definite pencil
 *
 *     Φᵀ H Φ a = μ (Φᵀ M Φ + λG) a,   μ = 1/φ, the dim largest μ,
 *
 * whose right side is SPD (λ > 0, G > 0 diagonal) and diagonal-plus-low-rank (M has rank 1 for TCA, C + 1 for
 * JDA), so it is factorised in O(p r²) — no p × p Cholesky — and block Lanczos only needs products with
 * Φᵀ H Φ. That product is formed once (p × p, one matMul) when p ≤ 1.5 n, else applied as Φcᵀ(Φc V).
 * For a kernel matrix too large to square (n > 3000), Φ = K is held as row blocks (`KernelRows`, symmetric, one
 * n × n float32 matrix in all) and Φᵀ H Φ is applied as K (H (K V)): 4 n² per column, never an n³ product.
 * The null space of Φᵀ H Φ has μ = 0 and is never among the largest. Each eigenvector is then scaled to unit
 * 2-norm (the reference normalises scipy's eigenvectors so), Z = Φ A, and each row of Z to unit length.
 */
import { warnIfNotConverged } from "../errors";
import * as tf from "../tf";
import { DenseMatrix, dense } from "../linalg/dense";
import { generalizedEigs } from "../linalg/eigs";
import { diagonalPlusLowRank } from "../linalg/spdFactor";
import { SymmetricOperator } from "../linalg/topEigen";
import { KernelRows } from "./kernelRows";
import { LowRankMmd } from "./mmdMatrix";

export interface ComponentsSolution {
  /** p × dim transfer components, columns of unit 2-norm (the caller disposes) */
  A: tf.Tensor2D;
  /** n × dim embedded samples, rows of unit length (the caller disposes) */
  Z: tf.Tensor2D;
  /** the dim largest μ = 1/φ, descending */
  mu: Float64Array;
  /** block Lanczos restarts and whether it met its tolerance */
  iterations: number;
  converged: boolean;
}

/** Scales each row of X to unit L2 norm (zero rows stay zero). */
export function unitRows(X: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = X.square().sum(1, true).sqrt();
    return X.div(tf.maximum(norms, 1e-30)) as tf.Tensor2D;
  });
}

/**
 * Holds Φ and Φᵀ H Φ for one pair of domains, so that JDA's and TJM's rounds (which change only M and G)
 * reuse them. `dispose()` frees them.
 */
export class ComponentSolver {
  readonly n: number;
  readonly p: number;
  /** Φ V (n × b) */
  private readonly phiTimes: (V: tf.Tensor2D) => tf.Tensor2D;
  /** Φᵀ U (p × b) */
  private readonly phiTTimes: (U: tf.Tensor2D) => tf.Tensor2D;
  private readonly scatter: SymmetricOperator;
  private readonly owned: { dispose(): void }[] = [];

  private readonly tol: number;
  private readonly seed: number;
  /** Φ is a kernel held as row blocks */
  private readonly blocked: boolean;

  /** `Phi` (n × p, or a symmetric kernel held as row blocks) is kept, not copied: the solver owns it from now on. */
  constructor(Phi: tf.Tensor2D | KernelRows, options: { tol?: number; seed?: number } = {}) {
    this.tol = options.tol ?? 1e-5;
    this.seed = options.seed ?? 0;
    this.blocked = Phi instanceof KernelRows;
    if (Phi instanceof KernelRows) {
      this.n = this.p = Phi.n;
      this.owned.push(Phi);
      this.phiTimes = this.phiTTimes = (V) => Phi.multiply(V);
      // Φᵀ H Φ V = K (H (K V)): H centres the columns of K V
      this.scatter = {
        size: this.p,
        apply: (V) => {
          const KV = Phi.multiply(V);
          const centred = tf.tidy(() => KV.sub(KV.mean(0, true)) as tf.Tensor2D);
          KV.dispose();
          const out = Phi.multiply(centred);
          centred.dispose();
          return out;
        },
      };
      return;
    }
    [this.n, this.p] = Phi.shape;
    const PhiT = Phi.transpose() as tf.Tensor2D;
    this.owned.push(Phi, PhiT);
    this.phiTimes = (V) => tf.matMul(Phi, V);
    this.phiTTimes = (U) => tf.matMul(PhiT, U);
    // Φc = H Φ: columns centred (H = I − 11ᵀ/n), so Φᵀ H Φ = Φcᵀ Φc
    const Phic = tf.tidy(() => Phi.sub(Phi.mean(0, true)) as tf.Tensor2D);
    const PhicT = Phic.transpose() as tf.Tensor2D;
    if (this.p <= 1.5 * this.n) {
      const S = tf.matMul(PhicT, Phic);
      tf.dispose([Phic, PhicT]);
      this.owned.push(S);
      this.scatter = { size: this.p, apply: (V) => tf.matMul(S, V) };
    } else {
      this.owned.push(Phic, PhicT);
      this.scatter = { size: this.p, apply: (V) => tf.tidy(() => tf.matMul(PhicT, tf.matMul(Phic, V))) };
    }
  }

  /**
   * The dim leading transfer components for the MMD matrix `mmd` (low rank), ridge λ and diagonal weights
   * `g` (p entries, TJM's G; all ones by default). `start`: the previous round's A, to warm-start.
   */
  solve(mmd: LowRankMmd, lambda: number, dim: number, g?: Float64Array, start?: tf.Tensor2D): ComponentsSolution {
    const { p } = this;
    // Φᵀ M Φ = W Wᵀ with W = Φᵀ U diag(√s)
    const r = mmd.U.cols;
    const Ut = tf.tensor2d(Float32Array.from(mmd.U.data), [this.n, r]);
    const PtU = this.phiTTimes(Ut);
    Ut.dispose();
    const ptu = PtU.dataSync();
    PtU.dispose();
    const W: DenseMatrix = dense(p, r);
    for (let i = 0; i < p; i++) for (let c = 0; c < r; c++) W.data[i * r + c] = ptu[i * r + c] * Math.sqrt(mmd.s[c]);
    const diag = new Float64Array(p);
    for (let i = 0; i < p; i++) diag[i] = lambda * (g === undefined ? 1 : g[i]);
    const metric = diagonalPlusLowRank(diag, W, "transfer components");
    try {
      const r2 = generalizedEigs(this.scatter, metric, dim, { which: "largest", tol: this.effectiveTol(), start, krylovBlocks: 3, guard: Math.max(4, Math.ceil(dim / 3)), seed: this.seed });
      this.lastIterations = r2.iterations;
      const [A, Z] = tf.tidy(() => {
        const A = r2.vectors.div(r2.vectors.square().sum(0, true).sqrt()) as tf.Tensor2D;
        return [A, unitRows(this.phiTimes(A))];
      });
      r2.vectors.dispose();
      warnIfNotConverged("transfer components (TCA/JDA/TJM)", "block Lanczos", r2);
      return { A, Z, mu: r2.values, iterations: r2.iterations, converged: r2.converged };
    } finally {
      metric.dispose();
    }
  }

  /** block Lanczos restarts of the last solve */
  lastIterations = 0;

  /**
   * The tolerance actually asked of block Lanczos. With kernel row blocks (n > 3000) every product sums n
   * float32 terms and the relative residual stalls near 1e-6·√n (measured 3e-5 to 6e-5 at n = 11,800, where
   * 3e-6 was never reached in 100 restarts and the accuracy was the same as at 1e-4): asking below that floor
   * only burns restarts, so the tolerance is raised to it there.
   */
  private effectiveTol(): number {
    return this.blocked ? Math.max(this.tol, 1e-6 * Math.sqrt(this.n)) : this.tol;
  }

  dispose(): void {
    for (const o of this.owned) o.dispose();
  }
}
