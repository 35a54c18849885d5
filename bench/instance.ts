/**
 * Instance-based transfer (issue 5): KMM on the sample-selection-bias regression of Huang et al. (2007), its
 * QP solve time and optimality gap, the effect of B and of the bandwidth; TrAdaBoost on Office-Caltech10
 * (12 pairs) beside the ADAPT reference and on a source with flipped labels; TrAdaBoost's weight drift against
 * DynamicTrAdaBoost (and its `select: "cv"` remedy) on the lecture's 16 pairs (trAdaBoostDrift; BENCH_PAIRS=C→A,…
 * picks pairs); TTL and DDTL on the chain of domains whose ends share no words.
 *
 *   npm run bench:instance            (BENCH_SEEDS=2 for a quicker pass; ~6 minutes on 2 cores with the defaults;
 *                                      BENCH_ONLY=kmmTiming,chain runs only those sections)
 */
import * as os from "os";
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../src/backend";
import { LogisticRegression } from "../src/classifiers/logisticRegression";
import { loadDomain } from "../src/data/domains";
import { preprocess } from "../src/data/preprocess";
import { accuracy } from "../src/metrics/accuracy";
import { concatDomains, labelledPerClass, takeLabels, takeRows } from "../src/splits";
import { DDTL, DynamicTrAdaBoost, KLIEP, KMM, TTL, TrAdaBoost, domainChain, fitPolynomial, flippedLabelDomains, kmmTerms, meanSquaredError, selectionBiasRegression } from "../src/instance";
import { solveBoxSumQP } from "../src/optim";
import { pearson as correlation } from "../src/metrics/rankCorrelation";

const SEEDS = Number(process.env.BENCH_SEEDS ?? 5);
const OFFICE: Record<string, string> = { C: "caltech10", A: "amazon", W: "webcam", D: "dslr" };
const PAIRS = ["CA", "CW", "CD", "AC", "AW", "AD", "WC", "WA", "WD", "DC", "DA", "DW"];
/** ADAPT's TrAdaBoost (logistic regression, 10 estimators) on C→A, 3 labelled target samples per class (%) */
const ADAPT_CA = { sourceOnly: 53.12, pooled: 55.19, trAdaBoost: 55.28 };

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const pm = (a: number[], digits = 3, scale = 1) => `${(scale * mean(a)).toFixed(digits)} ± ${(scale * std(a)).toFixed(digits)}`;
const pct = (v: number) => (100 * v).toFixed(2);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function table(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(width[i])).join(" | ") + " |";
  console.log(line(cols));
  console.log("|" + width.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
  console.log();
}

