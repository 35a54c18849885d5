/**
 * The MMD matrix M of TCA and JDA, kept in low-rank form.
 *
 * For the stacked samples (ns source, then nt target) and a feature map φ, the squared distance between the
 * two sample means is ‖(1/ns)Σ φ(xᵢ) − (1/nt)Σ φ(xⱼ)‖² = tr(Φᵀ M Φ) with M = e eᵀ, e = [1/ns … , −1/nt …].
 * JDA adds one such term per class c, on the source samples of class c and the target samples the current
 * pseudo-labels put in c: M = C·e₀e₀ᵀ + Σ_c e_c e_cᵀ (Long et al. 2013; the reference code weights the
 * marginal term by the number of classes C). Either way M = U diag(s) Uᵀ with r = 1 or C + 1 columns, which
 * is what lets the solver avoid every n × n matrix: K M Kᵀ = (K U) diag(s) (K U)ᵀ.
 *
 * Both protocols divide M by its Frobenius norm, so λ means the same whatever the sample sizes.
 */
import { DenseMatrix, dense } from "../linalg/dense";

export interface LowRankMmd {
  /** n × r, the columns e₀ (marginal) and e_c (one per class) */
  U: DenseMatrix;
  /** r non-negative weights, already divided by ‖U diag(s) Uᵀ‖_F */
  s: Float64Array;
}

/** e₀ = [1/ns, …, −1/nt, …]: the marginal MMD vector. */
export function marginalVector(ns: number, nt: number): Float64Array {
  const e = new Float64Array(ns + nt);
  e.fill(1 / ns, 0, ns);
  e.fill(-1 / nt, ns);
  return e;
}

/**
 * The vector of class c: 1/ns_c on the source samples labelled c, −1/nt_c on the target samples
 * pseudo-labelled c. A class absent from the pseudo-labels keeps its source part only (the reference code's
 * `e[isinf(e)] = 0`).
 */
export function classVector(ys: Int32Array, ytPseudo: Int32Array, c: number): Float64Array {
  const ns = ys.length, nt = ytPseudo.length;
  const e = new Float64Array(ns + nt);
  let cs = 0, ct = 0;
  for (let i = 0; i < ns; i++) if (ys[i] === c) cs++;
  for (let j = 0; j < nt; j++) if (ytPseudo[j] === c) ct++;
  if (cs > 0) for (let i = 0; i < ns; i++) if (ys[i] === c) e[i] = 1 / cs;
  if (ct > 0) for (let j = 0; j < nt; j++) if (ytPseudo[j] === c) e[ns + j] = -1 / ct;
  return e;
}

/** U diag(s) Uᵀ scaled to unit Frobenius norm: ‖M‖²_F = tr((G S)²) with G = UᵀU, computed in O(n r²). */
function normalized(columns: Float64Array[], weights: number[]): LowRankMmd {
  const n = columns[0].length, r = columns.length;
  const U = dense(n, r);
  columns.forEach((col, c) => {
    for (let i = 0; i < n; i++) U.data[i * r + c] = col[i];
  });
  const G = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = a; b < r; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += columns[a][i] * columns[b][i];
      G[a * r + b] = s;
      G[b * r + a] = s;
    }
  }
  let frob2 = 0;
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) frob2 += weights[a] * G[a * r + b] * weights[b] * G[b * r + a];
  const frob = Math.sqrt(frob2);
  return { U, s: Float64Array.from(weights, (w) => (frob > 0 ? w / frob : w)) };
}

/** TCA's M = e₀e₀ᵀ / ‖e₀e₀ᵀ‖_F. */
export function marginalMmd(ns: number, nt: number): LowRankMmd {
  return normalized([marginalVector(ns, nt)], [1]);
}

/**
 * JDA's M = C·e₀e₀ᵀ + Σ_c e_c e_cᵀ over the source classes `classes`, normalised (no class terms while
 * `ytPseudo` is null: the first round). M₀ is rebuilt from the
 * marginal vector on every call (the paper), not carried over from the previous round.
 */
export function jointMmd(ys: Int32Array, ytPseudo: Int32Array | null, classes: ArrayLike<number>, nt: number): LowRankMmd {
  const ns = ys.length;
  if (ytPseudo !== null && ytPseudo.length !== nt) throw new Error(`jointMmd: ${ytPseudo.length} pseudo-labels for ${nt} target samples`);
  const columns = [marginalVector(ns, nt)];
  const weights = [classes.length];
  if (ytPseudo !== null) {
    for (let i = 0; i < classes.length; i++) {
      columns.push(classVector(ys, ytPseudo, classes[i]));
      weights.push(1);
    }
  }
  return normalized(columns, weights);
}

/** The dense n × n matrix U diag(s) Uᵀ (for teaching and tests; the methods never form it). */
export function denseMmdMatrix(m: LowRankMmd): DenseMatrix {
  const n = m.U.rows, r = m.U.cols;
  const M = dense(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let c = 0; c < r; c++) v += m.U.data[i * r + c] * m.s[c] * m.U.data[j * r + c];
      M.data[i * n + j] = v;
    }
  }
  return M;
}
