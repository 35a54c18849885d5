/**
 * Transfer Joint Matching (Long, Wang, Ding, Sun & Yu, "Transfer Joint Matching for Unsupervised Domain
 * Adaptation", CVPR 2014): the lecture's method that matches features and selects instances at once — TCA's
 * MMD matching plus an L2,1-norm on the source rows of the transformation, which drives the rows of
 * irrelevant source samples to zero, i.e. turns those samples down.
 */
import * as tf from "../tf";
import { AdaptData, readAdaptData } from "../adapter";
import { KernelKind, checkKernelKind } from "../kernels";
import { checkOptions, requirePositive } from "../options";
import { Labels, Matrix } from "../tensor";
import { accuracy } from "../metrics/accuracy";
import {
  FeatureAdapter, LearnerOption, ITERATIVE_COMPONENT_DEFAULTS, IterativeComponentOptions, checkComponentOptions, checkDim, checkLinearRank, checkDomains, checkSourceLabels, makeLearner, rowCount, splitRows,
} from "./adapter";
import { marginalMmd } from "./mmdMatrix";
import { featureMap, stackUnitRows } from "./tca";
import { ComponentSolver } from "./transferComponents";

export interface TJMOptions extends IterativeComponentOptions {
  /** "linear" (default) or "rbf": the rows of A must be samples for the instance selection, so not "primal" */
  kernel?: KernelKind;
  /** weight λ of the L2,1 (source rows) + Frobenius (target rows) regulariser; default 1 */
  lambda?: number;
}

export const TJM_DEFAULTS = { ...ITERATIVE_COMPONENT_DEFAULTS, kernel: "linear" as KernelKind };

const EPS = 2 ** -52;

/**
 * TJM: min tr(Aᵀ K M K A) + λ(‖A_s‖₂,₁ + ‖A_t‖²_F) subject to Aᵀ K H K A = I, by the paper's alternation:
 * solve (K M K + λG) a = φ K H K a for the dim smallest φ (as TCA, with G in place of I), then set
 * G_ii = 1 / ‖aⁱ‖ for each source row i (G = I on the target rows: the subgradient of the L2,1 norm), repeat.
 * Eigenvectors are scaled to unit 2-norm before G is updated, as in TCA. `instanceWeights` are the final
 * source row norms ‖aⁱ‖ divided by their mean: near 0 for the samples TJM turned down.
 */
export class TJM extends FeatureAdapter {
  protected readonly name = "TJM";
  readonly options: typeof TJM_DEFAULTS;
  /** ‖aⁱ‖ of each source sample's row of A after the last round, divided by their mean (1 = average) */
  instanceWeights: Float64Array = new Float64Array(0);
  /** target pseudo-labels after each round, filled by `fitPredict` (the paper's per-iteration accuracy; as JDA's) */
  pseudoLabels: Int32Array[] = [];

  constructor(options?: TJMOptions) {
    super();
    this.options = checkOptions("TJM", options, TJM_DEFAULTS);
    checkKernelKind(this.options.kernel, "TJM: option \"kernel\"");
    if (this.options.kernel === "primal") {
      throw new Error('TJM: option "kernel" must be "linear" or "rbf": in the primal form the rows of the transformation are features, not source samples, so there is nothing to select');
    }
    checkComponentOptions("TJM", this.options.dim, this.options.lambda, this.options.iterations);
    requirePositive("TJM", "tol", this.options.tol);
    if (this.options.gamma !== undefined) requirePositive("TJM", "gamma", this.options.gamma);
  }

  /** The alternation, on both domains (no labels). */
  protected learnerOption(): LearnerOption | undefined {
    return this.options.learner;
  }

  async fit(data: AdaptData): Promise<this>;
  async fit(Xs: Matrix, Xt: Matrix): Promise<this>;
  async fit(...args: unknown[]): Promise<this> {
    const { Xs, Xt } = readAdaptData("TJM.fit", args, ["Xs", "Xt"], ["Xs", "Xt"]);
    await this.run(Xs, Xt, null);
    return this;
  }

  /** fit, labelling the target after every round (kept in `pseudoLabels`); returns the last round's labels. */
  async fitPredict(data: AdaptData): Promise<Int32Array>;
  async fitPredict(Xs: Matrix, ys: Labels, Xt: Matrix): Promise<Int32Array>;
  async fitPredict(...args: unknown[]): Promise<Int32Array> {
    const { Xs, ys, Xt } = readAdaptData("TJM.fitPredict", args, ["Xs", "ys", "Xt"], ["Xs", "ys", "Xt"]);
    const { labels } = checkSourceLabels("TJM.fitPredict", ys!, rowCount(Xs, "Xs"));
    await this.run(Xs, Xt, labels);
    return this.pseudoLabels[this.pseudoLabels.length - 1];
  }

  /** Accuracy (0..1) of each round's predictions (after `fitPredict`) against the true target labels. */
  accuracyPerIteration(yt: Labels): number[] {
    if (this.pseudoLabels.length === 0) throw this.notFitted("accuracyPerIteration", "fitPredict");
    return this.pseudoLabels.map((p) => accuracy(p, yt));
  }

  private async run(Xs: Matrix, Xt: Matrix, labels: Int32Array | null): Promise<void> {
    const { kernel, dim, lambda, gamma, iterations, tol, seed, learner } = this.options;
    const where = labels === null ? "TJM.fit" : "TJM.fitPredict";
    const domains = checkDomains(where, Xs, Xt);
    try {
      const ns = domains.Xs.shape[0], nt = domains.Xt.shape[0], n = ns + nt;
      checkDim(where, dim, nt, n, "the samples");
      checkLinearRank(where, kernel, dim, domains.Xs.shape[1]);
      const X = stackUnitRows(domains.Xs, domains.Xt);
      let Phi: tf.Tensor2D;
      try {
        Phi = featureMap(kernel, X, gamma);
      } catch (e) {
        X.dispose();
        throw e;
      }
      const solver = new ComponentSolver(Phi, { tol, seed });
      const mmd = marginalMmd(ns, nt);
      const g = new Float64Array(n).fill(1);
      const rowNorms = new Float64Array(ns);
      this.pseudoLabels = [];
      let previous: tf.Tensor2D | undefined;
      try {
        for (let t = 0; t < iterations; t++) {
          const sol = solver.solve(mmd, lambda, dim, g, previous);
          previous?.dispose();
          previous = sol.A;
          // G_ii = 1/‖aⁱ‖ on the source rows: the L2,1 subgradient (reweighted least squares)
          const norms = tf.tidy(() => sol.A.slice([0, 0], [ns, dim]).square().sum(1).sqrt());
          const a = await norms.data();
          norms.dispose();
          for (let i = 0; i < ns; i++) {
            rowNorms[i] = a[i];
            g[i] = 1 / (a[i] + EPS);
          }
          const [Zs, Zt] = splitRows(sol.Z, ns);
          sol.Z.dispose();
          if (labels !== null) {
            const clf = makeLearner(learner);
            await clf.fit(Zs, labels);
            this.pseudoLabels.push(await clf.predict(Zt));
          }
          await this.setResult(Zs, Zt);
        }
        await this.keepProjection({ mode: "dense" }, kernel, gamma, X, previous!);
        this.sourceLabels = labels;
      } finally {
        previous?.dispose();
        solver.dispose();
        X.dispose();
      }
      let mean = 0;
      for (let i = 0; i < ns; i++) mean += rowNorms[i];
      mean /= ns;
      this.instanceWeights = Float64Array.from(rowNorms, (v) => (mean > 0 ? v / mean : 0));
    } finally {
      domains.release();
    }
  }
}
