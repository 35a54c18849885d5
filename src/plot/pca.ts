/**
 * A 2-D (or k-D) PCA projection for plots of d > 2 data. Only the top few components are needed, so the
 * d×d covariance is formed with one tf.matMul (the O(n d²) part) and its top eigenvectors are found by
 * block power iteration in float64 JS (d ≤ a few thousand: cheap).
 */
import * as tf from "../tf";
import { Matrix, readFloat32, toTensor2D } from "../tensor";
import { Random } from "../random";

export interface PCAResult {
  /** projected rows, one array per input matrix */
  projections: number[][][];
  /** explained variance ratio of each component */
  explained: number[];
}

/** Project every matrix in `Xs` onto the top `k` principal components of their union (synchronous reads: on
 * WebGPU in Node use `pcaProjectAsync`). */
export function pcaProject(Xs: Matrix[], k = 2, seed = 0): PCAResult {
  const { tensors, meanT, covT } = prepare(Xs);
  try {
    return project(meanT.dataSync(), covT.dataSync(), tensors.map((t) => t.dataSync()), tensors.map((t) => t.shape[0]), k, seed);
  } finally {
    release(Xs, tensors, meanT, covT);
  }
}

/** `pcaProject` with one asynchronous read of everything it needs (synchronous reads fail on WebGPU in Node); the same numbers. */
export async function pcaProjectAsync(Xs: Matrix[], k = 2, seed = 0): Promise<PCAResult> {
  const { tensors, meanT, covT } = prepare(Xs);
  try {
    const [mean, cov, ...xs] = await readFloat32(meanT, covT, ...tensors);
    return project(mean, cov, xs, tensors.map((t) => t.shape[0]), k, seed);
  } finally {
    release(Xs, tensors, meanT, covT);
  }
}

function prepare(Xs: Matrix[]): { tensors: tf.Tensor2D[]; meanT: tf.Tensor; covT: tf.Tensor } {
  const tensors = Xs.map((X, i) => toTensor2D(X, `X[${i}]`));
  const d = tensors[0].shape[1];
  tensors.forEach((t, i) => {
    if (t.shape[1] !== d) throw new Error(`pcaProject: X[${i}] has ${t.shape[1]} features, X[0] has ${d}`);
  });
  const [meanT, covT] = tf.tidy(() => {
    const all = tf.concat(tensors, 0);
    const m = all.mean(0);
    const centred = all.sub(m);
    return [m, tf.matMul(centred, centred, true, false).div(all.shape[0])];
  });
  return { tensors, meanT, covT };
}

function release(Xs: Matrix[], tensors: tf.Tensor2D[], meanT: tf.Tensor, covT: tf.Tensor): void {
  meanT.dispose();
  covT.dispose();
  tensors.forEach((t, i) => {
    if (t !== Xs[i]) t.dispose();
  });
}

/** The projection from the values read back: the mean (d), covariance (d×d) and each matrix's rows. */
function project(meanF: ArrayLike<number>, covF: ArrayLike<number>, xs: ArrayLike<number>[], rows: number[], k: number, seed: number): PCAResult {
  const mean = Float64Array.from(meanF);
  const cov = Float64Array.from(covF);
  const d = mean.length;
  const kk = Math.min(k, d);
  const V = topEigenvectors(cov, d, kk, seed);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  const explained = V.values.map((v) => (trace > 0 ? v / trace : 0));
  const projections = xs.map((x, m) => {
    const n = rows[m];
    const out: number[][] = [];
    for (let r = 0; r < n; r++) {
      const row = new Array<number>(kk).fill(0);
      for (let c = 0; c < kk; c++) {
        let s = 0;
        const vec = V.vectors[c];
        for (let j = 0; j < d; j++) s += (x[r * d + j] - mean[j]) * vec[j];
        row[c] = s;
      }
      out.push(row);
    }
    return out;
  });
  return { projections, explained };
}

/** Top-k eigenpairs of a symmetric PSD d×d matrix by orthogonal (block power) iteration. */
function topEigenvectors(A: Float64Array, d: number, k: number, seed: number): { vectors: Float64Array[]; values: number[] } {
  const rng = new Random(seed);
  let Q: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = rng.normal();
    Q.push(v);
  }
  Q = orthonormalise(Q);
  let values = new Array<number>(k).fill(0);
  for (let it = 0; it < 300; it++) {
    const Z = Q.map((q) => symMatVec(A, d, q));
    const next = orthonormalise(Z);
    let change = 0;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += next[c][j] * Q[c][j];
      change = Math.max(change, 1 - Math.abs(dot));
    }
    Q = next;
    if (change < 1e-10) break;
  }
  values = Q.map((q) => {
    const Aq = symMatVec(A, d, q);
    let s = 0;
    for (let j = 0; j < d; j++) s += q[j] * Aq[j];
    return s;
  });
  // fix each sign so the largest |entry| is positive: the same data always gives the same picture
  for (const q of Q) {
    let m = 0;
    for (let j = 1; j < d; j++) if (Math.abs(q[j]) > Math.abs(q[m])) m = j;
    if (q[m] < 0) for (let j = 0; j < d; j++) q[j] = -q[j];
  }
  return { vectors: Q, values };
}

function symMatVec(A: Float64Array, d: number, x: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    const off = i * d;
    for (let j = 0; j < d; j++) s += A[off + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Modified Gram–Schmidt (twice, for stability). */
function orthonormalise(vs: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of out) {
        let dot = 0;
        for (let j = 0; j < v.length; j++) dot += v[j] * u[j];
        for (let j = 0; j < v.length; j++) v[j] -= dot * u[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < v.length; j++) v[j] /= norm;
    out.push(v);
  }
  return out;
}