async function kmmRegression(): Promise<void> {
  console.log("## KMM: sample-selection bias in regression (Huang et al. 2007; training x ~ N(0.5, 0.5²), test x ~ N(0, 0.3²), y = −x + x³ + noise)\n");
  const errors = { unweighted: [] as number[], kmm: [] as number[], bounded: [] as number[], kliep: [] as number[], ratio: [] as number[] };
  const corr: number[] = [], corrBounded: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const d = selectionBiasRegression({ seed });
    const Xs = Array.from(d.xTrain, (x) => [x]), Xt = Array.from(d.xTest, (x) => [x]);
    const kmm = await new KMM().fit(Xs, Xt);
    const bounded = await new KMM({ B: 2 }).fit(Xs, Xt);
    const kliep = await new KLIEP({ seed }).fit(Xs, Xt);
    const err = (w?: ArrayLike<number>) => meanSquaredError(fitPolynomial(d.xTrain, d.yTrain, { weights: w }).predict, d.xTest, d.yTest);
    errors.unweighted.push(err());
    errors.kmm.push(err(kmm.weights));
    errors.bounded.push(err(bounded.weights));
    errors.kliep.push(err(kliep.weights));
    errors.ratio.push(err(Array.from(d.xTrain, d.densityRatio)));
    corr.push(correlation(kmm.weights, Array.from(d.xTrain, d.densityRatio)));
    corrBounded.push(correlation(bounded.weights, Array.from(d.xTrain, d.densityRatio)));
  }
  table([
    { "least-squares line weighted by": "nothing (ordinary LS)", "test MSE, 10 seeds (mean ± std)": pm(errors.unweighted) },
    { "least-squares line weighted by": "KMM β (defaults: RBF, median heuristic, B = 1000)", "test MSE, 10 seeds (mean ± std)": pm(errors.kmm) },
    { "least-squares line weighted by": "KMM β with B = 2", "test MSE, 10 seeds (mean ± std)": pm(errors.bounded) },
    { "least-squares line weighted by": "KLIEP", "test MSE, 10 seeds (mean ± std)": pm(errors.kliep) },
    { "least-squares line weighted by": "the true density ratio p_t/p_s", "test MSE, 10 seeds (mean ± std)": pm(errors.ratio) },
  ]);
  console.log(`KMM better than unweighted on ${errors.kmm.filter((e, i) => e < errors.unweighted[i]).length}/10 seeds; ` +
    `correlation of β with the true ratio: ${pm(corr, 2)} (B = 1000), ${pm(corrBounded, 2)} (B = 2)\n`);

  console.log("### The effect of B and of the bandwidth (same 10 seeds; γ₀ = the median heuristic)\n");
  const rows: Record<string, string | number>[] = [];
  const settings: { label: string; B?: number; gammaScale?: number }[] = [
    ...[1, 2, 5, 1000].map((B) => ({ label: `B = ${B}`, B })),
    ...[1 / 16, 1 / 4, 4, 16].map((g) => ({ label: `γ = ${g >= 1 ? g : "1/" + 1 / g} γ₀`, gammaScale: g })),
  ];
  for (const s of settings) {
    const mse: number[] = [], ess: number[] = [], maxW: number[] = [], zeros: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const d = selectionBiasRegression({ seed });
      const Xs = Array.from(d.xTrain, (x) => [x]), Xt = Array.from(d.xTest, (x) => [x]);
      const gamma0 = (await kmmTerms(Xs, Xt)).gamma!;
      const kmm = await new KMM({ B: s.B ?? 1000, gamma: s.gammaScale === undefined ? undefined : gamma0 * s.gammaScale }).fit(Xs, Xt);
      mse.push(meanSquaredError(fitPolynomial(d.xTrain, d.yTrain, { weights: kmm.weights }).predict, d.xTest, d.yTest));
      ess.push(kmm.fitInfo!.effectiveSampleSize);
      maxW.push(Math.max(...kmm.weights));
      zeros.push(kmm.fitInfo!.zeroFraction);
    }
    rows.push({ setting: s.label, "test MSE": pm(mse), "largest β": mean(maxW).toFixed(1), "β = 0 (%)": (100 * mean(zeros)).toFixed(0), "effective sample size (of 100)": mean(ess).toFixed(0) });
  }
  table(rows);
}

