/**
 * Transfer Component Analysis (Pan, Tsang, Kwok & Yang, "Domain Adaptation via Transfer Component Analysis",
 * IEEE TNN 2011): a projection of both domains in which the MMD between them is small while the data keep
 * their variance — the lecture's feature-based method with MMD as the measure.
 */
import * as tf from "../tf";
import { AdaptData, isAdaptData, readAdaptData } from "../adapter";
import { InvalidOptionError } from "../errors";
import { KernelKind, checkKernelKind, kernelMatrix } from "../kernels";
import { checkOptions, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { FeatureAdapter, LearnerOption, checkComponentOptions, checkDim, checkLinearRank, checkDomains, checkSourceLabels, rowCount, splitRows } from "./adapter";
import { marginalMmd } from "./mmdMatrix";
import { ComponentSolver, unitRows } from "./transferComponents";
import { KernelRows, checkExactFits } from "./kernelRows";
import { nystromFeatures } from "./nystrom";

export interface TCAOptions {
  /** "primal" (default: the features themselves, the problem is d × d), "linear" or "rbf" (n × n) */
  kernel?: KernelKind;
  /** number of transfer components; default 30 */
  dim?: number;
  /** ridge λ on the components (trades MMD against their norm); default 1 */
  lambda?: number;
  /** RBF coefficient γ in exp(−γ‖x−y‖²) on the unit-length samples; default 1 / number of features */
  gamma?: number;
  /** base learner of `fitPredict`; default 1-NN */
  learner?: LearnerOption;
  /** block Lanczos tolerance (relative residual); default 3e-6 */
  tol?: number;
  /** seed of the eigensolver's start block (and of the landmarks' draw); default 0 */
  seed?: number;
  /**
   * "linear"/"rbf" only: m > 0 approximates the n × n kernel by m landmark samples (Nyström; memory O(n m)
   * instead of n²); m ≥ n falls back to the exact problem with a note. Default 0: exact
   */
  landmarks?: number;
  /** bytes the exact kernel problem may use (default: free memory, ≤ the wasm heap); beyond it fit throws before allocating */
  memoryLimit?: number;
}

export const TCA_DEFAULTS = {
  kernel: "primal" as KernelKind,
  dim: 30,
  lambda: 1,
  gamma: undefined as number | undefined,
  learner: undefined as LearnerOption | undefined,
  tol: 3e-6,
  seed: 0,
  landmarks: 0,
  memoryLimit: undefined as number | undefined,
};

/** Samples up to which a kernel problem squares Φ = K once (fast for JDA's repeated solves); beyond, K is held as row blocks. */
const DENSE_KERNEL_LIMIT = 3000;

/** How the kernel problem of n samples is solved: decided (and refused) before anything is allocated. */
export interface KernelPlan {
  mode: "primal" | "dense" | "rows" | "landmarks";
  /** what happened instead of what was asked, e.g. landmarks ≥ n */
  note: string | null;
}

export function planKernel(where: string, kernel: KernelKind, n: number, landmarks: number, memoryLimit: number | undefined): KernelPlan {
  if (!(Number.isInteger(landmarks) && landmarks >= 0)) throw new Error(`${where}: option "landmarks" must be an integer ≥ 0 (0: exact), got ${landmarks}`);
  if (memoryLimit !== undefined && !(memoryLimit > 0)) throw new Error(`${where}: option "memoryLimit" must be a number of bytes > 0, got ${memoryLimit}`);
  if (kernel === "primal") {
    if (landmarks > 0) throw new Error(`${where}: option "landmarks" approximates a kernel matrix; kernel "primal" has none (use kernel: "linear" or "rbf")`);
    return { mode: "primal", note: null };
  }
  let note: string | null = null;
  if (landmarks > 0 && landmarks < n) return { mode: "landmarks", note: null };
  if (landmarks >= n) {
    note = `${where}: landmarks = ${landmarks} ≥ n = ${n} samples: solved the exact kernel problem instead`;
    console.warn(note);
  }
  checkExactFits(where, n, memoryLimit);
  return { mode: n <= DENSE_KERNEL_LIMIT ? "dense" : "rows", note };
}

/** The component solver for the stacked unit-length rows X under `plan`; `p` is the dimension of the components. */
export function makeComponentSolver(plan: KernelPlan, kernel: KernelKind, X: tf.Tensor2D, gamma: number | undefined, landmarks: number, tol: number, seed: number): ComponentSolver {
  if (plan.mode === "landmarks") {
    const { Psi } = nystromFeatures(kernel as "linear" | "rbf", X, gamma, landmarks, seed);
    return new ComponentSolver(Psi, { tol, seed });
  }
  if (plan.mode === "rows") return new ComponentSolver(KernelRows.build(kernel as "linear" | "rbf", X, gamma), { tol, seed });
  return new ComponentSolver(featureMap(kernel, X, gamma), { tol, seed });
}

/**
 * Φ for the stacked unit-length samples X (n × d): X itself ("primal") or the n × n kernel matrix.
 * The caller owns the result.
 */
export function featureMap(kernel: KernelKind, X: tf.Tensor2D, gamma: number | undefined): tf.Tensor2D {
  if (kernel === "primal") return tf.clone(X);
  return kernelMatrix(kernel, X, undefined, { gamma });
}

/**
 * The stacked unit-length rows X and their component solver under `plan`, checking that the components' space
 * holds `dim` of them; on error nothing is left allocated. The caller disposes both.
 */
export function solverFor(where: string, plan: KernelPlan, kernel: KernelKind, domains: { Xs: tf.Tensor2D; Xt: tf.Tensor2D }, gamma: number | undefined,
  landmarks: number, tol: number, seed: number, dim: number): { X: tf.Tensor2D; solver: ComponentSolver } {
  const X = stackUnitRows(domains.Xs, domains.Xt);
  let solver: ComponentSolver;
  try {
    solver = makeComponentSolver(plan, kernel, X, gamma, landmarks, tol, seed);
  } catch (e) {
    X.dispose();
    throw e;
  }
  if (dim > solver.p) {
    solver.dispose();
    X.dispose();
    throw new InvalidOptionError(`${where}: dim = ${dim} but the ${landmarks} landmarks span only ${solver.p} directions; use dim ≤ ${solver.p} or more landmarks`);
  }
  return { X, solver };
}

/** The stacked samples [Xs; Xt], each row scaled to unit length (the reference protocol's first step). */
export function stackUnitRows(Xs: tf.Tensor2D, Xt: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => unitRows(tf.concat([Xs, Xt], 0) as tf.Tensor2D));
}

