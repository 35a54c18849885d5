/**
 * TCA/JDA beyond one dense n × n problem: the kernel held as row blocks gives the same components as the dense
 * path; landmarks (Nyström) come close to exact TCA; landmarks ≥ n fall back to exact with a note; a problem
 * too large for the memory available is refused before anything is allocated, naming `landmarks`.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { loadDomain } from "../../src/data/domains";
import { preprocess } from "../../src/data/preprocess";
import { JDA, TCA } from "../../src/feature";
import { KernelRows } from "../../src/feature/kernelRows";
import { marginalMmd } from "../../src/feature/mmdMatrix";
import { stackUnitRows } from "../../src/feature/tca";
import { ComponentSolver } from "../../src/feature/transferComponents";
import { kernelMatrix } from "../../src/kernels";
import { accuracy } from "../../src/metrics/accuracy";

interface Labelled { X: tf.Tensor2D; y: Int32Array }
let S: Labelled, T: Labelled;

/** every k-th row: a class-spread subset */
function every(d: Labelled, k: number): Labelled {
  const idx = Int32Array.from({ length: Math.floor(d.y.length / k) }, (_, i) => i * k);
  return { X: tf.gather(d.X, idx) as tf.Tensor2D, y: Int32Array.from(idx, (i) => d.y[i]) };
}

beforeAll(async () => {
  await useBestBackend({ quiet: true });
  const m = await loadDomain("mnist_usps/mnist"), u = await loadDomain("mnist_usps/usps");
  S = every({ X: preprocess(m.X, "l2"), y: m.y }, 4); // 500
  T = every({ X: preprocess(u.X, "l2"), y: u.y }, 4); // 450
});

test("kernel row blocks: the same transfer components as the dense kernel (μ and the embedding)", () => {
  const X = stackUnitRows(S.X, T.X);
  const dense = new ComponentSolver(kernelMatrix("rbf", X, undefined, { gamma: 1 }), { tol: 1e-6 });
  const rows = new ComponentSolver(KernelRows.build("rbf", X, 1), { tol: 1e-6 });
  const a = dense.solve(marginalMmd(500, 450), 1, 10), b = rows.solve(marginalMmd(500, 450), 1, 10);
  for (let i = 0; i < 10; i++) expect(Math.abs(a.mu[i] - b.mu[i]) / a.mu[0]).toBeLessThan(1e-4);
  // the embeddings agree up to the sign of each component: compare |Zᵀ Z'| column by column
  const za = a.Z.arraySync(), zb = b.Z.arraySync();
  for (let c = 0; c < 3; c++) {
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < za.length; i++) { dot += za[i][c] * zb[i][c]; na += za[i][c] ** 2; nb += zb[i][c] ** 2; }
    expect(Math.abs(dot) / Math.sqrt(na * nb)).toBeGreaterThan(0.999);
  }
  tf.dispose([X, a.A, a.Z, b.A, b.Z]);
  dense.dispose();
  rows.dispose();
});

test("landmarks: TCA (rbf) with 600 of 950 samples as landmarks within 1 point of exact; linear with m > d is exact", async () => {
  const exact = new TCA({ kernel: "rbf", gamma: 1 });
  const accExact = accuracy(await exact.fitPredict(S.X, S.y, T.X), T.y);
  const nys = new TCA({ kernel: "rbf", gamma: 1, landmarks: 600 });
  const accNys = accuracy(await nys.fitPredict(S.X, S.y, T.X), T.y);
  expect(nys.plan?.mode).toBe("landmarks");
  console.log(`exact ${accExact}, 600 landmarks ${accNys}`);
  expect(Math.abs(accNys - accExact)).toBeLessThanOrEqual(0.01);
  // a linear kernel on 256 features has rank ≤ 256: 300 landmarks span it, the approximation is exact
  const lin = accuracy(await new TCA({ kernel: "linear" }).fitPredict(S.X, S.y, T.X), T.y);
  const linNys = accuracy(await new TCA({ kernel: "linear", landmarks: 300 }).fitPredict(S.X, S.y, T.X), T.y);
  expect(Math.abs(linNys - lin)).toBeLessThanOrEqual(0.005);
  exact.dispose();
  nys.dispose();
});

test("landmarks ≥ n: the exact problem, with a note saying so", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  const m = new JDA({ kernel: "rbf", gamma: 1, landmarks: 5000, iterations: 2, dim: 10 });
  const y1 = await m.fitPredict(S.X, S.y, T.X);
  expect(m.plan?.mode).toBe("dense");
  expect(m.plan?.note).toMatch(/landmarks = 5000 ≥ n = 950 samples: solved the exact kernel problem instead/);
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(/landmarks = 5000 ≥ n = 950/));
  warn.mockRestore();
  const y2 = await new JDA({ kernel: "rbf", gamma: 1, iterations: 2, dim: 10 }).fitPredict(S.X, S.y, T.X);
  expect(accuracy(y1, y2)).toBe(1);
  m.dispose();
});

test("too large for the memory available: a clear error suggesting landmarks, before anything is allocated", async () => {
  const before = tf.memory().numBytes;
  await expect(new TCA({ kernel: "rbf", memoryLimit: 1e6 }).fit(S.X, T.X))
    .rejects.toThrow(/TCA\.fit: the exact kernel problem holds one 950 × 950 float32 kernel matrix, 0\.00 GiB .*more than the 0\.00 GiB available \(the memoryLimit option\); pass \{ landmarks: m \}/);
  expect(tf.memory().numBytes).toBe(before);
  await expect(new JDA({ kernel: "linear", memoryLimit: 1e6 }).fit(S.X, S.y, T.X)).rejects.toThrow(/landmarks/);
  await expect(new TCA({ landmarks: 100 }).fit(S.X, T.X)).rejects.toThrow(/kernel "primal" has none/);
  await expect(new TCA({ kernel: "rbf", landmarks: 2.5 }).fit(S.X, T.X)).rejects.toThrow(/"landmarks" must be an integer ≥ 0/);
  expect(() => new TCA({ landmark: 10 } as object)).toThrow(/did you mean "landmarks"/);
});