async function kmmTiming(): Promise<void> {
  console.log("## KMM: solve time and optimality (Caltech10 → Amazon SURF l1zscore, n_s = 1000; MNIST → USPS l2, n_s = 2000)\n");
  const rows: Record<string, string | number>[] = [];
  const cases = [
    { name: "C→A", ns: 1000, s: "office_caltech10_surf/caltech10", t: "office_caltech10_surf/amazon", prep: "l1zscore" as const },
    { name: "MNIST→USPS", ns: 2000, s: "mnist_usps/mnist", t: "mnist_usps/usps", prep: "l2" as const },
  ];
  for (const c of cases) {
    const S = await loadDomain(c.s), T = await loadDomain(c.t);
    const Xs = tf.tidy(() => preprocess(S.X, c.prep).slice([0, 0], [c.ns, -1]) as tf.Tensor2D);
    const Xt = preprocess(T.X, c.prep);
    tf.dispose([S.X, T.X]);
    // the reference optimum: the same QP solved to a relative duality gap of 1e-12
    const terms = await kmmTerms(Xs, Xt);
    const eps = (Math.sqrt(c.ns) - 1) / Math.sqrt(c.ns);
    const reference = solveBoxSumQP({ K: terms.K, kappa: terms.kappa, upper: 1000, sumLower: c.ns * (1 - eps), sumUpper: c.ns * (1 + eps) }, { tolerance: 1e-12 });
    for (const tolerance of [1e-4, 1e-8]) {
      const total: number[] = [], qp: number[] = [], kernel: number[] = [];
      let last: KMM | null = null;
      for (let r = 0; r < 3; r++) {
        const t0 = process.hrtime.bigint();
        last = await new KMM({ tolerance }).fit(Xs, Xt);
        total.push(ms(t0));
        qp.push(last.fitInfo!.milliseconds);
        kernel.push(last.fitInfo!.kernelMilliseconds);
      }
      const info = last!.fitInfo!;
      const median = (a: number[]) => [...a].sort((x, y) => x - y)[1];
      rows.push({
        task: c.name, n_s: c.ns, tolerance: tolerance === 1e-8 ? "1e-8 (default)" : tolerance.toExponential(0),
        "fit (s, median of 3)": (median(total) / 1000).toFixed(2), "kernel matrices (s)": (median(kernel) / 1000).toFixed(2),
        "QP (s)": (median(qp) / 1000).toFixed(2),
        iterations: info.iterations,
        "certified gap (rel.)": info.relativeGap.toExponential(1),
        "f − f* (rel., vs 1e-12 solve)": ((info.objective - reference.objective) / Math.abs(reference.objective)).toExponential(1),
        "KKT violation": info.kktViolation.toExponential(1),
        "MMD² before → after": `${info.mmdBefore.toFixed(5)} → ${info.mmdAfter.toFixed(5)}`,
      });
    }
    tf.dispose([Xs, Xt]);
  }
  table(rows);
  console.log("Targets: ≤ 2 s at n_s = 1000 with the objective within 1e-4 (relative) of the optimum. For scale: ADAPT's KMM with " +
    "cvxopt took ~4–5 s at n_s = 1123, npm's `quadprog` ~50 s at n = 1000 (both from the issue). \"certified gap\" is the " +
    "duality-gap bound the solver stops on; the true distance to the optimum (next column) is far smaller. Timings " +
    "depend on the machine's load (2 shared cores).\n");
}

