/**
 * The transferability experiment of Yosinski et al. (2014), "How transferable are features in deep neural
 * networks?": for each cut n = 1 … L − 1, networks for task B whose first n layers come from base B (BnB) or
 * base A (AnB), frozen or fine-tuned (BnB+, AnB+), the remaining layers drawn afresh and trained on B.
 */
import type * as tf from "../../tf";
import { Network } from "./network";
import { train, type LabelledImages, type TrainOptions } from "./train";
import { transferNetwork } from "./transfer";

export const TRANSFER_VARIANTS = ["BnB", "AnB", "BnB+", "AnB+"] as const;
export type TransferVariant = (typeof TRANSFER_VARIANTS)[number];

export interface TransferCell {
  variant: TransferVariant;
  n: number;
  /** accuracy on B's test set, 0..1 */
  accuracy: number;
  seconds: number;
}

export interface TransferExperimentOptions {
  /** the cuts (default 1 … L − 1) */
  cuts?: number[];
  /** the variants to run (default all four) */
  variants?: readonly TransferVariant[];
  /** seed of the re-initialised layers and of the sample order */
  seed: number;
  /** how each transferred network is trained on B (epochs, batchSize, lr, optimizer …) */
  train?: Omit<TrainOptions, "seed" | "trainableFrom" | "onEpoch" | "validation">;
  /** called after each network with its result; and before, with `start` */
  onResult?: (cell: TransferCell, done: number, total: number) => void;
  /** stops between two batches (see train) */
  signal?: AbortSignal;
}

/**
 * Train and evaluate BnB, AnB, BnB+ and AnB+ for every cut. baseA and baseB have the same architecture; B's
 * training set trains the transferred networks, its test set measures them.
 */
export async function transferabilityCurves(baseA: Network, baseB: Network, trainB: LabelledImages, testB: { X: tf.Tensor; y: ArrayLike<number> },
  options: TransferExperimentOptions): Promise<TransferCell[]> {
  if (baseA.spec.layers.length !== baseB.spec.layers.length || JSON.stringify(baseA.spec.input) !== JSON.stringify(baseB.spec.input)) {
    throw new Error("transferabilityCurves: baseA and baseB must have the same architecture");
  }
  const cuts = options.cuts ?? Array.from({ length: baseB.depth - 1 }, (_, i) => i + 1);
  const variants = options.variants ?? TRANSFER_VARIANTS;
  for (const v of variants) if (!TRANSFER_VARIANTS.includes(v)) throw new Error(`transferabilityCurves: unknown variant "${v}"; valid: ${TRANSFER_VARIANTS.join(", ")}`);
  const total = cuts.length * variants.length;
  const cells: TransferCell[] = [];
  for (const n of cuts) {
    for (const variant of variants) {
      const base = variant.startsWith("A") ? baseA : baseB;
      // the top layers are re-drawn from the same seed in every variant: only what is transferred differs
      const net = transferNetwork(base, n, { seed: options.seed, fineTune: variant.endsWith("+") });
      try {
        const r = await train(net, trainB, { ...options.train, seed: options.seed, signal: options.signal });
        if (r.stopped) return cells;
        const cell = { variant, n, accuracy: await net.evaluate(testB.X, testB.y), seconds: r.seconds };
        cells.push(cell);
        options.onResult?.(cell, cells.length, total);
      } finally {
        net.dispose();
      }
    }
  }
  return cells;
}

/** Mean and standard deviation over seeds of each (variant, n): the points and error bars of the paper's figure. */
export function summarizeCurves(runs: TransferCell[][]): { variant: TransferVariant; n: number; mean: number; std: number; runs: number }[] {
  const groups = new Map<string, { variant: TransferVariant; n: number; acc: number[] }>();
  for (const cell of runs.flat()) {
    const key = `${cell.variant}/${cell.n}`;
    if (!groups.has(key)) groups.set(key, { variant: cell.variant, n: cell.n, acc: [] });
    groups.get(key)!.acc.push(cell.accuracy);
  }
  return [...groups.values()].map((g) => {
    const mean = g.acc.reduce((a, b) => a + b, 0) / g.acc.length;
    const std = Math.sqrt(g.acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, g.acc.length - 1));
    return { variant: g.variant, n: g.n, mean, std, runs: g.acc.length };
  });
}
