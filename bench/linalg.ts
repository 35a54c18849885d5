/**
 * transferlab's eigensolvers vs ml-matrix's dense symmetric EVD (the best on npm, plain JS float64), on
 * random symmetric matrices of n = 500, 1000, 2000, k = 30 wanted eigenpairs. Target (issue 4): ≥ 20× at
 * n = 2000.
 *
 *   npm run bench:linalg            (BENCH_SIZES=500,1000 to skip the slow n = 2000 baseline)
 *
 * The test matrix is a Wigner matrix (i.i.d. N(0, 1) entries, symmetrised): its top eigenvalues crowd
 * together at the edge of the semicircle, the slow case for a Krylov method.
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from "ml-matrix";
import * as os from "os";
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../src/backend";
import { Random } from "../src/random";
import { DenseMatrix, dense, generalizedSymmetricEigs, matMul, symmetricEigen, symmetricEigs, transpose } from "../src/linalg";
// the same residual the tests check
import { relativeResidual as residual } from "../tests/linalg/helpers";

const K = 30;

function wigner(n: number, seed: number): DenseMatrix {
  const rng = new Random(seed);
  const A = dense(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    const v = rng.normal();
    A.data[i * n + j] = v;
    A.data[j * n + i] = v;
  }
  return A;
}

function spd(n: number, seed: number): DenseMatrix {
  const rng = new Random(seed);
  const G = dense(n, n);
  for (let i = 0; i < G.data.length; i++) G.data[i] = rng.normal();
  const B = matMul(G, transpose(G));
  for (let i = 0; i < n * n; i++) B.data[i] /= n;
  for (let i = 0; i < n; i++) B.data[i * n + i] += 1;
  return B;
}

/** Wall and CPU seconds of f(): on a shared 2-core machine other processes stretch the wall time, while the
 * CPU time (what this process used) stays comparable between the two solvers. */
function time<T>(f: () => T): { value: T; seconds: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}
const fmt = (r: { seconds: number; cpu: number }) => `${r.seconds.toFixed(2)} (${r.cpu.toFixed(2)})`;
const ratio = (ml: { seconds: number; cpu: number }, ours: { seconds: number; cpu: number }) =>
  `${(ml.seconds / ours.seconds).toFixed(1)}× (${(ml.cpu / ours.cpu).toFixed(1)}×)`;

async function main(): Promise<void> {
  const backend = await useBestBackend({ quiet: true });
  const sizes = (process.env.BENCH_SIZES ?? "500,1000,2000").split(",").map(Number);
  console.log(`bench/linalg — k = ${K} largest eigenpairs; backend ${backend.description}; ${new Date().toISOString()}; ` +
    `load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
  // warm-up: the first matMuls on wasm pay for initialisation
  symmetricEigs(wigner(300, 99), 5, { denseLimit: 0, refine: 0 });
  const rows: Record<string, string>[] = [];
  for (const n of sizes) {
    const A = wigner(n, n);
    const ml = time(() => new EigenvalueDecomposition(new MlMatrix(Array.from({ length: n }, (_, i) => Array.from(A.data.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true }));
    const mlValues = ml.value.realEigenvalues.slice().sort((a, b) => b - a).slice(0, K);
    const fast = time(() => symmetricEigs(A, K, { denseLimit: 0, refine: 0 }));
    const refined = time(() => symmetricEigs(A, K, { denseLimit: 0, refine: 1 }));
    const full = n <= 1000 ? time(() => symmetricEigen(A)) : null;
    const B = spd(n, n + 1);
    const gen = time(() => generalizedSymmetricEigs(A, B, K, { denseLimit: 0, refine: 0 }));
    const genRefined = time(() => generalizedSymmetricEigs(A, B, K, { denseLimit: 0, refine: 1 }));
    const dl = Math.max(...Array.from(fast.value.values, (v, i) => Math.abs(v - mlValues[i]))) / Math.abs(mlValues[0]);
    rows.push({
      n: String(n),
      "ml-matrix EVD s": fmt(ml),
      "ours top-30 f32 s": fmt(fast),
      "ratio": ratio(ml, fast),
      "residual": residual(A, null, fast.value.values, fast.value.vectors).toExponential(1),
      "max|Δλ|/λ₁": dl.toExponential(1),
      "+ f64 refine s": fmt(refined),
      "ratio ": ratio(ml, refined),
      "residual ": residual(A, null, refined.value.values, refined.value.vectors).toExponential(1),
      "ours full f64 EVD s": full === null ? "—" : fmt(full),
      "generalised top-30 s": fmt(gen),
      "gen. residual": residual(A, B, gen.value.values, gen.value.vectors).toExponential(1),
      "gen. + refine s": fmt(genRefined),
      "gen. residual ": residual(A, B, genRefined.value.values, genRefined.value.vectors).toExponential(1),
    });
    console.log(`n = ${n} done (tensors alive: ${tf.memory().numTensors}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
  }
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(width[i])).join(" | ") + " |";
  console.log(line(cols));
  console.log("|" + width.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
  console.log("times: wall (CPU) seconds; ratios: by wall (by CPU). " +
    "residual = max ‖Aw − λBw‖ / (‖A‖_F ‖w‖) over the 30 pairs (B = I for the standard problem); " +
    "generalised: A w = λ B w with B = GGᵀ/n + I; ml-matrix solves the standard problem only.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