async function trAdaBoostOffice(): Promise<{ pooled: number; boosted: number }> {
  console.log(`## TrAdaBoost on Office-Caltech10 SURF (l1zscore), 3 labelled target samples per class, the rest of the target as test, mean of ${SEEDS} seeds\n`);
  const domains: Record<string, { X: tf.Tensor2D; y: Int32Array }> = {};
  for (const [k, name] of Object.entries(OFFICE)) {
    const d = await loadDomain(`office_caltech10_surf/${name}`);
    domains[k] = { X: preprocess(d.X, "l1zscore"), y: d.y };
    d.X.dispose();
  }
  const rows: Record<string, string | number>[] = [];
  const all = { source: [] as number[], target: [] as number[], pooled: [] as number[], boosted: [] as number[], hard: [] as number[] };
  const started = process.hrtime.bigint();
  for (const pair of PAIRS) {
    const S = domains[pair[0]], T = domains[pair[1]];
    const acc = { source: [] as number[], target: [] as number[], pooled: [] as number[], boosted: [] as number[] };
    const sourceModel = await new LogisticRegression().fit(S.X, S.y);
    for (let seed = 0; seed < SEEDS; seed++) {
      const split = labelledPerClass(T.y, 3, seed);
      const XtL = takeRows(T.X, split.train), ytL = takeLabels(T.y, split.train);
      const XtTest = takeRows(T.X, split.test), ytTest = takeLabels(T.y, split.test);
      acc.source.push(accuracy(await sourceModel.predict(XtTest), ytTest));
      acc.target.push(accuracy(await (await new LogisticRegression().fit(XtL, ytL)).predict(XtTest), ytTest));
      const both = concatDomains(S, { X: XtL, y: ytL });
      acc.pooled.push(accuracy(await (await new LogisticRegression().fit(both.X, both.y)).predict(XtTest), ytTest));
      acc.boosted.push(accuracy(await new TrAdaBoost({ estimators: 10 }).fitPredict(S.X, S.y, XtL, ytL, XtTest), ytTest));
      if (pair === "CA") all.hard.push(accuracy(await new TrAdaBoost({ estimators: 10, errors: "hard" }).fitPredict(S.X, S.y, XtL, ytL, XtTest), ytTest));
      tf.dispose([XtL, XtTest, both.X]);
    }
    rows.push({
      pair: `${pair[0]}→${pair[1]}`, "source only": pct(mean(acc.source)), "target only": pct(mean(acc.target)),
      "pooled (source + target labels)": pct(mean(acc.pooled)), TrAdaBoost: pct(mean(acc.boosted)),
      "TrAdaBoost − pooled": (100 * (mean(acc.boosted) - mean(acc.pooled))).toFixed(2),
    });
    all.source.push(mean(acc.source));
    all.target.push(mean(acc.target));
    all.pooled.push(mean(acc.pooled));
    all.boosted.push(mean(acc.boosted));
  }
  rows.push({
    pair: "average", "source only": pct(mean(all.source)), "target only": pct(mean(all.target)),
    "pooled (source + target labels)": pct(mean(all.pooled)), TrAdaBoost: pct(mean(all.boosted)),
    "TrAdaBoost − pooled": (100 * (mean(all.boosted) - mean(all.pooled))).toFixed(2),
  });
  table(rows);
  const ca = rows[0];
  table([
    { "C→A": "ADAPT (reference)", "source only": ADAPT_CA.sourceOnly.toFixed(2), pooled: ADAPT_CA.pooled.toFixed(2), TrAdaBoost: ADAPT_CA.trAdaBoost.toFixed(2), "TrAdaBoost − pooled": (ADAPT_CA.trAdaBoost - ADAPT_CA.pooled).toFixed(2) },
    { "C→A": "transferlab", "source only": String(ca["source only"]), pooled: String(ca["pooled (source + target labels)"]), TrAdaBoost: String(ca.TrAdaBoost), "TrAdaBoost − pooled": String(ca["TrAdaBoost − pooled"]) },
  ]);
  console.log(`TrAdaBoost above pooled on ${all.boosted.filter((b, i) => b > all.pooled[i]).length}/12 pairs. With hard 0/1 errors (errors: "hard") ` +
    `C→A gives ${pct(mean(all.hard))} %: logistic regression fits the 30 labelled target samples perfectly, every εₜ is 0, nothing is ` +
    `re-weighted and TrAdaBoost is the pooled model. ${PAIRS.length * SEEDS} runs in ${(ms(started) / 1000).toFixed(0)} s.\n`);
  tf.dispose(Object.values(domains).map((d) => d.X));
  return { pooled: mean(all.pooled), boosted: mean(all.boosted) };
}

/** The lecture's pairs for the drift table: 12 Office-Caltech SURF, MNIST ↔ USPS, COIL1 ↔ COIL2. */
const DRIFT_PAIRS: { name: string; s: string; t: string; prep: "l1zscore" | "l2" }[] = [
  ...PAIRS.map((p) => ({ name: `${p[0]}→${p[1]}`, s: `office_caltech10_surf/${OFFICE[p[0]]}`, t: `office_caltech10_surf/${OFFICE[p[1]]}`, prep: "l1zscore" as const })),
  { name: "MNIST→USPS", s: "mnist_usps/mnist", t: "mnist_usps/usps", prep: "l2" },
  { name: "USPS→MNIST", s: "mnist_usps/usps", t: "mnist_usps/mnist", prep: "l2" },
  { name: "COIL1→COIL2", s: "coil20/coil1", t: "coil20/coil2", prep: "l2" },
  { name: "COIL2→COIL1", s: "coil20/coil2", t: "coil20/coil1", prep: "l2" },
];

