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
 * The null space of Φᵀ H Φ has μ = 0 and is never among the largest. Each eigenvector is then scaled to unit
 * 2-norm (the reference normalises scipy's eigenvectors so), Z = Φ A, and each row of Z to unit length.
 */
import { warnIfNotConverged } from "../errors";
import * as tf from "@tensorflow/tfjs";
import { DenseMatrix, dense } from "../linalg/dense";
import { generalizedEigs } from "../linalg/eigs";
import { diagonalPlusLowRank } from "../linalg/spdFactor";
import { SymmetricOperator } from "../linalg/topEigen";
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
  private readonly Phi: tf.Tensor2D;
  private readonly PhiT: tf.Tensor2D;
  private readonly scatter: SymmetricOperator;
  private readonly owned: tf.Tensor[] = [];

  /** `Phi` (n × p) is kept, not copied: the solver owns it from now on. */
  private readonly tol: number;
  private readonly seed: number;

  constructor(Phi: tf.Tensor2D, options: { tol?: number; seed?: number } = {}) {
    this.tol = options.tol ?? 1e-5;
    this.seed = options.seed ?? 0;
    [this.n, this.p] = Phi.shape;
    this.Phi = Phi;
    this.PhiT = Phi.transpose() as tf.Tensor2D;
    this.owned.push(Phi, this.PhiT);
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
    const PtU = tf.tidy(() => tf.matMul(this.PhiT, Ut));
    Ut.dispose();
    const ptu = PtU.dataSync();
    PtU.dispose();
    const W: DenseMatrix = dense(p, r);
    for (let i = 0; i < p; i++) for (let c = 0; c < r; c++) W.data[i * r + c] = ptu[i * r + c] * Math.sqrt(mmd.s[c]);
    const diag = new Float64Array(p);
    for (let i = 0; i < p; i++) diag[i] = lambda * (g === undefined ? 1 : g[i]);
    const metric = diagonalPlusLowRank(diag, W, "transfer components");
    try {
      const r2 = generalizedEigs(this.scatter, metric, dim, { which: "largest", tol: this.tol, start, krylovBlocks: 3, guard: Math.max(4, Math.ceil(dim / 3)), seed: this.seed });
      const [A, Z] = tf.tidy(() => {
        const A = r2.vectors.div(r2.vectors.square().sum(0, true).sqrt()) as tf.Tensor2D;
        return [A, unitRows(tf.matMul(this.Phi, A))];
      });
      r2.vectors.dispose();
      warnIfNotConverged("transfer components (TCA/JDA/TJM)", "block Lanczos", r2);
      return { A, Z, mu: r2.values, iterations: r2.iterations, converged: r2.converged };
    } finally {
      metric.dispose();
    }
  }

  dispose(): void {
    tf.dispose(this.owned);
  }
}
