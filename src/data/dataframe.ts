/**
 * A danfo DataFrame view of a domain, for notebooks to display (`df.head().print()`, `df.describe()`).
 * `require("danfojs-node")` takes 0.7–0.9 s on the dev machine, so it is loaded here, on first use only:
 * loadDomain and everything else never pay for it.
 */
import type { DataFrame } from "danfojs-node";
import type * as tf from "@tensorflow/tfjs";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | null = null;

/** A DataFrame with the feature columns (featureNames, or f0, f1, … when absent) then `label`. */
export function toDataFrame(domain: { X: tf.Tensor2D; y: ArrayLike<number>; featureNames?: string[] }): DataFrame {
  const [n, p] = domain.X.shape;
  if (domain.y.length !== n) throw new Error(`toDataFrame: X has ${n} rows but y has ${domain.y.length} labels`);
  const names = domain.featureNames ?? Array.from({ length: p }, (_, j) => `f${j}`);
  if (names.length !== p) throw new Error(`toDataFrame: X has ${p} columns but featureNames has ${names.length}`);
  const labelName = names.includes("label") ? "label_" : "label";
  danfo ??= require("danfojs-node") as Danfo;
  const values = domain.X.dataSync();
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = Array.from(values.subarray(i * p, (i + 1) * p));
    row.push(domain.y[i]);
    rows[i] = row;
  }
  return new danfo.DataFrame(rows, { columns: [...names, labelName] });
}