/**
 * TrAdaBoost's weight drift and its remedies on every pair: source-only, target-only, pooled, TrAdaBoost, the
 * dynamic variant (Al-Stouhi & Reddy 2011) and the dynamic variant choosing between itself and pooled by
 * 3-fold CV on the labelled target; all with logistic regression, 3 labelled target samples per class.
 */
async function trAdaBoostDrift(): Promise<void> {
  console.log(`## TrAdaBoost's weight drift and the dynamic update: 3 labelled target samples per class, the rest of the target as test, ` +
    `logistic regression, 10 rounds, mean of ${SEEDS} seeds (Office l1zscore, digits and COIL rows at unit length)\n`);
  const only = process.env.BENCH_PAIRS?.split(",");
  const cache = new Map<string, { X: tf.Tensor2D; y: Int32Array }>();
  const load = async (id: string, prep: "l1zscore" | "l2") => {
    if (!cache.has(id)) {
      const d = await loadDomain(id);
      cache.set(id, { X: preprocess(d.X, prep), y: d.y });
      d.X.dispose();
    }
    return cache.get(id)!;
  };
  const names = ["source only", "target only", "pooled", "TrAdaBoost", "dynamic", "dynamic + CV"] as const;
  const rows: Record<string, string | number>[] = [];
  const gaps: Record<string, number[]> = { TrAdaBoost: [], dynamic: [], "dynamic + CV": [] };
  const started = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let pooledChosen = 0, choices = 0;
  for (const p of DRIFT_PAIRS) {
    if (only && !only.includes(p.name)) continue;
    const S = await load(p.s, p.prep), T = await load(p.t, p.prep);
    const acc: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    const sourceModel = await new LogisticRegression().fit(S.X, S.y);
    for (let seed = 0; seed < SEEDS; seed++) {
      const split = labelledPerClass(T.y, 3, seed);
      const XtL = takeRows(T.X, split.train), ytL = takeLabels(T.y, split.train);
      const XtTest = takeRows(T.X, split.test), ytTest = takeLabels(T.y, split.test);
      acc["source only"].push(accuracy(await sourceModel.predict(XtTest), ytTest));
      acc["target only"].push(accuracy(await (await new LogisticRegression().fit(XtL, ytL)).predict(XtTest), ytTest));
      const both = concatDomains(S, { X: XtL, y: ytL });
      acc.pooled.push(accuracy(await (await new LogisticRegression().fit(both.X, both.y)).predict(XtTest), ytTest));
      acc.TrAdaBoost.push(accuracy(await new TrAdaBoost().fitPredict(S.X, S.y, XtL, ytL, XtTest), ytTest));
      // one fit gives both: the booster's own vote and the cross-validated choice
      const cv = new DynamicTrAdaBoost({ select: "cv" });
      acc["dynamic + CV"].push(accuracy(await cv.fitPredict(S.X, S.y, XtL, ytL, XtTest), ytTest));
      acc.dynamic.push(accuracy(await cv.predictBoosted(XtTest), ytTest));
      if (cv.selection?.choice === "pooled") pooledChosen++;
      choices++;
      tf.dispose([XtL, XtTest, both.X]);
    }
    const best = Math.max(mean(acc.pooled), mean(acc["target only"]));
    const row: Record<string, string | number> = { pair: p.name };
    for (const n of names) row[n] = pct(mean(acc[n]));
    for (const n of Object.keys(gaps)) gaps[n].push(mean(acc[n]) - best);
    row["dynamic − best baseline"] = (100 * (mean(acc.dynamic) - best)).toFixed(2);
    row["dynamic + CV − best"] = (100 * (mean(acc["dynamic + CV"]) - best)).toFixed(2);
    rows.push(row);
    process.stderr.write(`${p.name} `);
  }
  process.stderr.write("\n");
  const avg: Record<string, string | number> = { pair: "average gap to max(pooled, target only)" };
  for (const n of names) avg[n] = "";
  avg.TrAdaBoost = (100 * mean(gaps.TrAdaBoost)).toFixed(2);
  avg.dynamic = (100 * mean(gaps.dynamic)).toFixed(2);
  avg["dynamic + CV"] = (100 * mean(gaps["dynamic + CV"])).toFixed(2);
  avg["dynamic − best baseline"] = avg.dynamic;
  avg["dynamic + CV − best"] = avg["dynamic + CV"];
  rows.push(avg);
  table(rows);
  const c = process.cpuUsage(c0);
  console.log(`dynamic + CV chose the pooled learner in ${pooledChosen} of ${choices} runs. Target: the dynamic variant on average ≤ 2 points ` +
    `below max(pooled, target only). ${rows.length - 1} pairs × ${SEEDS} seeds in ${(ms(started) / 1000).toFixed(0)} s wall, ` +
    `${((c.user + c.system) / 1e6).toFixed(0)} s CPU (load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}).\n`);
  tf.dispose([...cache.values()].map((d) => d.X));
}

