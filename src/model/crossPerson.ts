/**
 * The cross-person evaluation of TransEMDT on WISDM: each target user in turn, with the source tree, the adapted
 * tree and a tree trained on the target's own labels (cross-validated: the upper bound no transfer can pass
 * without target labels) scored on the same target windows.
 */
import * as tf from "../tf";
import { HarData, splitByUser, usersWithAllActivities } from "../data/har";
import { accuracy } from "../metrics/accuracy";
import { Random } from "../random";
import { AdaptiveTree, Rows, toRows } from "./tree";
import { TransEMDT, TransEMDTOptions } from "./transEMDT";
import { checkOptions, requireInteger } from "../options";
import { InvalidOptionError } from "../errors";

export interface CrossPersonRow {
  user: number;
  windows: number;
  /** accuracy on the target user (0..1) */
  sourceTree: number;
  transEMDT: number;
  targetTree: number;
  /** adaptation rounds run and thresholds that ended up moved */
  rounds: number;
  thresholdsMoved: number;
  /** source users: how many (the pooled protocol) or the mean over this many single sources */
  sources: number;
}

export interface CrossPersonOptions {
  /** target users; default the users with all six activities (18) */
  targets?: number[];
  /**
   * "pooled" (default): one source made of every other user; "single": each other target user alone as the
   * source (the paper's person-to-person setting), accuracies averaged over those sources
   */
  protocol?: "pooled" | "single";
  /** TransEMDT's options (the source and target trees use its maxDepth and minSamplesLeaf) */
  transEMDT?: TransEMDTOptions;
  /** folds of the target-trained tree's cross-validation; default 5 */
  folds?: number;
  seed?: number;
  /** called after each target user (e.g. a progress bar) */
  onUser?: (row: CrossPersonRow, index: number, total: number) => void;
}

/** Accuracy of a tree trained on the target's own labels, by stratified-free k-fold cross-validation (seeded). */
export function targetTreeAccuracy(X: Rows, y: Int32Array, treeOptions: { maxDepth?: number; minSamplesLeaf?: number }, folds = 5, seed = 0): number {
  requireInteger("targetTreeAccuracy", "folds", folds, 2);
  const perm = new Random(seed).permutation(X.rows);
  let correct = 0;
  const take = (idx: number[]): Rows => {
    const data = new Float64Array(idx.length * X.cols);
    idx.forEach((i, r) => data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), r * X.cols));
    return { data, rows: idx.length, cols: X.cols };
  };
  for (let f = 0; f < folds; f++) {
    const test: number[] = [], train: number[] = [];
    perm.forEach((p, i) => (i % folds === f ? test : train).push(p));
    const tree = new AdaptiveTree(treeOptions).fitSync(take(train), train.map((i) => y[i]));
    const pred = tree.predictIndex(take(test));
    test.forEach((i, j) => {
      if (tree.classes[pred[j]] === y[i]) correct++;
    });
  }
  return correct / X.rows;
}

/** Source tree vs TransEMDT vs target-trained tree for each target user (see CrossPersonOptions). */
export async function crossPersonEvaluation(har: HarData, options: CrossPersonOptions = {}): Promise<CrossPersonRow[]> {
  const opts = checkOptions("crossPersonEvaluation", options, {
    targets: undefined as number[] | undefined, protocol: "pooled" as "pooled" | "single", transEMDT: {} as TransEMDTOptions,
    folds: 5, seed: 0, onUser: undefined as CrossPersonOptions["onUser"],
  });
  if (opts.protocol !== "pooled" && opts.protocol !== "single") throw new InvalidOptionError(`crossPersonEvaluation: option "protocol" must be "pooled" or "single", got ${JSON.stringify(opts.protocol)}`);
  const targets = opts.targets ?? usersWithAllActivities(har);
  const treeOptions = { maxDepth: opts.transEMDT.maxDepth ?? 6, minSamplesLeaf: opts.transEMDT.minSamplesLeaf ?? 5 };
  const rows: CrossPersonRow[] = [];
  for (const [index, user] of targets.entries()) {
    const sourceSets = opts.protocol === "pooled" ? [undefined] : targets.filter((u) => u !== user).map((u) => [u]);
    let src = 0, adapted = 0, rounds = 0, moved = 0, windows = 0;
    let targetTree = 0;
    for (const [s, sources] of sourceSets.entries()) {
      const split = splitByUser(har, user, sources);
      try {
        const Xs = toRows(split.source.X, "Xs"), Xt = toRows(split.target.X, "Xt");
        const model = await new TransEMDT({ seed: opts.seed, ...opts.transEMDT }).fit(Xs, split.source.y, Xt);
        src += accuracy(await model.sourceTree!.predict(Xt), split.target.y);
        adapted += accuracy(await model.predict(Xt), split.target.y);
        rounds += model.history.length;
        moved += model.thresholdShifts().filter((t) => t.after !== t.before).length;
        if (s === 0) {
          windows = Xt.rows;
          targetTree = targetTreeAccuracy(Xt, split.target.y, treeOptions, opts.folds, opts.seed);
        }
      } finally {
        tf.dispose([split.source.X, split.target.X]);
      }
    }
    const m = sourceSets.length;
    const row: CrossPersonRow = { user, windows, sourceTree: src / m, transEMDT: adapted / m, targetTree, rounds: rounds / m, thresholdsMoved: moved / m, sources: opts.protocol === "pooled" ? har.users.filter((u, i, a) => u !== user && a.indexOf(u) === i).length : m };
    rows.push(row);
    opts.onUser?.(row, index, targets.length);
  }
  return rows;
}

/** Mean and (population) standard deviation. */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length));
  return { mean, std };
}
