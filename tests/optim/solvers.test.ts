/**
 * The solvers say how they stopped (src/optim, src/linalg/topEigen.ts): each outcome provoked on purpose —
 * converged, stalled, iteration limit — with the final gradient norm or residual; and the methods built on them
 * warn once (a ConvergenceWarning through process.emitWarning) when a solve did not converge.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";
import { minimizeLbfgs, Objective } from "../../src/optim/lbfgs";
import { solveBoxSumQP } from "../../src/optim/qp";
import { topEigen } from "../../src/linalg/topEigen";
import { LogisticRegression } from "../../src/classifiers/logisticRegression";
import { KMM } from "../../src/instance/kmm";
import { TCA } from "../../src/feature/tca";
import { ConvergenceWarning, resetConvergenceWarnings, TransferlabError, warnIfNotConverged } from "../../src/errors";

beforeAll(async () => {
  await useBestBackend({ quiet: true, prefer: "wasm" });
});
beforeEach(() => resetConvergenceWarnings());

/** ½‖x − c‖², optionally rounded to float32 as a TF objective would be */
function quadratic(c: number[], float32: boolean): Objective {
  const r = float32 ? Math.fround : (v: number) => v;
  return async (x) => {
    let value = 0;
    const gradient = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const d = r(x[i] - c[i]);
      value = r(value + r(0.5 * d * d));
      gradient[i] = d;
    }
    return { value: r(1000 + value), gradient };
  };
}

/** Rosenbrock's valley: many iterations needed */
const rosenbrock: Objective = async (x) => {
  const [a, b] = [x[0], x[1]];
  return { value: (1 - a) ** 2 + 100 * (b - a * a) ** 2, gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]) };
};

describe("L-BFGS", () => {
  test("converged: the gradient test met", async () => {
    const r = await minimizeLbfgs(quadratic([1, -2, 3], false), new Float64Array(3), { maxIterations: 50, tolerance: 1e-8 });
    expect(r.status).toBe("converged");
    expect(r.converged).toBe(true);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-8);
    expect(r.residual).toBe(r.gradientNorm);
  });

  test("stalled: a float32 objective shows no decrease long before a 1e-12 gradient: converged is false", async () => {
    const r = await minimizeLbfgs(quadratic([1.1, -2.3, 3.7], true), Float64Array.from([50, 50, 50]), { maxIterations: 200, tolerance: 1e-12 });
    expect(r.status).toBe("stalled");
    expect(r.converged).toBe(false);
    expect(r.iterations).toBeLessThan(200);
    expect(r.gradientNorm).toBeGreaterThan(1e-12);
  });

  test("iteration-limit: Rosenbrock in 3 iterations", async () => {
    const r = await minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3, tolerance: 1e-8 });
    expect(r.status).toBe("iteration-limit");
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.gradientNorm).toBeGreaterThan(1e-8);
  });
});

describe("the box-sum QP", () => {
  function kmmLike(n: number) {
    const rng = new Random(3);
    const xs = Array.from({ length: n }, () => rng.uniform(-2, 2));
    const xt = Array.from({ length: n }, () => rng.uniform(-1, 1) + 1);
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = Math.exp(-0.5 * (xs[i] - xs[j]) ** 2);
    const kappa = Float64Array.from(xs, (a) => xt.reduce((s, b) => s + Math.exp(-0.5 * (a - b) ** 2), 0));
    return { K, kappa, upper: 10, sumLower: n * 0.9, sumUpper: n * 1.1 };
  }
  test("converged: the certified relative gap under the tolerance", () => {
    const r = solveBoxSumQP(kmmLike(60), { tolerance: 1e-8 });
    expect(r.status).toBe("converged");
    expect(r.residual).toBeLessThanOrEqual(1e-8);
  });
  test("iteration-limit: one iteration", () => {
    const r = solveBoxSumQP(kmmLike(60), { tolerance: 1e-12, maxIterations: 1 });
    expect(r.status).toBe("iteration-limit");
    expect(r.converged).toBe(false);
    expect(r.residual).toBeGreaterThan(1e-12);
  });
});

describe("block Lanczos (topEigen)", () => {
  const n = 300;
  let A: tf.Tensor2D;
  beforeAll(() => {
    const rng = new Random(2);
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.next() - 0.5;
    A = tf.tensor2d(a, [n, n]);
  });
  afterAll(() => A.dispose());
  const solve = (tol: number, maxIterations = 100) => {
    const r = topEigen({ size: n, apply: (V) => tf.matMul(A, V) }, 4, { tol, maxIterations });
    r.vectors.dispose();
    return r;
  };

  test("converged at tol 1e-5", () => {
    const r = solve(1e-5);
    expect(r.status).toBe("converged");
    expect(r.converged).toBe(true);
    expect(r.residual).toBeLessThanOrEqual(1e-5);
  });

  test("stalled at tol 1e-6: the float32 floor (~2e-6) reached, which is not convergence", () => {
    const r = solve(1e-6);
    expect(r.status).toBe("stalled");
    expect(r.converged).toBe(false);
    expect(r.precisionLimited).toBe(true);
    expect(r.residual).toBeGreaterThan(1e-6);
    expect(r.residual).toBeLessThanOrEqual(1e-5);
  });

  test("iteration-limit with 2 restarts", () => {
    const r = solve(1e-5, 2);
    expect(r.status).toBe("iteration-limit");
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(2);
  });
});

