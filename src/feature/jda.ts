/**
 * Joint Distribution Adaptation (Long, Wang, Ding, Sun & Yu, "Transfer Feature Learning with Joint
 * Distribution Adaptation", ICCV 2013): TCA's marginal MMD plus one class-conditional MMD per class, the
 * target's classes taken from pseudo-labels that the base learner refreshes every round.
 */
import * as tf from "../tf";
import { AdaptData, readAdaptData } from "../adapter";
import { KernelKind, checkKernelKind } from "../kernels";
import { checkOptions, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { accuracy } from "../metrics/accuracy";
import {
  FeatureAdapter, LearnerOption, ITERATIVE_COMPONENT_DEFAULTS, IterativeComponentOptions, checkComponentOptions, checkDim, checkLinearRank, checkDomains, checkSourceLabels, makeLearner, splitRows,
} from "./adapter";
import { jointMmd } from "./mmdMatrix";
import { KernelPlan, planKernel, solverFor } from "./tca";

export interface JDAOptions extends IterativeComponentOptions {
  /** "primal" (default), "linear" or "rbf" — as TCA */
  kernel?: KernelKind;
  /** ridge λ; default 1 */
  lambda?: number;
  /** "linear"/"rbf" only: m landmark samples (Nyström) instead of the n × n kernel, as TCA; default 0 (exact) */
  landmarks?: number;
  /** bytes the exact kernel problem may use, as TCA */
  memoryLimit?: number;
}

export const JDA_DEFAULTS = { ...ITERATIVE_COMPONENT_DEFAULTS, kernel: "primal" as KernelKind, landmarks: 0, memoryLimit: undefined as number | undefined };

/**
 * JDA: each round solves (K M Kᵀ + λI) a = φ K H Kᵀ a with M = C·M₀ + Σ_c M_c (M₀ the marginal MMD matrix,
 * M_c the class-conditional ones under the current target pseudo-labels; no M_c in round 1, which is TCA),
 * M divided by its Frobenius norm, then labels the target with the base learner trained on the projected
 * source. M₀ is rebuilt from the marginal vector every round, as the paper defines it.
 *
 * `fit(Xs, ys, Xt)` needs the source labels; `pseudoLabels` holds every round's target labels, and
 * `accuracyPerIteration(yt)` scores them when the target labels are known (for plots, not for training).
 */
export class JDA extends FeatureAdapter {
  protected readonly name = "JDA";
  readonly options: typeof JDA_DEFAULTS;
  /** the target pseudo-labels after each round (the last is `fitPredict`'s answer) */
  pseudoLabels: Int32Array[] = [];
  /** μ = 1/φ of the last round's components, descending */
  eigenvalues: Float64Array = new Float64Array(0);
  /** seconds each round took */
  roundSeconds: number[] = [];
  /** where each round's seconds went: the MMD matrix (low-rank, rebuilt from the pseudo-labels), the eigensolve
   * (block Lanczos on the pencil, warm-started from the previous round's components) and the base learner
   * (fit on the projected source, label the target) */
  roundProfile: { mmd: number; solve: number; learner: number; restarts: number }[] = [];
  /** how the last fit solved its kernel problem, and any fallback it took */
  plan: KernelPlan | null = null;

  constructor(options?: JDAOptions) {
    super();
    this.options = checkOptions("JDA", options, JDA_DEFAULTS);
    checkKernelKind(this.options.kernel, "JDA: option \"kernel\"");
    checkComponentOptions("JDA", this.options.dim, this.options.lambda, this.options.iterations);
    requirePositive("JDA", "tol", this.options.tol);
    if (this.options.gamma !== undefined) requirePositive("JDA", "gamma", this.options.gamma);
  }

  protected learnerOption(): LearnerOption | undefined {
    return this.options.learner;
  }

  /** the last round's transfer components A (p × dim, row-major; p = features for "primal", samples for kernels) */
  components: Float32Array = new Float32Array(0);

  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, ys, Xt } = readAdaptData("JDA.fit", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    const { kernel, dim, lambda, gamma, iterations, tol, seed, learner, landmarks, memoryLimit } = this.options;
    const domains = checkDomains("JDA.fit", Xs, Xt);
    try {
      const ns = domains.Xs.shape[0], nt = domains.Xt.shape[0], d = domains.Xs.shape[1];
      const { labels, classes } = checkSourceLabels("JDA.fit", ys!, ns);
      checkDim("JDA.fit", dim, nt, kernel === "primal" ? d : ns + nt, kernel === "primal" ? "the features" : "the samples");
      checkLinearRank("JDA.fit", kernel, dim, d);
      this.plan = planKernel("JDA.fit", kernel, ns + nt, landmarks, memoryLimit);
      const { X, solver } = solverFor("JDA.fit", this.plan, kernel, domains, gamma, landmarks, tol, seed, dim);
      this.pseudoLabels = [];
      this.roundSeconds = [];
      this.roundProfile = [];
      let previous: tf.Tensor2D | undefined;
      try {
        for (let t = 0; t < iterations; t++) {
          const started = Date.now();
          const pseudo = t === 0 ? null : this.pseudoLabels[t - 1];
          const mmd = jointMmd(labels, pseudo, classes, nt);
          const solveStart = Date.now();
          const sol = solver.solve(mmd, lambda, dim, undefined, previous);
          const learnerStart = Date.now();
          previous?.dispose();
          previous = sol.A;
          this.eigenvalues = sol.mu;
          const [Zs, Zt] = splitRows(sol.Z, ns);
          sol.Z.dispose();
          const clf = makeLearner(learner);
          await clf.fit(Zs, labels);
          this.pseudoLabels.push(await clf.predict(Zt));
          await this.setResult(Zs, Zt);
          const end = Date.now();
          this.roundSeconds.push((end - started) / 1000);
          this.roundProfile.push({ mmd: (solveStart - started) / 1000, solve: (learnerStart - solveStart) / 1000, learner: (end - learnerStart) / 1000, restarts: sol.iterations });
        }
        this.components = Float32Array.from(await previous!.data());
        await this.keepProjection(this.plan, kernel, gamma, X, previous!);
        this.sourceLabels = labels;
      } finally {
        previous?.dispose();
        solver.dispose();
        X.dispose();
      }
      return this;
    } finally {
      domains.release();
    }
  }

  /** fit; the last round's pseudo-labels are the prediction. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt } = readAdaptData("JDA.fitPredict", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    await this.fit(Xs, ys!, Xt);
    return this.pseudoLabels[this.pseudoLabels.length - 1];
  }

  /** Accuracy (0..1) of each round's pseudo-labels against the true target labels `yt`. */
  accuracyPerIteration(yt: Labels): number[] {
    if (this.pseudoLabels.length === 0) throw this.notFitted("accuracyPerIteration");
    return this.pseudoLabels.map((p) => accuracy(p, yt));
  }
}
