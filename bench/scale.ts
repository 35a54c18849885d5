/**
 * TCA/JDA at n = 10,000+: the cost curve of ours against the references' dense algorithm, the targets on
 * mnist10k → USPS (11,800 samples), and the landmark (Nyström) option at 50,000+ samples.
 *
 *   npm run bench:scale                 (BENCH_ONLY=targets,curve,landmarks; BENCH_PYTHON=0 skips the reference)
 *
 * Every configuration runs in its own child process, so that its peak resident memory (maxRSS) is its own.
 * The reference is bench/tca_dense_reference.py (numpy + scipy.linalg.eig, as the textbook's TCA.py/JDA.py):
 * it runs where its projected time (O(n³) from the previous size) stays under 10 minutes, and is extrapolated
 * beyond — printed as such. Rows are taken as floor(i·N/n) in both, so both see the same samples.
 */
import { execFileSync, spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../src/backend";
import { OneNearestNeighbor } from "../src/classifiers/nearestNeighbor";
import { dataDir, loadDomain } from "../src/data/domains";
import { preprocess } from "../src/data/preprocess";
import { JDA, TCA } from "../src/feature";
import { accuracy } from "../src/metrics/accuracy";

interface Config { method: "TCA" | "JDA" | "1NN"; kernel: "linear" | "rbf"; ns: number; nt: number; landmarks?: number; copies?: number; dim?: number; iterations?: number }
interface Result { seconds: number; cpu: number; peakMiB: number; accuracy: number; note?: string; restarts?: number }

const GAMMA = 1; // on unit-length rows
const load = async (id: string) => { const d = await loadDomain(id); const X = preprocess(d.X, "l2"); d.X.dispose(); return { X, y: d.y }; };

function rows(X: tf.Tensor2D, y: Int32Array, n: number): { X: tf.Tensor2D; y: Int32Array } {
  const N = y.length;
  if (n >= N) return { X, y };
  const idx = Int32Array.from({ length: n }, (_, i) => Math.floor((i * N) / n));
  return { X: tf.gather(X, idx) as tf.Tensor2D, y: Int32Array.from(idx, (i) => y[i]) };
}

/** `copies` − 1 extra copies of each 16 × 16 digit shifted by one pixel (right, left, down, up, …): n·copies rows. */
function shiftedCopies(X: tf.Tensor2D, copies: number): tf.Tensor2D {
  const shifts = [[0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, -1], [1, -1], [-1, 1]];
  return tf.tidy(() => {
    const img = X.reshape([-1, 16, 16, 1]) as tf.Tensor4D;
    const out: tf.Tensor2D[] = [X];
    for (let c = 0; c < copies - 1; c++) {
      const [dy, dx] = shifts[c];
      const padded = tf.pad(img, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      out.push(padded.slice([0, 1 - dy, 1 - dx, 0], [-1, 16, 16, 1]).reshape([-1, 256]) as tf.Tensor2D);
    }
    return tf.concat(out, 0) as tf.Tensor2D;
  });
}

/** One configuration, in this (child) process. */
async function one(cfg: Config): Promise<Result> {
  await useBestBackend({ quiet: true });
  const S0 = await load("mnist_usps/mnist10k"), T0 = await load("mnist_usps/usps");
  let S = rows(S0.X, S0.y, cfg.ns);
  const T = rows(T0.X, T0.y, cfg.nt);
  if (cfg.copies && cfg.copies > 1) {
    const X = shiftedCopies(S.X, cfg.copies);
    S = { X, y: Int32Array.from({ length: X.shape[0] }, (_, i) => S.y[i % S.y.length]) };
  }
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  let yhat: Int32Array, note: string | undefined, restarts: number | undefined;
  if (cfg.method === "1NN") {
    yhat = await (await new OneNearestNeighbor().fit(S.X, S.y)).predict(T.X);
  } else {
    const opts = { kernel: cfg.kernel, gamma: GAMMA, dim: cfg.dim ?? 30, landmarks: cfg.landmarks ?? 0 };
    const m = cfg.method === "TCA" ? new TCA(opts) : new JDA({ ...opts, iterations: cfg.iterations ?? 10 });
    yhat = await m.fitPredict(S.X, S.y, T.X);
    note = m.plan?.note ?? undefined;
    if (m instanceof TCA) restarts = m.solverRestarts;
    m.dispose();
  }
  const c = process.cpuUsage(c0);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, peakMiB: process.resourceUsage().maxRSS / 1024, accuracy: 100 * accuracy(yhat, T.y), note, restarts };
}

function runChild(cfg: Config): Result {
  const r = spawnSync(process.execPath, ["--max-old-space-size=6144", __filename, "--one", JSON.stringify(cfg)], { encoding: "utf8", maxBuffer: 1 << 24 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.status !== 0 || !line) throw new Error(`child ${JSON.stringify(cfg)} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

function runPython(cfg: Config, timeoutS: number): (Result & { timedOut?: boolean }) | null {
  const script = path.resolve(__dirname, "../../../bench/tca_dense_reference.py");
  const data = dataDir();
  const r = spawnSync("python3", [script, path.join(data, "mnist_usps/mnist10k.csv.gz"), path.join(data, "mnist_usps/usps.csv.gz"),
    String(cfg.ns), String(cfg.nt), cfg.kernel, String(GAMMA), String(cfg.dim ?? 30), String(cfg.method === "JDA" ? cfg.iterations ?? 10 : 0), "0"],
  { encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 1 << 24 });
  if (r.error || r.status !== 0) return null;
  const j = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return { seconds: j.seconds, cpu: j.cpu, peakMiB: j.peakMiB, accuracy: 100 * j.accuracy };
}

function table(rows: Record<string, string>[]): void {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(width[i])).join(" | ") + " |";
  console.log(line(cols));
  console.log("|" + width.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(cols.map((c) => r[c] ?? "")));
  console.log();
}

const load1 = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const f = (r: Result) => `${r.seconds.toFixed(1)} (${r.cpu.toFixed(1)})`;

async function targets(): Promise<void> {
  console.log(`## mnist10k → USPS: 10,000 + 1,800 = 11,800 samples, dim 30, γ = ${GAMMA} on unit-length rows, JDA 10 rounds (load ${load1()})\n`);
  const out: Record<string, string>[] = [];
  const nn = runChild({ method: "1NN", kernel: "linear", ns: 10000, nt: 1800 });
  out.push({ method: "1-NN (no adaptation)", kernel: "—", "wall s (CPU s)": f(nn), "peak RSS MiB": nn.peakMiB.toFixed(0), "accuracy %": nn.accuracy.toFixed(2) });
  for (const kernel of ["linear", "rbf"] as const) {
    for (const method of ["TCA", "JDA"] as const) {
      for (const landmarks of [0, 1000]) {
        const r = runChild({ method, kernel, ns: 10000, nt: 1800, landmarks });
        out.push({ method: `${method}${landmarks ? `, landmarks ${landmarks}` : " (exact)"}`, kernel, "wall s (CPU s)": f(r), "peak RSS MiB": r.peakMiB.toFixed(0), "accuracy %": r.accuracy.toFixed(2) });
        process.stderr.write(".");
      }
    }
  }
  process.stderr.write("\n");
  table(out);
  console.log(`Targets: TCA ≤ 60 s, JDA ≤ 300 s, < 6 GiB resident; one 11,800² float32 matrix is ${(4 * 11800 ** 2 / 2 ** 20).toFixed(0)} MiB. (load after: ${load1()})\n`);
}

async function curve(): Promise<void> {
  const python = process.env.BENCH_PYTHON !== "0";
  let pyVersion = "";
  try { pyVersion = execFileSync("python3", ["-c", "import numpy, scipy, sys; print(sys.version.split()[0], numpy.__version__, scipy.__version__)"], { encoding: "utf8" }).trim(); } catch { pyVersion = "python3 with numpy/scipy not found"; }
  console.log(`## Cost curve: TCA, rbf kernel, dim 30, mnist10k → USPS rows (n = source + target), ours against the references' dense algorithm ` +
    `(bench/tca_dense_reference.py: Python ${pyVersion}; BLAS threads as numpy's default) (load ${load1()})\n`);
  const sizes = [[500, 500], [1000, 1000], [2200, 1800], [6200, 1800], [10000, 1800]];
  const out: Record<string, string>[] = [];
  // the reference runs while its projected CPU time (n³ from the last size it finished) stays under 10 minutes
  let last: { n: number; cpu: number; peakMiB: number } | null = null;
  for (const [ns, nt] of sizes) {
    const n = ns + nt;
    const ours = runChild({ method: "TCA", kernel: "rbf", ns, nt });
    let ref = "not run", refMem = "—", refAcc = "—", ratio = "—";
    const projected = last === null ? 0 : last.cpu * (n / last.n) ** 3;
    if (python && projected < 600) {
      const r = runPython({ method: "TCA", kernel: "rbf", ns, nt }, 1500);
      if (r === null) ref = "did not finish in 1500 s wall";
      else {
        ref = f(r); refMem = r.peakMiB.toFixed(0); refAcc = r.accuracy.toFixed(2); ratio = `${(r.cpu / ours.cpu).toFixed(1)}× (CPU)`;
        last = { n, cpu: r.cpu, peakMiB: r.peakMiB };
      }
    } else if (last !== null) {
      ref = `CPU ~${projected.toFixed(0)} (extrapolated, n³ from n = ${last.n})`;
      refMem = `~${(last.peakMiB * (n / last.n) ** 2).toFixed(0)} (extrapolated, n²)`;
      ratio = `~${(projected / ours.cpu).toFixed(0)}× (CPU, extrapolated)`;
    }
    out.push({ n: String(n), "ours wall s (CPU s)": f(ours), "ours peak RSS MiB": ours.peakMiB.toFixed(0), "ours acc %": ours.accuracy.toFixed(2),
      "reference wall s (CPU s)": ref, "reference peak RSS MiB": refMem, "reference acc %": refAcc, ratio });
    process.stderr.write(`${n} `);
  }
  process.stderr.write("\n");
  table(out);
  console.log(`(load after: ${load1()})\n`);
}

async function landmarks(): Promise<void> {
  console.log(`## Landmarks (Nyström): beside exact TCA (rbf) where exact runs, and at 50,000+ samples (mnist10k and 4 one-pixel shifts of it: 50,000 + 1,800 USPS) (load ${load1()})\n`);
  const out: Record<string, string>[] = [];
  for (const [ns, nt, copies] of [[2200, 1800, 1], [10000, 1800, 1], [10000, 1800, 5]]) {
    const n = ns * copies + nt;
    for (const m of copies > 1 ? [1000] : [0, 500, 1000]) {
      const r = runChild({ method: "TCA", kernel: "rbf", ns, nt, copies, landmarks: m });
      out.push({ n: String(n), "TCA": m ? `landmarks ${m}` : "exact", "wall s (CPU s)": f(r), "peak RSS MiB": r.peakMiB.toFixed(0), "accuracy %": r.accuracy.toFixed(2) });
      process.stderr.write(".");
    }
  }
  process.stderr.write("\n");
  table(out);
  console.log(`(load after: ${load1()})\n`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--one");
  if (i >= 0) {
    console.log(JSON.stringify(await one(JSON.parse(process.argv[i + 1]))));
    return;
  }
  const backend = await useBestBackend({ quiet: true });
  console.log(`# bench:scale — backend ${backend.description}; ${new Date().toISOString()}; ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB\n`);
  const only = process.env.BENCH_ONLY?.split(",");
  for (const [name, run] of [["targets", targets], ["curve", curve], ["landmarks", landmarks]] as const) if (!only || only.includes(name)) await run();
}

main().catch((e) => { console.error(e); process.exit(1); });