/**
 * TCA: (K M Kᵀ + λI) a = φ K H Kᵀ a, the `dim` eigenvectors of smallest φ (solved as the largest μ = 1/φ of the
 * symmetric-definite pencil, see transferComponents.ts), each of unit norm; the projected samples Z = Kᵀ A are
 * scaled to unit length. Reproduces the reference code's steps (samples scaled to unit norm first, M divided by
 * its Frobenius norm).
 *
 * ```ts
 * const tca = new tl.TCA({ dim: 30, lambda: 1 });
 * await tca.fit(Xs, Xt);
 * const Zs = tca.transformSource(), Zt = tca.transformTarget();
 * ```
 */
export class TCA extends FeatureAdapter {
  protected readonly name = "TCA";
  readonly options: typeof TCA_DEFAULTS;
  /** μ = 1/φ of the components, descending (variance kept per unit of MMD + λ‖a‖²) */
  eigenvalues: Float64Array = new Float64Array(0);
  /** the components A (p × dim, unit columns; p = features for "primal", samples for kernels, landmark directions with `landmarks`), after fit */
  components: Float32Array = new Float32Array(0);
  /** how the last fit solved its kernel problem, and any fallback it took (e.g. landmarks ≥ n) */
  plan: KernelPlan | null = null;
  /** block Lanczos restarts of the last fit */
  solverRestarts = 0;

  constructor(options?: TCAOptions) {
    super();
    this.options = checkOptions("TCA", options, TCA_DEFAULTS);
    checkKernelKind(this.options.kernel, "TCA: option \"kernel\"");
    checkComponentOptions("TCA", this.options.dim, this.options.lambda);
    requirePositive("TCA", "tol", this.options.tol);
    if (this.options.gamma !== undefined) requirePositive("TCA", "gamma", this.options.gamma);
  }

  protected learnerOption(): LearnerOption | undefined {
    return this.options.learner;
  }

  /** Learns the transfer components from both domains (no labels; `data.source.y` is kept for `predict`). */
  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, Xt } = readAdaptData("TCA.fit", args, ["Xs", "Xt"], ["Xs", "Xt"]);
    const ys = isAdaptData(args[0]) ? args[0].source?.y : undefined;
    this.sourceLabels = ys === undefined ? null : checkSourceLabels("TCA.fit", ys, rowCount(Xs, "Xs")).labels;
    const { kernel, dim, lambda, gamma, tol, seed, landmarks, memoryLimit } = this.options;
    const domains = checkDomains("TCA.fit", Xs, Xt);
    try {
      const ns = domains.Xs.shape[0], nt = domains.Xt.shape[0], d = domains.Xs.shape[1];
      checkDim("TCA.fit", dim, nt, kernel === "primal" ? d : ns + nt, kernel === "primal" ? "the features" : "the samples");
      checkLinearRank("TCA.fit", kernel, dim, d);
      this.plan = planKernel("TCA.fit", kernel, ns + nt, landmarks, memoryLimit);
      const { X, solver } = solverFor("TCA.fit", this.plan, kernel, domains, gamma, landmarks, tol, seed, dim);
      try {
        const sol = solver.solve(marginalMmd(ns, nt), lambda, dim);
        this.solverRestarts = sol.iterations;
        this.eigenvalues = sol.mu;
        this.components = Float32Array.from(await sol.A.data());
        await this.keepProjection(this.plan, kernel, gamma, X, sol.A);
        sol.A.dispose();
        const [Zs, Zt] = splitRows(sol.Z, ns);
        sol.Z.dispose();
        await this.setResult(Zs, Zt);
      } finally {
        solver.dispose();
        X.dispose();
      }
      return this;
    } finally {
      domains.release();
    }
  }

  /** fit, then the base learner trained on the transformed source labels the transformed target. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt } = readAdaptData("TCA.fitPredict", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    const { labels } = checkSourceLabels("TCA.fitPredict", ys!, rowCount(Xs, "Xs"));
    await this.fit(Xs, Xt);
    this.sourceLabels = labels;
    return this.predictTarget(this.options.learner, labels);
  }
}