describe("methods warn once when a solve did not converge", () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());
  /** the ConvergenceWarning messages emitted */
  const warnings = () => warn.mock.calls.filter((c) => c[1] === "ConvergenceWarning").map((c) => String(c[0]));

  test("LogisticRegression: iteration limit, reported in fitInfo and warned once over two fits", async () => {
    const rng = new Random(1);
    const X = tf.tensor2d(Array.from({ length: 60 }, (_, i) => [rng.uniform(-1, 1) + (i % 2), rng.uniform(-1, 1)]));
    const y = Int32Array.from({ length: 60 }, (_, i) => i % 2);
    for (let rep = 0; rep < 2; rep++) {
      const clf = await new LogisticRegression({ maxIterations: 1, tolerance: 1e-10 }).fit(X, y);
      expect(clf.fitInfo!.status).toBe("iteration-limit");
      expect(clf.fitInfo!.converged).toBe(false);
    }
    const w = warnings();
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^LogisticRegression: L-BFGS did not converge \(iteration-limit after 1 iterations, gradient norm \d\.\d\de[-+]\d+\)/);
    X.dispose();
  });

  test("LogisticRegression that converges does not warn", async () => {
    const X = tf.tensor2d([[0], [1], [2], [3]]);
    const clf = await new LogisticRegression({ lambda: 1, tolerance: 1e-3 }).fit(X, Int32Array.from([0, 0, 1, 1]));
    expect(clf.fitInfo!.status).toBe("converged");
    expect(warnings()).toHaveLength(0);
    X.dispose();
  });

  test("KMM: the QP's iteration limit", async () => {
    const rng = new Random(4);
    const Xs = tf.tensor2d(Array.from({ length: 40 }, () => [rng.uniform(-2, 2)]));
    const Xt = tf.tensor2d(Array.from({ length: 40 }, () => [rng.uniform(0, 2)]));
    const kmm = new KMM({ maxIterations: 1, tolerance: 1e-14 });
    await kmm.fit(Xs, Xt);
    const w = warnings();
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^KMM: box-sum QP did not converge \(iteration-limit after \d+ iterations, residual /);
    tf.dispose([Xs, Xt]);
  });

  test("TCA: block Lanczos below the float32 floor stalls, warned once for two fits", async () => {
    const rng = new Random(5);
    const Xs = tf.tensor2d(Array.from({ length: 80 }, () => Array.from({ length: 20 }, () => rng.uniform(0, 1))));
    const Xt = tf.tensor2d(Array.from({ length: 80 }, () => Array.from({ length: 20 }, () => rng.uniform(0.2, 1.2))));
    const ys = Int32Array.from({ length: 80 }, (_, i) => i % 3);
    for (let rep = 0; rep < 2; rep++) await new TCA({ dim: 5, tol: 1e-9 }).fitPredict(Xs, ys, Xt);
    const w = warnings();
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^transfer components \(TCA\/JDA\/TJM\): block Lanczos did not converge \((stalled|iteration-limit) after /);
    tf.dispose([Xs, Xt]);
  });
});

test("warnIfNotConverged returns the typed warning once, and nothing for a converged solve", () => {
  const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  resetConvergenceWarnings();
  expect(warnIfNotConverged("X", "L-BFGS", { status: "converged", residual: 0, iterations: 3 })).toBeNull();
  const w = warnIfNotConverged("X", "L-BFGS", { status: "stalled", residual: 2e-4, iterations: 8 });
  expect(w).toBeInstanceOf(ConvergenceWarning);
  expect(w).toBeInstanceOf(TransferlabError);
  expect([w!.where, w!.solver, w!.status, w!.residual, w!.iterations]).toEqual(["X", "L-BFGS", "stalled", 2e-4, 8]);
  expect(warnIfNotConverged("X", "L-BFGS", { status: "stalled", residual: 1e-4, iterations: 9 })).toBeNull();
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn).toHaveBeenCalledWith("X: L-BFGS did not converge (stalled after 8 iterations, gradient norm 2.00e-4); results may be inaccurate", "ConvergenceWarning");
  warn.mockRestore();
});
