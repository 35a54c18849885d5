/**
 * The relational transfer experiment: for each held-out block (fold) of the target, train on the next
 * `size` blocks only (a small amount of target data), and compare transfer from the source (mapped and revised
 * source rules) with rules learned from the same target blocks alone. AUC-PR and accuracy on the held-out block,
 * mean over folds, for each training size: the learning curves of TAMAR's paper, in miniature.
 */
import { RelationalDataset } from "../data/relational";
import { checkOptions } from "../options";
import { RuleLearnerOptions } from "./learner";
import { closedWorld, subsampleExamples } from "./coverage";
import { RelationalTransfer, targetOnlyModel } from "./transfer";
import { aucPR, thresholdAccuracy } from "./ruleModel";
import { InvalidOptionError } from "../errors";

export interface RelationalFoldResult {
  fold: number;
  /** target training data: blocks, or a fraction of one block's examples */
  size: number;
  trainBlocks: string[];
  testBlock: string;
  transfer: { aucPR: number; accuracy: number; rules: number };
  targetOnly: { aucPR: number; accuracy: number; rules: number };
  /** the mapping chosen on this fold's training blocks */
  mapping: string;
}

export interface RelationalCurve {
  source: string;
  target: string;
  sizes: number[];
  /** mean over folds, one per size */
  transfer: { aucPR: number[]; accuracy: number[] };
  targetOnly: { aucPR: number[]; accuracy: number[] };
  folds: RelationalFoldResult[];
  /** the source rules (learned once on all source blocks) */
  sourceRules: string[];
}

export interface RelationalExperimentOptions {
  /**
   * amounts of target training data: an integer k = the k blocks after the test block; a fraction f < 1 = that
   * share of the next block's labelled examples (its facts whole); default [0.1, 0.25, 0.5, 1, 2, 4]
   */
  sizes?: number[];
  /** seed of the fractional subsamples; default 0 */
  seed?: number;
  /** held-out target blocks (0-based); default all */
  folds?: number[];
  learner?: RuleLearnerOptions;
  revise?: boolean;
  /** negatives of the training blocks (source and target): "closed-world" (default) or as in the "files" */
  trainNegatives?: "closed-world" | "files";
  onStep?: (result: RelationalFoldResult) => void;
}

/** Runs transfer vs target-only for each fold and training size (see the module comment). */
export function relationalTransferCurve(source: RelationalDataset, target: RelationalDataset, options: RelationalExperimentOptions = {}): RelationalCurve {
  const o = checkOptions("relationalTransferCurve", options, {
    sizes: [0.1, 0.25, 0.5, 1, 2, 4], seed: 0, folds: undefined as number[] | undefined, learner: {} as RuleLearnerOptions, revise: true,
    trainNegatives: "closed-world" as "closed-world" | "files", onStep: undefined as RelationalExperimentOptions["onStep"],
  });
  if (o.trainNegatives !== "closed-world" && o.trainNegatives !== "files") throw new InvalidOptionError(`relationalTransferCurve: option "trainNegatives" must be "closed-world" or "files", got ${JSON.stringify(o.trainNegatives)}`);
  const forTraining = (d: RelationalDataset) => (o.trainNegatives === "files" ? d.blocks : d.blocks.map((b) => closedWorld(b, d.predicates, d.target)));
  const sourceTrain = forTraining(source), targetTrain = forTraining(target);
  const B = target.blocks.length;
  for (const s of o.sizes) {
    if (!(s > 0 && s < 1) && !(Number.isInteger(s) && s >= 1 && s <= B - 1)) {
      throw new Error(`relationalTransferCurve: a training size must be a fraction in (0, 1) or an integer in 1..${B - 1} (blocks besides the test block), got ${s}`);
    }
  }
  const folds = o.folds ?? target.blocks.map((_, i) => i);
  const transfer = new RelationalTransfer({ learner: o.learner, revise: o.revise }).fitSource(source, sourceTrain);
  const results: RelationalFoldResult[] = [];
  for (const size of o.sizes) {
    for (const fold of folds) {
      if (!(fold >= 0 && fold < B)) throw new Error(`relationalTransferCurve: fold ${fold} is not a block index 0..${B - 1}`);
      const train = size < 1
        ? [subsampleExamples(targetTrain[(fold + 1) % B], size, o.seed + fold)]
        : Array.from({ length: size }, (_, k) => targetTrain[(fold + 1 + k) % B]);
      const test = target.blocks[fold];
      transfer.fitTarget(target, train);
      const t = transfer.predict(test);
      const base = targetOnlyModel(target, train, o.learner);
      const b = base.model.predict(test);
      const r: RelationalFoldResult = {
        fold, size, trainBlocks: train.map((x) => x.id), testBlock: test.id,
        transfer: { aucPR: aucPR(t.scores, t.labels), accuracy: thresholdAccuracy(t.scores, t.labels), rules: transfer.model!.rules.length },
        targetOnly: { aucPR: aucPR(b.scores, b.labels), accuracy: thresholdAccuracy(b.scores, b.labels), rules: base.rules.length },
        mapping: transfer.mappings[0].text,
      };
      results.push(r);
      o.onStep?.(r);
    }
  }
  const mean = (size: number, f: (r: RelationalFoldResult) => number) => {
    const rs = results.filter((r) => r.size === size);
    return rs.reduce((a, r) => a + f(r), 0) / rs.length;
  };
  return {
    source: source.name, target: target.name, sizes: o.sizes,
    transfer: { aucPR: o.sizes.map((s) => mean(s, (r) => r.transfer.aucPR)), accuracy: o.sizes.map((s) => mean(s, (r) => r.transfer.accuracy)) },
    targetOnly: { aucPR: o.sizes.map((s) => mean(s, (r) => r.targetOnly.aucPR)), accuracy: o.sizes.map((s) => mean(s, (r) => r.targetOnly.accuracy)) },
    folds: results,
    sourceRules: transfer.sourceRules.map((r) => r.text),
  };
}
