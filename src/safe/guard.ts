/**
 * A safe-transfer guard (lecture section 12: "需要安全的迁移学习方法"): before trusting a source, test it on
 * the few labelled target samples. Each transfer method (a candidate, with its source) and the target-only
 * learner are cross-validated on the labelled target samples; transfer is chosen only when its out-of-fold
 * accuracy beats target-only's by a margin that the paired differences make significant. Otherwise the
 * guard falls back to target-only — so where the source hurts (negative transfer), the guard does not.
 *
 * Transferability estimates computed before any training (LEEP, LogME, minus MMD…) enter as candidate
 * scores: candidates below `minScore` are dropped and only the `shortlist` best are cross-validated,
 * which keeps the cost low when there are many candidate sources.
 */
import { checkOptions, requireInteger } from "../options";
import { Random } from "../random";
import { Labels, toLabels } from "../tensor";
import { studentTQuantile } from "../metrics/negativeTransfer";

/**
 * A learner for the target: trained on the labelled target rows `train.rows` (indices into the target
 * domain, labels `train.y`), it labels the target rows `testRows`. A transfer arm closes over its source
 * (and may use every target row unlabelled, as TCA and JDA do); the target-only arm uses `train` alone.
 */
export type TargetArm = (train: { rows: Int32Array; y: Int32Array }, testRows: Int32Array, seed: number) => Promise<Int32Array>;

export interface SafeTransferCandidate {
  name: string;
  arm: TargetArm;
  /** a transferability estimate computed before training (higher = expected to transfer better); optional */
  score?: number;
}

export interface SafeTransferOptions {
  /** stratified folds over the labelled target samples; default 3 */
  folds?: number;
  /** one-sided confidence that the chosen transfer beats target-only; default 0.95 */
  confidence?: number;
  /** cross-validate only the `shortlist` candidates with the highest scores (0: all); default 0 */
  shortlist?: number;
  /** drop candidates whose score is below this without cross-validating them; default −∞ */
  minScore?: number;
  /** the lower confidence bound of the gain must exceed this (accuracy, 0..1); default 0 */
  minGain?: number;
  /** seed of the folds (and passed to the arms); default 0 */
  seed?: number;
}

export interface CandidateReport {
  name: string;
  score?: number;
  /** "cross-validated", or why it was not: "below minScore" / "not shortlisted" */
  status: "cross-validated" | "below minScore" | "not shortlisted";
  /** out-of-fold accuracy on the labelled target samples */
  accuracy?: number;
  /** mean paired gain in out-of-fold accuracy over target-only */
  gain?: number;
  /** its one-sided lower confidence bound: gain − t·SE */
  lower?: number;
  /** t·SE, the margin the decision allows for */
  margin?: number;
}

export interface SafeTransferDecision {
  /** the chosen candidate's name, or "target-only" */
  choice: string;
  transfer: boolean;
  targetOnlyAccuracy: number;
  candidates: CandidateReport[];
  /** the margin (t·SE) of the best cross-validated candidate: how far CV could be off */
  margin: number;
  folds: number;
  labelled: number;
}

const DEFAULTS = { folds: 3, confidence: 0.95, shortlist: 0, minScore: -Infinity, minGain: 0, seed: 0 };

export class SafeTransfer {
  readonly options: typeof DEFAULTS;
  decision: SafeTransferDecision | null = null;

  constructor(private readonly targetOnly: TargetArm, private readonly candidates: SafeTransferCandidate[], options?: SafeTransferOptions) {
    const given = options ?? {};
    // −∞ is a valid minScore; checkOptions rejects non-finite numbers, so check it here
    const { minScore, ...rest } = given;
    this.options = { ...checkOptions("SafeTransfer", rest, { ...DEFAULTS, minScore: 0 }), minScore: minScore ?? -Infinity };
    if (typeof this.options.minScore !== "number" || Number.isNaN(this.options.minScore)) {
      throw new Error(`SafeTransfer: option "minScore" must be a number, got ${String(minScore)}`);
    }
    requireInteger("SafeTransfer", "folds", this.options.folds, 2);
    requireInteger("SafeTransfer", "shortlist", this.options.shortlist, 0);
    if (!(this.options.confidence > 0 && this.options.confidence < 1)) {
      throw new Error(`SafeTransfer: option "confidence" must be in (0, 1), got ${this.options.confidence}`);
    }
    if (typeof targetOnly !== "function") throw new Error("SafeTransfer: targetOnly must be a function (train, testRows, seed) => labels");
    if (!Array.isArray(candidates)) throw new Error("SafeTransfer: candidates must be an array of { name, arm, score? }");
    const names = new Set<string>();
    candidates.forEach((c, i) => {
      if (!c || typeof c.name !== "string" || typeof c.arm !== "function") throw new Error(`SafeTransfer: candidates[${i}] must be { name: string, arm: function, score?: number }`);
      if (c.name === "target-only" || names.has(c.name)) throw new Error(`SafeTransfer: candidate name "${c.name}" is taken; names must be unique and not "target-only"`);
      if (c.score !== undefined && !Number.isFinite(c.score)) throw new Error(`SafeTransfer: candidates[${i}].score = ${c.score} must be a finite number`);
      names.add(c.name);
    });
  }

