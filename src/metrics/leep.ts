/**
 * LEEP, the Log Expected Empirical Prediction (Nguyen, Hassner, Seeger & Archambeau, "LEEP: A New Measure to
 * Evaluate Transferability of Learned Representations", ICML 2020): how well a model trained on a *source*
 * label set predicts a *target* label set, computed from one forward pass — before any training on the target.
 */
import { Labels, Matrix, toFloat64, toLabels } from "../tensor";

/**
 * LEEP(θ, D) = (1/n) Σᵢ log Σ_z P̂(yᵢ | z) θ(xᵢ)_z, where θ(xᵢ) is the source model's distribution over its
 * source classes z for target sample xᵢ, and P̂(y | z) = P̂(y, z) / P̂(z) with the empirical joint
 * P̂(y, z) = (1/n) Σ_{i: yᵢ = y} θ(xᵢ)_z — the "expected empirical predictor" that relabels source classes
 * as target classes. It is ≤ 0; higher means more transferable (the paper: it tracks the accuracy reached
 * by fine-tuning). A source model whose outputs ignore x gives −H(ŷ), the entropy of the target's label
 * frequencies; one whose source classes map one-to-one onto target classes gives 0.
 *
 * `sourceProbabilities`: n × Z, rows are probability vectors (e.g. `predictProba` of a classifier trained on
 * the source, on the target samples); `targetLabels`: the n target labels (any integers).
 */
export function leep(sourceProbabilities: Matrix, targetLabels: Labels): number {
  const P = rowsFloat64(sourceProbabilities, "sourceProbabilities");
  const y = toLabels(targetLabels, "targetLabels");
  const { rows: n, cols: Z } = P;
  if (y.length !== n) throw new Error(`leep: sourceProbabilities has ${n} rows but targetLabels has ${y.length}; give one label per target sample`);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let z = 0; z < Z; z++) {
      const v = P.data[i * Z + z];
      if (!(v >= 0)) throw new Error(`leep: sourceProbabilities[${i}][${z}] = ${v}; probabilities must be ≥ 0`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) throw new Error(`leep: row ${i} of sourceProbabilities sums to ${s}, not 1; pass probabilities (softmax outputs), not logits`);
  }
  const classes = Array.from(new Set(y)).sort((a, b) => a - b);
  const index = new Map(classes.map((c, k) => [c, k]));
  const K = classes.length;
  // the empirical joint P̂(y, z) and marginal P̂(z)
  const joint = new Float64Array(K * Z);
  const marginal = new Float64Array(Z);
  for (let i = 0; i < n; i++) {
    const k = index.get(y[i])!;
    for (let z = 0; z < Z; z++) {
      joint[k * Z + z] += P.data[i * Z + z] / n;
      marginal[z] += P.data[i * Z + z] / n;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = index.get(y[i])!;
    let eep = 0;
    // a source class z never predicted (P̂(z) = 0) has θ_z = 0 on every sample: it adds nothing
    for (let z = 0; z < Z; z++) if (marginal[z] > 0) eep += (joint[k * Z + z] / marginal[z]) * P.data[i * Z + z];
    total += Math.log(eep);
  }
  return total / n;
}

/** Rows as float64: number[][] read exactly (no float32 round trip through a tensor), tensors via `toFloat64`. */
export function rowsFloat64(X: Matrix, argName: string): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(X)) return toFloat64(X, argName);
  const rows = X.length, cols = Array.isArray(X[0]) ? X[0].length : 0;
  if (rows === 0 || cols === 0) throw new Error(`${argName} must be a non-empty number[][] (rows are samples)`);
  const data = new Float64Array(rows * cols);
  X.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) throw new Error(`${argName} row ${i} has ${Array.isArray(row) ? row.length : "no"} columns, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { data, rows, cols };
}
