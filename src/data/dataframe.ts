/**
 * A danfo DataFrame view of a domain, for notebooks to display (`df.head().print()`, `df.describe()`).
 * danfojs-node is an optional peer of transferlab (the course workspace installs it; a user's project may not):
 * it is loaded here, on first use only, so loadDomain and everything else neither need it nor pay its 0.7–0.9 s
 * `require`. Without it, toDataFrame says how to install it.
 */
import type { DataFrame } from "danfojs-node";
import type * as tf from "../tf";
import { ShapeMismatchError } from "../errors";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | null = null;

function loadDanfo(): Danfo {
  try {
    return require("danfojs-node") as Danfo;
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    if (/Cannot find module 'danfojs-node'/.test(msg)) {
      throw new Error("toDataFrame: danfojs-node is not installed; it is an optional peer of transferlab: " +
        "npm install danfojs-node@1.2.0 (its @tensorflow/tfjs-node 3.x dependency can be overridden to " +
        "\"npm:@tensorflow/tfjs@4.22.0\" in your package.json's overrides, to keep one tfjs-core)");
    }
    throw new Error(`toDataFrame: danfojs-node failed to load: ${msg}`);
  }
}

/** A DataFrame with the feature columns (featureNames, or f0, f1, … when absent) then `label`. */
export function toDataFrame(domain: { X: tf.Tensor2D; y: ArrayLike<number>; featureNames?: string[] }): DataFrame {
  const [n, p] = domain.X.shape;
  if (domain.y.length !== n) throw new ShapeMismatchError(`toDataFrame: X has ${n} rows but y has ${domain.y.length} labels`);
  const names = domain.featureNames ?? Array.from({ length: p }, (_, j) => `f${j}`);
  if (names.length !== p) throw new ShapeMismatchError(`toDataFrame: X has ${p} columns but featureNames has ${names.length}`);
  const labelName = names.includes("label") ? "label_" : "label";
  danfo ??= loadDanfo();
  const values = domain.X.dataSync();
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = Array.from(values.subarray(i * p, (i + 1) * p));
    row.push(domain.y[i]);
    rows[i] = row;
  }
  return new danfo.DataFrame(rows, { columns: [...names, labelName] });
}