async function trAdaBoostFlipped(): Promise<void> {
  console.log("## TrAdaBoost where it clearly wins: a source whose labels are flipped for x₁ > 0.8 (2 labelled target samples per class, 20 rounds, 10 seeds)\n");
  const acc = { target: [] as number[], pooled: [] as number[], boosted: [] as number[] };
  const ratios: number[][] = [];
  for (let seed = 0; seed < 10; seed++) {
    const d = flippedLabelDomains({ seed });
    acc.target.push(accuracy(await (await new LogisticRegression().fit(d.targetLabelled.X, d.targetLabelled.y)).predict(d.targetTest.X), d.targetTest.y));
    const both = concatDomains(d.source, d.targetLabelled);
    acc.pooled.push(accuracy(await (await new LogisticRegression().fit(both.X, both.y)).predict(d.targetTest.X), d.targetTest.y));
    const booster = new TrAdaBoost({ estimators: 20 });
    acc.boosted.push(accuracy(await booster.fitPredict(d.source.X, d.source.y, d.targetLabelled.X, d.targetLabelled.y, d.targetTest.X), d.targetTest.y));
    ratios.push(booster.history.source.map((w) => {
      let f = 0, nf = 0, c = 0, nc = 0;
      w.forEach((v, i) => (d.source.flipped[i] ? ((f += v), nf++) : ((c += v), nc++)));
      return f / nf / (c / nc);
    }));
    tf.dispose([d.source.X, d.targetLabelled.X, d.targetTest.X, both.X]);
  }
  table([
    { learner: "target only (4 labels)", "accuracy (%)": pm(acc.target, 1, 100) },
    { learner: "pooled: source + target labels", "accuracy (%)": pm(acc.pooled, 1, 100) },
    { learner: "TrAdaBoost", "accuracy (%)": pm(acc.boosted, 1, 100) },
  ]);
  const perRound = ratios[0].map((_, t) => mean(ratios.map((r) => r[t])));
  console.log("mean weight of a flipped source sample ÷ that of a clean one, by round: " +
    perRound.map((v, t) => (t % 2 === 0 ? v.toFixed(3) : null)).filter((v) => v !== null).join(", ") + " (every second round)\n");
}

