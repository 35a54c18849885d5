/**
 * What every feature-based method shares (docs/design.md, "Contract: the algorithm API"): input checks that name the
 * argument, the transformed domains after `fit`, the MMD between them, and `fitPredict` = adapt, then train
 * the base learner (1-NN by default, as the papers) on the transformed source and label the transformed target.
 */
import * as tf from "../tf";
import { Classifier, LearnerOption, requireTwoClasses } from "../classifiers/classifier";
import { OneNearestNeighbor } from "../classifiers/nearestNeighbor";
import { mmd, MmdOptions } from "../metrics/mmd";
import { requireInteger, requirePositive } from "../options";
import { Labels, Matrix, assertFinite, disposeIfCreated, readFloat32, toLabels, toTensor2D } from "../tensor";
import { KernelKind, kernelMatrix } from "../kernels";
import { unitRows } from "./transferComponents";
import { ShapeMismatchError, TransferlabError } from "../errors";
import { BaseAdapter } from "../adapter";
import { InvalidOptionError } from "../errors";

export type { LearnerOption };

/** The options JDA and TJM share: both alternate a component solve with an update, `iterations` times. */
export interface IterativeComponentOptions {
  /** number of components; default 30 */
  dim?: number;
  /** RBF coefficient γ; default 1 / number of features */
  gamma?: number;
  /** rounds of (solve, update); default 10 */
  iterations?: number;
  /** base learner of `fitPredict` (and of JDA's pseudo-labels); default 1-NN */
  learner?: LearnerOption;
  /** block Lanczos tolerance (relative residual); default 3e-6 */
  tol?: number;
  /** seed of the eigensolver's start block; default 0 */
  seed?: number;
}

export const ITERATIVE_COMPONENT_DEFAULTS = {
  dim: 30,
  lambda: 1,
  gamma: undefined as number | undefined,
  iterations: 10,
  learner: undefined as LearnerOption | undefined,
  tol: 3e-6,
  seed: 0,
};

export function makeLearner(learner: LearnerOption | undefined): Classifier {
  if (learner === undefined) return new OneNearestNeighbor();
  if (typeof learner === "function") return learner();
  if (typeof (learner as Classifier).fit !== "function" || typeof (learner as Classifier).predict !== "function") {
    throw new Error("option \"learner\" must be a classifier (with fit and predict) or a function returning one");
  }
  return learner;
}

/** Source and target as tensors, checked: same feature count, finite, non-empty. `release()` frees copies. */
export interface CheckedDomains {
  Xs: tf.Tensor2D;
  Xt: tf.Tensor2D;
  release(): void;
}

export function checkDomains(where: string, Xs: Matrix, Xt: Matrix): CheckedDomains {
  const S = toTensor2D(Xs, "Xs");
  let T: tf.Tensor2D | null = null;
  try {
    T = toTensor2D(Xt, "Xt");
    if (S.shape[1] !== T.shape[1]) {
      throw new Error(`${where}: Xt has ${T.shape[1]} features (columns) but Xs has ${S.shape[1]}; source and target need the same features`);
    }
    if (S.shape[0] === 0) throw new Error(`${where}: Xs has no rows (samples)`);
    if (T.shape[0] === 0) throw new Error(`${where}: Xt has no rows (samples)`);
    assertFinite(S, "Xs");
    assertFinite(T, "Xt");
  } catch (e) {
    disposeIfCreated(S, Xs);
    if (T !== null) disposeIfCreated(T, Xt);
    throw e;
  }
  const target = T;
  return { Xs: S, Xt: target, release: () => { disposeIfCreated(S, Xs); disposeIfCreated(target, Xt); } };
}

/** Rows of X (samples) without converting it; an invalid X gets toTensor2D's error naming `argName`. */
export function rowCount(X: Matrix, argName: string): number {
  if (Array.isArray(X)) return X.length;
  if (X instanceof tf.Tensor) return X.shape[0] ?? 0;
  toTensor2D(X, argName);
  return 0;
}

/** Integer source labels, one per row of Xs, at least two classes. */
export function checkSourceLabels(where: string, ys: Labels, rows: number): { labels: Int32Array; classes: Int32Array } {
  if (ys === undefined || ys === null) throw new Error(`${where}: ys (the source labels) is missing`);
  const labels = toLabels(ys, "ys");
  if (labels.length !== rows) throw new Error(`${where}: ys has ${labels.length} labels but Xs has ${rows} rows; give one label per source sample`);
  return { labels, classes: requireTwoClasses(labels, "ys", where) };
}

