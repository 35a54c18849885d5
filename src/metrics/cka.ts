/**
 * How far a representation moved: linear Centered Kernel Alignment (Kornblith et al., "Similarity of Neural
 * Network Representations Revisited", ICML 2019) and the mean cosine drift of matched rows. Used to measure
 * how much fine-tuning distorts pretrained features (Kumar et al., ICLR 2022).
 */
import * as tf from "../tf";
import { Matrix, disposeIfCreated, readFloat32, toTensor2D } from "../tensor";

function checkPair(X: tf.Tensor2D, Y: tf.Tensor2D, fn: string): void {
  if (X.shape[0] !== Y.shape[0]) {
    throw new Error(`${fn}: X and Y must hold the same samples (rows): X has ${X.shape[0]} rows, Y has ${Y.shape[0]}`);
  }
  if (X.shape[0] < 2) throw new Error(`${fn}: needs at least 2 samples, got ${X.shape[0]}`);
}

/**
 * Linear CKA between two representations of the same n samples (X: n×p, Y: n×q):
 * ‖Ycᵀ Xc‖²_F / (‖Xcᵀ Xc‖_F ‖Ycᵀ Yc‖_F), with Xc, Yc centred per column. 1 for identical representations;
 * invariant to orthogonal transforms and isotropic scaling of either side; 0 for unrelated ones.
 * Computed in float64 on the CPU from the Gram matrices (n×n), so numbers do not depend on the backend.
 * Async: both representations are read in one asynchronous read (synchronous reads fail on WebGPU in Node).
 */
export async function linearCka(X: Matrix, Y: Matrix): Promise<number> {
  const Xt = toTensor2D(X, "X"), Yt = toTensor2D(Y, "Y");
  try {
    checkPair(Xt, Yt, "linearCka");
    const n = Xt.shape[0];
    const [x, y] = await readFloat32(Xt, Yt);
    const gx = centredGram(x, n, Xt.shape[1]), gy = centredGram(y, n, Yt.shape[1]);
    let xy = 0, xx = 0, yy = 0;
    for (let i = 0; i < n * n; i++) { xy += gx[i] * gy[i]; xx += gx[i] * gx[i]; yy += gy[i] * gy[i]; }
    if (xx === 0 || yy === 0) throw new Error("linearCka: a representation is constant over the samples (zero variance); CKA is undefined");
    return xy / Math.sqrt(xx * yy);
  } finally {
    disposeIfCreated(Xt, X);
    disposeIfCreated(Yt, Y);
  }
}

/** H K H for K = X Xᵀ, H the centring matrix: the Gram matrix of the column-centred rows (X: n×p, row-major), in float64. */
function centredGram(x: Float32Array, n: number, p: number): Float64Array {
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += x[i * p + j] / n;
  const c = Array.from({ length: n }, (_, i) => Float64Array.from(x.subarray(i * p, (i + 1) * p), (v, j) => v - mean[j]));
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let s = 0;
      const a = c[i], b = c[k];
      for (let j = 0; j < p; j++) s += a[j] * b[j];
      g[i * n + k] = s;
      g[k * n + i] = s;
    }
  }
  return g;
}

/**
 * Mean cosine drift of matched rows: 1 − mean_i cos(xᵢ, yᵢ), for the features of the same samples before (X) and
 * after (Y) training, in the same coordinates. 0 when no sample's feature direction changed; up to 2.
 * A row of zeros (a dead ReLU unit pattern) counts as cosine 0 against anything but zero, 1 against zero.
 * Async, one read of both (as `linearCka`).
 */
export async function meanCosineDrift(X: Matrix, Y: Matrix): Promise<number> {
  const Xt = toTensor2D(X, "X"), Yt = toTensor2D(Y, "Y");
  try {
    checkPair(Xt, Yt, "meanCosineDrift");
    if (Xt.shape[1] !== Yt.shape[1]) {
      throw new Error(`meanCosineDrift: X and Y must be in the same coordinates: ${Xt.shape[1]} vs ${Yt.shape[1]} columns`);
    }
    const [a, b] = await readFloat32(Xt, Yt);
    const [n, p] = Xt.shape;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let ab = 0, aa = 0, bb = 0;
      for (let j = i * p; j < (i + 1) * p; j++) { ab += a[j] * b[j]; aa += a[j] ** 2; bb += b[j] ** 2; }
      sum += aa === 0 && bb === 0 ? 1 : aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
    }
    return 1 - sum / n;
  } finally {
    disposeIfCreated(Xt, X);
    disposeIfCreated(Yt, Y);
  }
}
