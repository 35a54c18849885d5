/**
 * A probabilistic reading of a rule set, so that rules rank examples (AUC-PR) and can be scored by likelihood:
 * a noisy-or. Each rule r fires with confidence c_r, its precision on the training blocks; an example no rule
 * covers has the base rate p₀ of such examples. P(t(a,b)) = 1 − (1 − p₀) Π_{r covers}(1 − c_r). Both are
 * m-estimates towards the share π of positives, (p + m·π)/(p + n + m) — not Laplace's (p + 1)/(p + n + 2), which
 * would give a rule that covers nothing a confidence of ½ where positives are 1 in 150 (UW-CSE).
 * Like an MLN's weights, the confidences are (re-)estimated on the domain the model is used in.
 */
import { RelationalBlock } from "../data/relational";
import { Rule, formatRule } from "./logic";
import { examplesOf, ruleCoverage } from "./coverage";

export interface FittedRule {
  rule: Rule;
  text: string;
  /** training positives and negatives covered */
  pos: number;
  neg: number;
  /** (pos + m·π) / (pos + neg + m) */
  confidence: number;
}

export class RuleModel {
  rules: FittedRule[] = [];
  /** P(positive) of an example that no rule covers */
  baseRate = 0;

  /** m of the m-estimates; default 2 */
  constructor(readonly m = 2) {
    if (!(m > 0)) throw new Error(`RuleModel: m must be > 0, got ${m}`);
  }

  /** Estimates each rule's confidence and the base rate on `blocks`. */
  fit(rules: Rule[], blocks: RelationalBlock[]): this {
    if (blocks.length === 0) throw new Error("RuleModel.fit: no training blocks");
    const stats = rules.map((rule) => ({ rule, text: formatRule(rule), pos: 0, neg: 0, confidence: 0 }));
    let restPos = 0, restNeg = 0;
    for (const block of blocks) {
      const { labels } = examplesOf(block);
      const any = new Uint8Array(labels.length);
      rules.forEach((rule, r) => {
        const covered = ruleCoverage(rule, block);
        if (!covered) return;
        for (let i = 0; i < labels.length; i++) {
          if (!covered[i]) continue;
          any[i] = 1;
          if (labels[i]) stats[r].pos++;
          else stats[r].neg++;
        }
      });
      for (let i = 0; i < labels.length; i++) if (!any[i]) labels[i] ? restPos++ : restNeg++;
    }
    const totals = blocks.reduce((t, b) => ({ pos: t.pos + b.pos.length, all: t.all + b.pos.length + b.neg.length }), { pos: 0, all: 0 });
    const prior = totals.pos / Math.max(1, totals.all);
    for (const s of stats) s.confidence = (s.pos + this.m * prior) / (s.pos + s.neg + this.m);
    this.rules = stats;
    this.baseRate = (restPos + this.m * prior) / (restPos + restNeg + this.m);
    return this;
  }

  /** P(positive) for each example of `block` (positives first, as `examplesOf`) and their labels. */
  predict(block: RelationalBlock): { scores: Float64Array; labels: Uint8Array } {
    const { labels } = examplesOf(block);
    const notPos = new Float64Array(labels.length).fill(1 - this.baseRate);
    for (const r of this.rules) {
      const covered = ruleCoverage(r.rule, block);
      if (!covered) continue;
      for (let i = 0; i < labels.length; i++) if (covered[i]) notPos[i] *= 1 - r.confidence;
    }
    return { scores: notPos.map((q) => 1 - q), labels };
  }

  /**
   * Balanced conditional log-likelihood of the blocks' examples: ½·mean log P over the positives +
   * ½·mean log(1 − P) over the negatives (balanced, since negatives outnumber positives up to 100 to 1).
   */
  logLikelihood(blocks: RelationalBlock[]): number {
    let lp = 0, np = 0, ln = 0, nn = 0;
    for (const b of blocks) {
      const { scores, labels } = this.predict(b);
      scores.forEach((p, i) => {
        const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
        if (labels[i]) { lp += Math.log(q); np++; } else { ln += Math.log(1 - q); nn++; }
      });
    }
    return 0.5 * (np ? lp / np : 0) + 0.5 * (nn ? ln / nn : 0);
  }
}

/**
 * Area under the precision–recall curve as average precision: Σ over the distinct scores, from the highest,
 * of (recall gained) × (precision at that score). Tied scores enter together (no optimistic ordering of ties).
 */
export function aucPR(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (scores.length !== labels.length) throw new Error(`aucPR: ${scores.length} scores for ${labels.length} labels`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) positives++;
  if (positives === 0) throw new Error("aucPR: no positive example, so precision–recall is undefined");
  let tp = 0, seen = 0, area = 0;
  for (let i = 0; i < order.length;) {
    let j = i, gained = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]]) gained++;
      j++;
    }
    tp += gained;
    seen += j - i;
    area += (gained / positives) * (tp / seen);
    i = j;
  }
  return area;
}

/** Share of examples whose thresholded score (P ≥ threshold) matches the label. */
export function thresholdAccuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): number {
  let right = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] >= threshold ? 1 : 0) === (labels[i] ? 1 : 0)) right++;
  return right / Math.max(1, scores.length);
}
