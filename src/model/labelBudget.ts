/**
 * Parameter transfer against its two baselines as a curve over the number of labelled target samples per class:
 * target-only (L2 logistic regression on the few labels), source-only (the source model as is), and the
 * source-prior model (`ParameterTransfer`). All three are tested on the same unlabelled rest of the target.
 */
import * as tf from "../tf";
import { LogisticRegression } from "../classifiers/logisticRegression";
import { accuracy } from "../metrics/accuracy";
import { checkOptions } from "../options";
import { Random } from "../random";
import { takeLabels, IndexSplit } from "../splits";
import { Labels, Matrix, disposeIfCreated, toLabels, toTensor2D } from "../tensor";
import { ParameterTransfer } from "./parameterTransfer";

/**
 * `perClass` labelled samples of each class (seeded), capped at the class's size − 1 so that every class keeps a
 * test sample (WISDM users have as few as 3 windows of an activity); the rest is `test`.
 */
export function labelledPerClassCapped(y: Labels, perClass: number, seed = 0): IndexSplit & { capped: number[] } {
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`labelledPerClassCapped: perClass must be a positive integer, got ${perClass}`);
  const labels = toLabels(y, "y");
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(i));
  const rng = new Random(seed);
  const train: number[] = [], test: number[] = [], capped: number[] = [];
  for (const [c, idx] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    if (idx.length < 2) throw new Error(`labelledPerClassCapped: class ${c} has ${idx.length} sample; it needs 2 (one labelled, one to test)`);
    const take = Math.min(perClass, idx.length - 1);
    if (take < perClass) capped.push(c);
    const perm = rng.permutation(idx.length);
    perm.forEach((p, i) => (i < take ? train : test).push(idx[p]));
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort(), capped };
}

export interface BudgetCurveOptions {
  /** labelled target samples per class; default [1, 2, 5, 10, 20] */
  budgets?: number[];
  /** one random draw of the labelled samples per seed; default [0, 1, 2] */
  seeds?: number[];
  /** prior precision λ of both the target-only L2 model and the source prior (only the centre of the penalty differs); default 1 */
  lambda?: number;
  /** L2 of the source model; default 1e-2 */
  sourceLambda?: number;
  onStep?: (budget: number, seed: number) => void;
}

export interface BudgetCurve {
  budgets: number[];
  /** mean accuracy over seeds, one per budget (0..1) */
  targetOnly: number[];
  sourceOnly: number[];
  parameterTransfer: number[];
  /** per budget, the std over seeds */
  std: { targetOnly: number[]; sourceOnly: number[]; parameterTransfer: number[] };
}

/** Runs the three models for each budget and seed on one source → target pair (features already aligned). */
export async function parameterTransferCurve(Xs: Matrix, ys: Labels, Xt: Matrix, yt: Labels, options: BudgetCurveOptions = {}): Promise<BudgetCurve> {
  const o = checkOptions("parameterTransferCurve", options, {
    budgets: [1, 2, 5, 10, 20], seeds: [0, 1, 2], lambda: 1, sourceLambda: 1e-2, onStep: undefined as BudgetCurveOptions["onStep"],
  });
  const ytl = toLabels(yt, "yt");
  const XtT = toTensor2D(Xt, "Xt");
  // (tf.gather inside tidy: splits.takeRows leaves its index tensor behind)
  const rows = (X: tf.Tensor2D, idx: Int32Array) => tf.tidy(() => tf.gather(X, tf.tensor1d(idx, "int32")) as tf.Tensor2D);
  const runs = { targetOnly: o.budgets.map(() => [] as number[]), sourceOnly: o.budgets.map(() => [] as number[]), parameterTransfer: o.budgets.map(() => [] as number[]) };
  try {
    const source = await new LogisticRegression({ lambda: o.sourceLambda }).fit(Xs, ys);
    for (const [b, k] of o.budgets.entries()) {
      for (const seed of o.seeds) {
        const split = labelledPerClassCapped(ytl, k, seed);
        const XL = rows(XtT, split.train), XT = rows(XtT, split.test);
        const yL = takeLabels(ytl, split.train), yT = takeLabels(ytl, split.test);
        try {
          // the same penalty as the prior's, centred at zero: λ on the summed loss is λ / n on LogisticRegression's mean
          const target = await new LogisticRegression({ lambda: o.lambda / split.train.length }).fit(XL, yL);
          runs.targetOnly[b].push(accuracy(await target.predict(XT), yT));
          runs.sourceOnly[b].push(accuracy(await source.predict(XT), yT));
          const transfer = await new ParameterTransfer({ lambda: o.lambda }).fit(XL, yL, source);
          runs.parameterTransfer[b].push(accuracy(await transfer.predict(XT), yT));
        } finally {
          tf.dispose([XL, XT]);
        }
        o.onStep?.(k, seed);
      }
    }
  } finally {
    disposeIfCreated(XtT, Xt);
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
  return {
    budgets: o.budgets,
    targetOnly: runs.targetOnly.map(mean),
    sourceOnly: runs.sourceOnly.map(mean),
    parameterTransfer: runs.parameterTransfer.map(mean),
    std: { targetOnly: runs.targetOnly.map(std), sourceOnly: runs.sourceOnly.map(std), parameterTransfer: runs.parameterTransfer.map(std) },
  };
}