async function chain(): Promise<void> {
  console.log(`## TTL and DDTL on the chain of domains (source and target share no word; ${SEEDS} seeds)\n`);
  const names = ["near source", "bridge", "near target", "unrelated"];
  const acc: Record<string, number[]> = { direct: [], targetOnly: [], ttl: [], ...Object.fromEntries(names.map((n) => [`via ${n}`, []])), ddtlAll: [], ddtl: [] };
  const picked: string[] = [];
  const kept = { bridge: [] as number[], unrelated: [] as number[], source: [] as number[] };
  const started = process.hrtime.bigint();
  for (let seed = 0; seed < SEEDS; seed++) {
    const c = domainChain({ seed });
    const S = c.source, T = c.target;
    acc.direct.push(accuracy(await (await new LogisticRegression().fit(S.X, S.y)).predict(T.X), T.y));
    const ttl = new TTL({ seed });
    acc.ttl.push(accuracy(await ttl.fitPredict(S.X, S.y, c.intermediates.map((d) => d.X), T.X), T.y));
    picked.push(c.intermediates[ttl.selected].name);
    for (const d of c.intermediates) acc[`via ${d.name}`].push(accuracy(await new TTL({ seed }).fitPredict(S.X, S.y, d.X, T.X), T.y));
    // DDTL: 1 labelled target document per class; the pool holds the bridge and the unrelated documents
    const sqrt = (X: tf.Tensor2D) => tf.tidy(() => X.sqrt() as tf.Tensor2D);
    const [Ss, Ts] = [sqrt(S.X), sqrt(T.X)];
    const pool = tf.tidy(() => tf.concat([sqrt(c.intermediates[1].X), sqrt(c.intermediates[3].X)], 0) as tf.Tensor2D);
    const split = labelledPerClass(T.y, 1, seed);
    const XtL = takeRows(Ts, split.train), XtTest = takeRows(Ts, split.test);
    const ytL = takeLabels(T.y, split.train), ytTest = takeLabels(T.y, split.test);
    acc.targetOnly.push(accuracy(await (await new LogisticRegression().fit(XtL, ytL)).predict(XtTest), ytTest));
    for (const select of [false, true]) {
      const m = new DDTL({ select, seed });
      acc[select ? "ddtl" : "ddtlAll"].push(accuracy(await m.fitPredict(Ss, S.y, pool, XtL, ytL, XtTest), ytTest));
      if (select) {
        const last = m.history[m.history.length - 1];
        kept.bridge.push(mean(Array.from(last.intermediate.slice(0, 300))));
        kept.unrelated.push(mean(Array.from(last.intermediate.slice(300))));
        kept.source.push(mean(Array.from(last.source)));
      }
      m.dispose();
    }
    tf.dispose([Ss, Ts, pool, XtL, XtTest, S.X, T.X, ...c.intermediates.map((d) => d.X)]);
  }
  table([
    { method: "direct: logistic regression on the source", "target labels": 0, "accuracy (%)": pm(acc.direct, 1, 100) },
    ...names.map((n) => ({ method: `TTL through "${n}"`, "target labels": 0, "accuracy (%)": pm(acc[`via ${n}`], 1, 100) })),
    { method: `TTL, intermediate chosen by MMD (chose: ${[...new Set(picked)].join(", ")})`, "target labels": 0, "accuracy (%)": pm(acc.ttl, 1, 100) },
    { method: "target only: logistic regression on the labelled target", "target labels": "1 per class", "accuracy (%)": pm(acc.targetOnly, 1, 100) },
    { method: "DDTL network, every source and pool sample (no selection)", "target labels": "1 per class", "accuracy (%)": pm(acc.ddtlAll, 1, 100) },
    { method: "DDTL, selective learning (SLA)", "target labels": "1 per class", "accuracy (%)": pm(acc.ddtl, 1, 100) },
  ]);
  console.log(`DDTL kept at its last round: ${pm(kept.bridge, 2, 100)} % of the bridge documents, ${pm(kept.unrelated, 2, 100)} % of the unrelated ` +
    `ones, ${pm(kept.source, 2, 100)} % of the source. (${(ms(started) / 1000).toFixed(0)} s)\n`);
}

async function main(): Promise<void> {
  const backend = await useBestBackend({ quiet: true });
  console.log(`# bench:instance — backend ${backend.description}, ${SEEDS} seeds\n`);
  const sections: [string, () => Promise<unknown>][] = [
    ["kmmRegression", kmmRegression], ["kmmTiming", kmmTiming], ["trAdaBoostOffice", trAdaBoostOffice], ["trAdaBoostDrift", trAdaBoostDrift],
    ["trAdaBoostFlipped", trAdaBoostFlipped], ["chain", chain],
  ];
  const only = process.env.BENCH_ONLY?.split(",");
  for (const [name, run] of sections) {
    if (only && !only.includes(name)) continue;
    const before = tf.memory().numTensors;
    await run();
    const left = tf.memory().numTensors - before;
    if (left !== 0) console.log(`(${name} left ${left} tensors behind)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