/** The checks of `dim` and `lambda` that TCA, JDA and TJM share. */
export function checkComponentOptions(where: string, dim: number, lambda: number, iterations?: number): void {
  requireInteger(where, "dim", dim, 1);
  requirePositive(where, "lambda", lambda);
  if (iterations !== undefined) requireInteger(where, "iterations", iterations, 1);
}

/** dim must not exceed the target sample count nor the size of the space the components live in. */
export function checkDim(where: string, dim: number, nt: number, p: number, space: string): void {
  // the default dim (30) exceeds small data sets' sizes: say that it was the default, and what to pass
  const which = dim === ITERATIVE_COMPONENT_DEFAULTS.dim ? `dim = ${dim} (the default)` : `dim = ${dim}`;
  if (dim > nt) throw new InvalidOptionError(`${where}: ${which} but Xt has only ${nt} samples (rows); pass { dim: ${Math.min(nt, p)} } or less`);
  if (dim > p) throw new InvalidOptionError(`${where}: ${which} but the components live in a ${p}-dimensional space (${space}); pass { dim: ${p} } or less`);
}

/** A linear kernel XXᵀ of d features has rank ≤ d: components beyond it would come back empty, so say so. */
export function checkLinearRank(where: string, kernel: string, dim: number, d: number): void {
  if (kernel !== "linear" || dim <= d) return;
  const which = dim === ITERATIVE_COMPONENT_DEFAULTS.dim ? `dim = ${dim} (the default)` : `dim = ${dim}`;
  throw new InvalidOptionError(`${where}: ${which} but a linear kernel of ${d} features has rank ≤ ${d}, so components beyond ${d} are empty; pass { dim: ${d} } or less`);
}

/**
 * What `transform` needs to embed new rows the way the training rows were: the components A (p × dim) and,
 * for a kernel, the stacked unit-length training rows (n × d) the kernel is taken against. Kept as arrays.
 */
export interface Projection {
  kernel: KernelKind;
  gamma: number | undefined;
  /** stacked unit-length training rows (kernels only) */
  train: Float32Array | null;
  n: number;
  d: number;
  A: Float32Array;
  p: number;
  dim: number;
}

/** A fitted domain kept on the JS side (so a fitted method holds no tensor memory). */
interface KeptRows {
  data: Float32Array;
  shape: [number, number];
}

/**
 * The transformed domains of a fitted method, a `BaseAdapter`. They are kept as Float32Arrays, not tensors: a
 * fitted object, even a throwaway one (`await new TCA().fitPredict(…)`), holds no tensor memory. Results handed
 * out are new tensors the caller owns.
 */
export abstract class FeatureAdapter extends BaseAdapter {
  private Zs: KeptRows | null = null;
  private Zt: KeptRows | null = null;
  /** @internal how new rows are embedded (null: not fitted, or fitted a way that cannot embed new rows) */
  protected projection: Projection | null = null;
  /** @internal why `transform` is unavailable after this fit (e.g. landmarks), or null */
  protected noTransform: string | null = null;
  /** @internal the source labels of the last fit that had them, for `predict` */
  protected sourceLabels: Int32Array | null = null;
  private model: Classifier | null = null;

  /**
   * New rows of either domain embedded as the training rows were (unit length, through the kernel against the
   * training rows for "linear" / "rbf", projected on the components, unit length): held-out evaluation.
   * A tensor the caller disposes.
   */
  transform(X: Matrix): tf.Tensor2D {
    const pr = this.projection;
    if (pr === null) {
      if (this.noTransform !== null) throw new TransferlabError(`${this.name}.transform: ${this.noTransform}`);
      throw this.notFitted("transform");
    }
    const T = toTensor2D(X, "X");
    try {
      if (T.shape[1] !== pr.d) throw new ShapeMismatchError(`${this.name}.transform: X has ${T.shape[1]} features but the training rows had ${pr.d}`);
      assertFinite(T, "X", `${this.name}.transform`);
      return tf.tidy(() => {
        const U = unitRows(T);
        const Phi = pr.kernel === "primal" ? U : kernelMatrix(pr.kernel, U, tf.tensor2d(pr.train!, [pr.n, pr.d]), { gamma: pr.gamma });
        return unitRows(tf.matMul(Phi, tf.tensor2d(pr.A, [pr.p, pr.dim])));
      });
    } finally {
      disposeIfCreated(T, X);
    }
  }

