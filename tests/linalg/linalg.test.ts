/**
 * The linear algebra of src/linalg against analytic cases, float64 dense solutions and random matrices:
 * relative residuals ‖Aw − λBw‖ / ‖A‖ ≤ 1e-6, and the same subspaces as the float64 dense solver.
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../../src/backend";
import { Random } from "../../src/random";
import {
  NotPositiveDefiniteError, cholesky, dense, denseSpdFactor, diagonalPlusLowRank, generalizedEigs, generalizedSymmetricEigs,
  matMul, solveLower, solveLowerTransposed, solveSpd, solveUpper, sqrtm, symmetricEigen, symmetricEigenSelected, symmetricEigs, topEigen,
  transpose,
} from "../../src/linalg";
import { frobenius, randomMatrix, randomSpd, randomSymmetric, relativeResidual, subspaceCosines, withSpectrum } from "./helpers";

beforeAll(async () => {
  await useBestBackend({ quiet: true });
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe("Cholesky and triangular solves", () => {
  it("factors an analytic SPD matrix exactly", () => {
    // [[4,12,−16],[12,37,−43],[−16,−43,98]] = L Lᵀ with L = [[2,0,0],[6,1,0],[−8,5,3]]
    const A = dense(3, 3, Float64Array.from([4, 12, -16, 12, 37, -43, -16, -43, 98]));
    const { L, ridge } = cholesky(A);
    expect(ridge).toBe(0);
    expect(maxAbsDiff(L.data, [2, 0, 0, 6, 1, 0, -8, 5, 3])).toBeLessThan(1e-14);
  });

  it("solves triangular and SPD systems to float64 precision", () => {
    const rng = new Random(3);
    const A = randomSpd(rng, 60);
    const B = randomMatrix(rng, 60, 4);
    const { L } = cholesky(A);
    expect(maxAbsDiff(matMul(L, solveLower(L, B)).data, B.data)).toBeLessThan(1e-10);
    expect(maxAbsDiff(matMul(transpose(L), solveLowerTransposed(L, B)).data, B.data)).toBeLessThan(1e-10);
    const U = transpose(L);
    expect(maxAbsDiff(matMul(U, solveUpper(U, B)).data, B.data)).toBeLessThan(1e-10);
    const X = solveSpd(A, B);
    expect(maxAbsDiff(matMul(A, X).data, B.data)).toBeLessThan(1e-10);
  });

  it("names the argument when the matrix is not positive definite, and regularises on request with a warning", () => {
    const S = dense(2, 2, Float64Array.from([1, 2, 2, 1])); // eigenvalues 3, −1
    expect(() => cholesky(S, { argName: "B" })).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(S, { argName: "B" })).toThrow(/B is not positive definite/);
    const singular = dense(2, 2, Float64Array.from([1, 1, 1, 1]));
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const { L, ridge } = cholesky(singular, { regularize: true, argName: "B" });
    expect(ridge).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/B is singular or indefinite.*B \+/));
    warn.mockRestore();
    expect(Array.from(L.data).every(Number.isFinite)).toBe(true);
  });

  it("rejects non-square and non-finite input, naming it", () => {
    expect(() => cholesky(dense(2, 3))).toThrow(/A must be square, got 2×3/);
    expect(() => cholesky(dense(2, 2, Float64Array.from([1, NaN, NaN, 1])))).toThrow(/non-finite value \(NaN\) at row 0, column 1/);
  });
});

describe("symmetricEigen (float64, complete)", () => {
  it("gets an analytic 2×2 and a diagonal matrix exactly", () => {
    const { values, vectors } = symmetricEigen(dense(2, 2, Float64Array.from([2, 1, 1, 2])));
    expect(maxAbsDiff(values, [1, 3])).toBeLessThan(1e-14);
    expect(Math.abs(Math.abs(vectors!.data[0]) - Math.SQRT1_2)).toBeLessThan(1e-14);
    const D = symmetricEigen(dense(3, 3, Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2])));
    expect(Array.from(D.values)).toEqual([-1, 2, 5]);
  });

  it("decomposes a random symmetric matrix: A V = V Λ, VᵀV = I", () => {
    const A = randomSymmetric(new Random(1), 80);
    const { values, vectors } = symmetricEigen(A);
    const V = vectors!;
    const AV = matMul(A, V);
    const VL = dense(80, 80);
    for (let i = 0; i < 80; i++) for (let j = 0; j < 80; j++) VL.data[i * 80 + j] = V.data[i * 80 + j] * values[j];
    expect(maxAbsDiff(AV.data, VL.data) / frobenius(A)).toBeLessThan(1e-13);
    const VtV = matMul(transpose(V), V);
    for (let i = 0; i < 80; i++) VtV.data[i * 80 + i] -= 1;
    expect(frobenius(VtV)).toBeLessThan(1e-12);
    for (let i = 1; i < 80; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  });

  it("symmetricEigenSelected (inverse iteration on the tridiagonal form) gives the same pairs, clusters included", () => {
    const rng = new Random(21);
    const random = randomSymmetric(rng, 120);
    // 30 equal eigenvalues and 5 within 1e-9 of them: inverse iteration must reorthogonalise within the cluster
    const clustered = withSpectrum(rng, Array.from({ length: 90 }, (_, i) => (i < 30 ? 5 : i < 35 ? 5 + 1e-9 * i : i / 90))).A;
    for (const A of [random, clustered]) {
      const n = A.rows;
      const full = symmetricEigen(A).values;
      for (const which of ["largest", "smallest"] as const) {
        const { values, vectors, range } = symmetricEigenSelected(A, 40, which);
        const expected = which === "largest" ? Array.from(full).reverse().slice(0, 40) : Array.from(full).slice(0, 40);
        expect(maxAbsDiff(values, expected)).toBeLessThan(1e-12 * Math.abs(full[n - 1]));
        expect(range).toEqual([full[0], full[n - 1]]);
        expect(relativeResidual(A, null, values, vectors)).toBeLessThan(1e-13);
        const G = matMul(transpose(vectors), vectors);
        for (let i = 0; i < 40; i++) G.data[i * 40 + i] -= 1;
        expect(frobenius(G)).toBeLessThan(1e-10);
      }
    }
  });

  it("handles repeated eigenvalues (the identity) and 1×1", () => {
    const I = dense(4, 4);
    for (let i = 0; i < 4; i++) I.data[i * 5] = 1;
    expect(Array.from(symmetricEigen(I).values)).toEqual([1, 1, 1, 1]);
    expect(Array.from(symmetricEigen(dense(1, 1, Float64Array.from([7]))).values)).toEqual([7]);
  });
});

describe("top-k eigenpairs by block Lanczos (float32 on the TF backend)", () => {
  const rng = new Random(7);
  // 400 eigenvalues: a decaying spectrum with clear but not large gaps at the top
  const spectrum = Array.from({ length: 400 }, (_, i) => 10 / (1 + 0.15 * i) + 0.01 * Math.sin(i));
  const { A, Q } = withSpectrum(rng, spectrum);

  it("finds the 12 largest eigenpairs: the exact values and the same subspace as the float64 dense solver", () => {
    const lanczos = symmetricEigs(A, 12, { denseLimit: 0, refine: 1 });
    const exact = symmetricEigs(A, 12, { denseLimit: 1000 });
    expect(lanczos.method).toBe("lanczos");
    expect(exact.method).toBe("dense64");
    const sorted = [...spectrum].sort((a, b) => b - a).slice(0, 12);
    expect(maxAbsDiff(lanczos.values, sorted)).toBeLessThan(1e-6 * sorted[0]);
    expect(relativeResidual(A, null, lanczos.values, lanczos.vectors)).toBeLessThan(1e-6);
    const cosines = subspaceCosines(lanczos.vectors, exact.vectors);
    expect(Math.min(...cosines)).toBeGreaterThan(1 - 1e-8);
    // the analytic eigenvectors are the first 12 columns of Q
    const Q12 = dense(400, 12);
    for (let i = 0; i < 400; i++) for (let c = 0; c < 12; c++) Q12.data[i * 12 + c] = Q.data[i * 400 + c];
    expect(Math.min(...subspaceCosines(lanczos.vectors, Q12))).toBeGreaterThan(1 - 1e-8);
  });

  it("finds the smallest eigenpairs too (of −A, whose bottom is A's top)", () => {
    const negA = dense(400, 400, A.data.map((v) => -v));
    const r = symmetricEigs(negA, 5, { which: "smallest", denseLimit: 0, refine: 1 });
    expect(r.converged).toBe(true);
    const sorted = spectrum.map((v) => -v).sort((a, b) => a - b).slice(0, 5);
    expect(maxAbsDiff(r.values, sorted)).toBeLessThan(1e-6 * Math.max(...spectrum));
    expect(relativeResidual(negA, null, r.values, r.vectors)).toBeLessThan(1e-6);
  });

  it("says so (converged: false, and a warning) when the iteration limit comes first", () => {
    // the bottom of this spectrum is a cluster (relative gaps ~1e-5): Lanczos without shift-invert crawls there
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const r = symmetricEigs(A, 5, { which: "smallest", denseLimit: 0, maxIterations: 3, refine: 0 });
    expect(r.converged).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^symmetricEigs: block Lanczos did not converge \(iteration-limit after 3 iterations, residual /), "ConvergenceWarning");
    warn.mockRestore();
  });

  it("converges on a random symmetric (Wigner) matrix, the hard case of clustered edge eigenvalues", () => {
    const W = randomSymmetric(new Random(2), 300);
    const r = symmetricEigs(W, 10, { denseLimit: 0, refine: 2 });
    const exact = symmetricEigen(W, { vectors: false }).values;
    const top = Array.from(exact).reverse().slice(0, 10);
    expect(maxAbsDiff(r.values, top)).toBeLessThan(1e-6 * top[0]);
    expect(relativeResidual(W, null, r.values, r.vectors)).toBeLessThan(1e-6);
  });

  it("holds no tensors after it returns (memory stays flat)", () => {
    const At = tf.tensor2d(Float32Array.from(A.data), [400, 400]);
    const before = tf.memory().numTensors;
    for (let rep = 0; rep < 3; rep++) {
      const r = topEigen({ size: 400, apply: (V) => tf.matMul(At, V) }, 8, { seed: rep });
      expect(r.converged).toBe(true);
      r.vectors.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    At.dispose();
  });

  it("rejects a k larger than the matrix and an asymmetric matrix", () => {
    expect(() => symmetricEigs(dense(3, 3), 4)).toThrow(/k = 4 eigenpairs asked of a 3×3 matrix/);
    expect(() => symmetricEigs(dense(2, 2, Float64Array.from([1, 2, 3, 1])), 1)).toThrow(/A must be symmetric/);
  });
});

describe("the symmetric-definite generalised eigenproblem A w = λ B w", () => {
  it("solves an analytic diagonal pencil (λ = aᵢ / bᵢ)", () => {
    const n = 250;
    const A = dense(n, n), B = dense(n, n);
    for (let i = 0; i < n; i++) {
      A.data[i * n + i] = i + 1;
      B.data[i * n + i] = 1 + (i % 7);
    }
    const ratios = Array.from({ length: n }, (_, i) => (i + 1) / (1 + (i % 7))).sort((a, b) => b - a);
    const r = generalizedSymmetricEigs(A, B, 6, { denseLimit: 0, refine: 2 });
    expect(r.method).toBe("lanczos");
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.values, ratios.slice(0, 6))).toBeLessThan(1e-6 * ratios[0]);
    expect(relativeResidual(A, B, r.values, r.vectors)).toBeLessThan(1e-6);
  });

  it("matches the float64 dense solver on a random pencil, largest and smallest, with B-orthonormal vectors", () => {
    const rng = new Random(11);
    const n = 260;
    const A = randomSymmetric(rng, n);
    const B = randomSpd(rng, n, 1);
    for (const which of ["largest", "smallest"] as const) {
      const fast = generalizedSymmetricEigs(A, B, 8, { which, denseLimit: 0, refine: 2 });
      const exact = generalizedSymmetricEigs(A, B, 8, { which, denseLimit: 1000 });
      expect(exact.method).toBe("dense64");
      expect(relativeResidual(A, B, exact.values, exact.vectors)).toBeLessThan(1e-12);
      expect(relativeResidual(A, B, fast.values, fast.vectors)).toBeLessThan(1e-6);
      expect(maxAbsDiff(fast.values, exact.values)).toBeLessThan(1e-6 * Math.abs(exact.values[0]));
      expect(Math.min(...subspaceCosines(fast.vectors, exact.vectors, B))).toBeGreaterThan(1 - 1e-6);
      // wᵀ B w = 1
      const WtBW = matMul(transpose(fast.vectors), matMul(B, fast.vectors));
      for (let c = 0; c < 8; c++) expect(Math.abs(WtBW.data[c * 8 + c] - 1)).toBeLessThan(1e-6);
    }
  });

  it("falls back to a regularised B with a warning when B is singular, never NaN", () => {
    const rng = new Random(5);
    const n = 40;
    const A = randomSymmetric(rng, n);
    const G = randomMatrix(rng, n, 10);
    const B = matMul(G, transpose(G)); // rank 10
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const r = generalizedSymmetricEigs(A, B, 3);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/B is singular or indefinite/));
    warn.mockRestore();
    expect(Array.from(r.values).every(Number.isFinite)).toBe(true);
    expect(Array.from(r.vectors.data).every(Number.isFinite)).toBe(true);
  });

  it("diagonal-plus-low-rank and dense SPD factors: F Fᵀ = M, so F⁻ᵀ F⁻¹ inverts M", () => {
    const rng = new Random(9);
    const n = 300, r = 3;
    const d = Float64Array.from({ length: n }, () => 0.5 + rng.next());
    const W = randomMatrix(rng, n, r);
    const M = matMul(W, transpose(W));
    for (let i = 0; i < n; i++) M.data[i * n + i] += d[i];
    const V = randomMatrix(rng, n, 5);
    const Vt = tf.tensor2d(Float32Array.from(V.data), [n, 5]);
    for (const factor of [diagonalPlusLowRank(d, W), denseSpdFactor(M)]) {
      // M · F⁻ᵀ F⁻¹ V = V
      const X = tf.tidy(() => factor.solveTransposed(factor.solve(Vt)));
      const MX = matMul(M, dense(n, 5, Float64Array.from(X.dataSync())));
      expect(maxAbsDiff(MX.data, V.data) / Math.max(...Array.from(V.data, Math.abs))).toBeLessThan(1e-4);
      // Fᵀ F⁻ᵀ V = V
      const Y = tf.tidy(() => factor.multiplyTransposed(factor.solveTransposed(Vt)));
      expect(maxAbsDiff(Y.dataSync(), V.data) / Math.max(...Array.from(V.data, Math.abs))).toBeLessThan(1e-4);
      tf.dispose([X, Y]);
      factor.dispose();
    }
    Vt.dispose();
  });

  it("generalizedEigs on a structured metric equals the dense solution", () => {
    const rng = new Random(13);
    const n = 220, r = 2;
    const A = randomSpd(rng, n, 0);
    const d = Float64Array.from({ length: n }, () => 1 + rng.next());
    const W = randomMatrix(rng, n, r);
    const M = matMul(W, transpose(W));
    for (let i = 0; i < n; i++) M.data[i * n + i] += d[i];
    const At = tf.tensor2d(Float32Array.from(A.data), [n, n]);
    const metric = diagonalPlusLowRank(d, W);
    const fast = generalizedEigs({ size: n, apply: (V) => tf.matMul(At, V) }, metric, 6, { tol: 1e-6 });
    const exact = generalizedSymmetricEigs(A, M, 6, { denseLimit: 1000 });
    expect(maxAbsDiff(fast.values, exact.values)).toBeLessThan(1e-5 * exact.values[0]);
    const Wf = dense(n, 6, Float64Array.from(fast.vectors.dataSync()));
    expect(Math.min(...subspaceCosines(Wf, exact.vectors, M))).toBeGreaterThan(1 - 1e-5);
    tf.dispose([At, fast.vectors]);
    metric.dispose();
  });
});

describe("sqrtm", () => {
  for (const n of [30, 150]) {
    it(`A^{1/2}·A^{1/2} = A and A^{1/2}·A^{-1/2} = I (n = ${n}${n <= 64 ? ", float64 path" : ", Newton–Schulz"})`, () => {
      const rng = new Random(n);
      const A = randomSpd(rng, n, 1);
      const At = tf.tensor2d(Float32Array.from(A.data), [n, n]);
      const { sqrt, invSqrt } = sqrtm(At);
      const S = dense(n, n, Float64Array.from(sqrt.dataSync()));
      const Si = dense(n, n, Float64Array.from(invSqrt.dataSync()));
      const SS = matMul(S, S);
      expect(maxAbsDiff(SS.data, A.data) / frobenius(A)).toBeLessThan(1e-5);
      const I = matMul(S, Si);
      for (let i = 0; i < n; i++) I.data[i * n + i] -= 1;
      expect(frobenius(I) / Math.sqrt(n)).toBeLessThan(1e-5);
      tf.dispose([At, sqrt, invSqrt]);
    });
  }

  it("the scaled iteration (a known lower bound on λ_min) gives the same roots in fewer steps", () => {
    const n = 120;
    const rng = new Random(7);
    const A = randomSpd(rng, n, 1);
    const lowest = symmetricEigen(A, { vectors: false }).values[0];
    const At = tf.tensor2d(Float32Array.from(A.data), [n, n]);
    const plain = sqrtm(At);
    const scaled = sqrtm(At, { lowerBound: 0.99 * lowest });
    expect(scaled.iterations).toBeLessThan(plain.iterations);
    const a = plain.sqrt.dataSync(), b = scaled.sqrt.dataSync();
    const ai = plain.invSqrt.dataSync(), bi = scaled.invSqrt.dataSync();
    let diff = 0, norm = 0, diffi = 0, normi = 0;
    for (let i = 0; i < n * n; i++) { diff += (a[i] - b[i]) ** 2; norm += a[i] ** 2; diffi += (ai[i] - bi[i]) ** 2; normi += ai[i] ** 2; }
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-5);
    expect(Math.sqrt(diffi / normi)).toBeLessThan(1e-5);
    expect(() => sqrtm(At, { lowerBound: -1 })).toThrow(/lowerBound must be a number ≥ 0/);
    tf.dispose([At, plain.sqrt, plain.invSqrt, scaled.sqrt, scaled.invSqrt]);
  });

  it("rejects a matrix that is not positive definite", () => {
    const A = tf.tensor2d([[1, 2], [2, 1]]);
    expect(() => sqrtm(A)).toThrow(/not positive definite/);
    A.dispose();
  });
});
