/** Shared test data and float64 reference implementations for the compute-core tests. */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Random } from "../../src/random";

/** n rows of d independent N(shift, 1) features. */
export function gaussian(rng: Random, n: number, d: number, shift = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal(shift, 1)));
}

export function sqDist(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Naive float64 squared MMD with k(x,y) = mean_b exp(−γ_b‖x−y‖²) (or x·y when gammas is "linear"). */
export function naiveMmd(X: number[][], Y: number[][], gammas: number[] | "linear", biased: boolean): number {
  const k = (a: number[], b: number[]) => {
    if (gammas === "linear") return a.reduce((s, v, i) => s + v * b[i], 0);
    const d = sqDist(a, b);
    return gammas.reduce((s, g) => s + Math.exp(-g * d), 0) / gammas.length;
  };
  const m = X.length, n = Y.length;
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (biased || i !== j) xx += k(X[i], X[j]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (biased || i !== j) yy += k(Y[i], Y[j]);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) xy += k(X[i], Y[j]);
  return biased ? xx / (m * m) + yy / (n * n) - (2 * xy) / (m * n) : xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

/** the repository's copy (gzip-compressed CSVs) */
export const OFFICE = path.join(__dirname, "..", "..", "data", "office_caltech10_surf");

/**
 * An Office-Caltech10 SURF domain as the papers preprocess it (written inline here on purpose: the real
 * loader lives in src/data): each row divided by its sum, then each column z-scored with the population
 * std within this domain; zero-variance columns become 0.
 */
export function loadOfficeDomain(name: string): { X: number[][]; y: Int32Array } {
  const lines = zlib.gunzipSync(fs.readFileSync(path.join(OFFICE, `${name}.csv.gz`))).toString("utf8").trim().split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const d = rows[0].length - 1;
  const y = Int32Array.from(rows.map((r) => r[d]));
  const X = rows.map((r) => {
    const x = r.slice(0, d);
    const s = x.reduce((a, b) => a + b, 0);
    return x.map((v) => v / s);
  });
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const r of X) mean += r[j];
    mean /= X.length;
    let v = 0;
    for (const r of X) v += (r[j] - mean) ** 2;
    const sd = Math.sqrt(v / X.length);
    for (const r of X) r[j] = sd > 0 ? (r[j] - mean) / sd : 0;
  }
  return { X, y };
}