  /** Labels of new rows: the base learner, trained on the transformed source, on `transform(X)`. */
  async predict(X: Matrix): Promise<Int32Array> {
    if (this.sourceLabels === null) {
      if (this.projection === null) throw this.notFitted("predict");
      throw this.notFitted("predict", "fit with source labels (data.source.y), or fitPredict,");
    }
    const Z = this.transform(X);
    try {
      if (this.model === null) {
        const Zs = this.transformSource();
        try {
          this.model = await makeLearner(this.learnerOption()).fit(Zs, this.sourceLabels);
        } finally {
          Zs.dispose();
        }
      }
      return await this.model.predict(Z);
    } finally {
      Z.dispose();
    }
  }

  /** the `learner` option */
  protected abstract learnerOption(): LearnerOption | undefined;

  /** @internal Keeps what `transform` needs: the components A (read, then disposed by the caller) and the training rows. */
  protected async keepProjection(plan: { mode: string }, kernel: KernelKind, gamma: number | undefined, X: tf.Tensor2D, A: tf.Tensor2D): Promise<void> {
    this.model = null;
    if (plan.mode === "landmarks") {
      this.projection = null;
      this.noTransform = "not available after a fit with landmarks (the Nyström map of new rows is not kept); fit with landmarks: 0";
      return;
    }
    const [n, d] = X.shape;
    const [p, dim] = A.shape;
    const [a, x] = await readFloat32(A, X);
    this.projection = { kernel, gamma, train: kernel === "primal" ? null : Float32Array.from(x), n, d, A: Float32Array.from(a), p, dim };
    this.noTransform = null;
  }

  /** The transformed source samples (ns × dim), a tensor the caller disposes. */
  transformSource(): tf.Tensor2D {
    return tf.tensor2d(this.kept("transformSource").Zs.data, this.kept("transformSource").Zs.shape);
  }

  /** The transformed target samples (nt × dim), a tensor the caller disposes. */
  transformTarget(): tf.Tensor2D {
    return tf.tensor2d(this.kept("transformTarget").Zt.data, this.kept("transformTarget").Zt.shape);
  }

  /** The MMD² between the transformed domains (options as `tl.mmd`; default RBF, median heuristic). */
  async mmd(options?: MmdOptions): Promise<number> {
    this.kept("mmd");
    const Zs = this.transformSource(), Zt = this.transformTarget();
    try {
      return await mmd(Zs, Zt, options);
    } finally {
      tf.dispose([Zs, Zt]);
    }
  }

  /** Forgets the transformed domains (no tensors are held; kept for the contract). */
  override dispose(): void {
    this.Zs = null;
    this.Zt = null;
    this.projection = null;
    this.sourceLabels = null;
    this.model = null;
  }

  private kept(what: string): { Zs: KeptRows; Zt: KeptRows } {
    if (this.Zs === null || this.Zt === null) throw this.notFitted(what);
    return { Zs: this.Zs, Zt: this.Zt };
  }

  /** Keeps the transformed domains (read once, asynchronously) and disposes the tensors. */
  protected async setResult(Zs: tf.Tensor2D, Zt: tf.Tensor2D): Promise<void> {
    try {
      const [zs, zt] = await readFloat32(Zs, Zt);
      this.Zs = { data: Float32Array.from(zs), shape: [Zs.shape[0], Zs.shape[1]] };
      this.Zt = { data: Float32Array.from(zt), shape: [Zt.shape[0], Zt.shape[1]] };
    } finally {
      tf.dispose([Zs, Zt]);
    }
  }

  /** Train `learner` on the transformed source, label the transformed target. */
  protected async predictTarget(learner: LearnerOption | undefined, ys: Int32Array): Promise<Int32Array> {
    const Zs = this.transformSource(), Zt = this.transformTarget();
    try {
      const clf = makeLearner(learner);
      await clf.fit(Zs, ys);
      return await clf.predict(Zt);
    } finally {
      tf.dispose([Zs, Zt]);
    }
  }
}

/** Rows of `Z` split into the first `ns` (source) and the rest (target). */
export function splitRows(Z: tf.Tensor2D, ns: number): [tf.Tensor2D, tf.Tensor2D] {
  const [n, k] = Z.shape;
  return [Z.slice([0, 0], [ns, k]), Z.slice([ns, 0], [n - ns, k])];
}
