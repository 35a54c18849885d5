/**
 * Per-domain feature normalisation as the benchmark papers apply it (see data/office_caltech10_surf/README.md).
 *
 * The arithmetic is done in float64 JavaScript and rounded to float32 once at the end, so the result equals
 * MATLAB's (double) protocol up to that last rounding. Measured against the same steps in float32 tf ops on
 * Office-Caltech10: the values differ by at most 2e-6 and the 1-NN accuracies (C→A, A→C, W→D, D→A) are
 * unchanged, so float32 would have been acceptable; float64 costs nothing noticeable at these sizes (a few ms)
 * and keeps near-constant columns, where z-scoring divides by a tiny std, from amplifying float32 sums' error.
 */
import * as tf from "../tf";
import { Matrix, toFloat64 } from "../tensor";

// module-level aliases: inside a vm context (jest, notebook kernels) every lookup of the global Math is slow
const abs = Math.abs, sqrt = Math.sqrt;

export const PREPROCESS_METHODS = ["l1zscore", "zscore", "l2"] as const;
export type PreprocessMethod = (typeof PREPROCESS_METHODS)[number];

function checkFinite(data: Float64Array, cols: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) { // NaN or ±∞, without a global lookup per element
      throw new Error(`preprocess: X has a non-finite value (${data[i]}) at row ${Math.floor(i / cols)}, column ${i % cols}; ` +
        `remove or impute missing values first`);
    }
  }
}

/** Divides each row by its L1 norm (the sum, for non-negative histograms); a zero row stays zero. */
function l1Rows(data: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += abs(data[i * cols + j]);
    if (s > 0) for (let j = 0; j < cols; j++) data[i * cols + j] /= s;
  }
}

/** Scales each row to unit L2 norm; a zero row stays zero. */
function l2Rows(data: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) { const v = data[i * cols + j]; s += v * v; }
    const norm = sqrt(s);
    if (norm > 0) for (let j = 0; j < cols; j++) data[i * cols + j] /= norm;
  }
}

/**
 * Z-scores each column with the population std (divide by n, MATLAB's `zscore(X, 1)`). A column whose std is
 * zero becomes 0; "zero" allows for rounding: std ≤ 1e-12 × the column's largest |value| (a constant column's
 * computed mean can be off by an ulp, which would otherwise turn it into ±1 everywhere).
 */
function zscoreColumns(data: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    let sum = 0, maxAbs = 0;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      sum += v;
      if (abs(v) > maxAbs) maxAbs = abs(v);
    }
    const mean = sum / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) { const d = data[i * cols + j] - mean; ss += d * d; }
    const std = sqrt(ss / rows);
    if (std <= 1e-12 * maxAbs) for (let i = 0; i < rows; i++) data[i * cols + j] = 0;
    else for (let i = 0; i < rows; i++) data[i * cols + j] = (data[i * cols + j] - mean) / std;
  }
}

/**
 * Normalises one domain's features (apply it to each domain separately, as the papers do):
 * - "l1zscore": each row divided by its L1 norm, then each column z-scored (population std; constant columns → 0);
 * - "zscore": the columns only, same rules;
 * - "l2": each row scaled to unit L2 norm (zero rows stay zero).
 * Synchronous; returns a new float32 tf.Tensor2D and leaves X as it was.
 */
export function preprocess(X: Matrix, method: PreprocessMethod): tf.Tensor2D {
  if (!(PREPROCESS_METHODS as readonly string[]).includes(method)) {
    throw new Error(`preprocess: unknown method ${JSON.stringify(method)}; valid methods: ${PREPROCESS_METHODS.join(", ")}`);
  }
  const { data, rows, cols } = toFloat64(X, "X");
  checkFinite(data, cols);
  if (method === "l1zscore") {
    l1Rows(data, rows, cols);
    zscoreColumns(data, rows, cols);
  } else if (method === "zscore") {
    zscoreColumns(data, rows, cols);
  } else {
    l2Rows(data, rows, cols);
  }
  return tf.tensor2d(Float32Array.from(data), [rows, cols], "float32");
}