  /** Cross-validates target-only and the (shortlisted) candidates on the labelled target rows, and chooses. */
  async decide(labelledRows: ArrayLike<number>, labels: Labels): Promise<SafeTransferDecision> {
    const rows = Int32Array.from(labelledRows);
    const y = toLabels(labels, "labels");
    if (y.length !== rows.length) throw new Error(`SafeTransfer.decide: ${rows.length} labelled rows but ${y.length} labels`);
    const k = this.options.folds;
    if (rows.length < 2 * k) throw new Error(`SafeTransfer.decide: ${rows.length} labelled samples are too few for ${k} folds (need ≥ ${2 * k})`);
    const fold = stratifiedFolds(y, k, this.options.seed);
    const outOfFold = async (arm: TargetArm): Promise<Uint8Array> => {
      const correct = new Uint8Array(rows.length);
      for (let f = 0; f < k; f++) {
        const inTrain = Array.from(fold.keys()).filter((i) => fold[i] !== f);
        const held = Array.from(fold.keys()).filter((i) => fold[i] === f);
        if (held.length === 0) continue;
        const predicted = await arm({ rows: Int32Array.from(inTrain, (i) => rows[i]), y: Int32Array.from(inTrain, (i) => y[i]) },
          Int32Array.from(held, (i) => rows[i]), this.options.seed);
        if (predicted.length !== held.length) throw new Error(`SafeTransfer: an arm returned ${predicted.length} labels for ${held.length} test rows`);
        held.forEach((i, q) => (correct[i] = predicted[q] === y[i] ? 1 : 0));
      }
      return correct;
    };
    const base = await outOfFold(this.targetOnly);
    const n = rows.length;
    const baseAccuracy = base.reduce((s, v) => s + v, 0) / n;
    const tq = studentTQuantile(this.options.confidence, n - 1);
    // which candidates to cross-validate: those scored at least minScore, the `shortlist` best by score
    const eligible = this.candidates.filter((c) => c.score === undefined || c.score >= this.options.minScore);
    const ranked = [...eligible].sort((a, b) => (b.score ?? Infinity) - (a.score ?? Infinity));
    const chosenForCv = new Set((this.options.shortlist > 0 ? ranked.slice(0, this.options.shortlist) : ranked).map((c) => c.name));
    const reports: CandidateReport[] = [];
    for (const c of this.candidates) {
      if (!chosenForCv.has(c.name)) {
        reports.push({ name: c.name, score: c.score, status: eligible.includes(c) ? "not shortlisted" : "below minScore" });
        continue;
      }
      const correct = await outOfFold(c.arm);
      const d = Array.from(correct, (v, i) => v - base[i]);
      const gain = d.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(d.reduce((s, v) => s + (v - gain) ** 2, 0) / (n - 1));
      const margin = (tq * sd) / Math.sqrt(n);
      reports.push({ name: c.name, score: c.score, status: "cross-validated", accuracy: correct.reduce((s, v) => s + v, 0) / n, gain, lower: gain - margin, margin });
    }
    const validated = reports.filter((r) => r.status === "cross-validated");
    const best = validated.reduce<CandidateReport | null>((b, r) => (b === null || r.lower! > b.lower! ? r : b), null);
    const transfer = best !== null && best.lower! > this.options.minGain;
    this.decision = {
      choice: transfer ? best!.name : "target-only",
      transfer,
      targetOnlyAccuracy: baseAccuracy,
      candidates: reports,
      margin: best?.margin ?? 0,
      folds: k,
      labelled: n,
    };
    return this.decision;
  }

  /** `decide`, then label `testRows` with the chosen arm trained on all labelled rows. */
  async fitPredict(labelledRows: ArrayLike<number>, labels: Labels, testRows: ArrayLike<number>): Promise<Int32Array> {
    const decision = await this.decide(labelledRows, labels);
    const arm = decision.transfer ? this.candidates.find((c) => c.name === decision.choice)!.arm : this.targetOnly;
    return arm({ rows: Int32Array.from(labelledRows), y: toLabels(labels, "labels") }, Int32Array.from(testRows), this.options.seed);
  }
}

/** Fold 0..k−1 of each sample: every class's samples shuffled (seeded) and dealt round-robin. */
export function stratifiedFolds(y: Int32Array, k: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const fold = new Int32Array(y.length);
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => (byClass.get(c) ?? byClass.set(c, []).get(c)!).push(i));
  let offset = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(c)!;
    const perm = rng.permutation(idx.length);
    // continue the round-robin across classes so that folds stay balanced in size
    perm.forEach((p, q) => (fold[idx[p]] = (offset + q) % k));
    offset += idx.length;
  }
  return fold;
}
