/**
 * Model- and relation-based transfer, the numbers of issue 8 in one run, with timings side by side:
 *   1. TransEMDT on WISDM, leave one user out (source: every other user) — per user and mean ± std — and the
 *      person-to-person setting; the time of the adaptation against the source tree's own fit;
 *   2. our adaptable tree against the library's DecisionTree (same data, imputed for it): fit time and accuracy;
 *   3. parameter transfer vs target-only vs source-only over label budgets (Office-Caltech10, WISDM);
 *   4. relational transfer (TAMAR-style) vs target-only, both directions, AUC-PR and accuracy over target data.
 *
 *   npm run bench:model          (about two minutes on the 2-core dev machine; BENCH_QUICK=1 for a smoke run)
 */
import * as tf from "@tensorflow/tfjs";
import * as tl from "../src/index";

const QUICK = process.env.BENCH_QUICK === "1";
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const pct = (v: number) => (100 * v).toFixed(1);
const row = (cells: (string | number)[]) => console.log(cells.join("\t"));
const ms = (t0: number) => performance.now() - t0;

async function transEMDT(har: tl.HarData): Promise<void> {
  const users = tl.usersWithAllActivities(har);
  console.log(`\n## 1. TransEMDT on WISDM v1.1, leave one user out over the ${users.length} users with all six activities (source: the 35 others)`);
  const t0 = performance.now();
  const rows = await tl.crossPersonEvaluation(har, { targets: QUICK ? users.slice(0, 4) : users });
  const total = ms(t0);
  row(["user", "windows", "source tree %", "TransEMDT %", "target-trained tree %", "gain (points)"]);
  for (const r of rows) row([r.user, r.windows, pct(r.sourceTree), pct(r.transEMDT), pct(r.targetTree), (100 * (r.transEMDT - r.sourceTree)).toFixed(1)]);
  const col = (k: "sourceTree" | "transEMDT" | "targetTree") => rows.map((r) => r[k]);
  row(["mean ± std", "", `${pct(mean(col("sourceTree")))} ± ${pct(std(col("sourceTree")))}`, `${pct(mean(col("transEMDT")))} ± ${pct(std(col("transEMDT")))}`,
    `${pct(mean(col("targetTree")))} ± ${pct(std(col("targetTree")))}`, (100 * (mean(col("transEMDT")) - mean(col("sourceTree")))).toFixed(1)]);
  console.log(`won on ${rows.filter((r) => r.transEMDT > r.sourceTree).length}, lost on ${rows.filter((r) => r.transEMDT < r.sourceTree).length} users; ${(total / 1000).toFixed(1)} s in all`);
  const single = await tl.crossPersonEvaluation(har, { targets: QUICK ? users.slice(0, 4) : users, protocol: "single", transEMDT: { minSamplesLeaf: 2 } });
  console.log(`one source person (${single[0].sources} sources per target): source tree ${pct(mean(single.map((r) => r.sourceTree)))} %, ` +
    `TransEMDT ${pct(mean(single.map((r) => r.transEMDT)))} %, target-trained tree ${pct(mean(single.map((r) => r.targetTree)))} %`);
  // adaptation cost against the tree's own fit, on one user
  const split = tl.splitByUser(har, 20);
  const S = tl.model.toRows(split.source.X), T = tl.model.toRows(split.target.X);
  const fits: number[] = [], adapts: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t = performance.now();
    new tl.AdaptiveTree().fitSync(S, split.source.y);
    fits.push(ms(t));
    t = performance.now();
    await new tl.TransEMDT().fit(S, split.source.y, T);
    adapts.push(ms(t));
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  row(["user 20", "tree fit ms", "TransEMDT (fit + adapt) ms", "ratio"]);
  row(["", med(fits).toFixed(1), med(adapts).toFixed(1), (med(adapts) / med(fits)).toFixed(2)]);
  tf.dispose([split.source.X, split.target.X]);
}

async function trees(har: tl.HarData): Promise<void> {
  console.log("\n## 2. Adaptable tree vs the library's DecisionTree (CART), source = every user but 20, depth 6, median of 5 fits");
  const split = tl.splitByUser(har, 20);
  const src = tl.imputeMedian(split.source.X), tgt = tl.imputeMedian(split.target.X, src.medians);
  const time = async (fit: () => Promise<unknown>) => {
    const t: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      await fit();
      t.push(ms(t0));
    }
    return [...t].sort((a, b) => a - b)[2];
  };
  const ours = await new tl.AdaptiveTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(src.X, split.source.y);
  const theirs = await new tl.DecisionTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(src.X, split.source.y);
  const tOurs = await time(() => new tl.AdaptiveTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(src.X, split.source.y));
  const tTheirs = await time(() => new tl.DecisionTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(src.X, split.source.y));
  const tNaN = await time(() => new tl.AdaptiveTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(split.source.X, split.source.y));
  row(["tree", "fit ms", "accuracy on user 20 %", "ratio (ours / DecisionTree)"]);
  row(["AdaptiveTree (imputed)", tOurs.toFixed(1), pct(tl.accuracy(await ours.predict(tgt.X), split.target.y)), (tOurs / tTheirs).toFixed(2)]);
  row(["DecisionTree (imputed)", tTheirs.toFixed(1), pct(tl.accuracy(await theirs.predict(tgt.X), split.target.y)), "1.00"]);
  const withNaN = await new tl.AdaptiveTree({ maxDepth: 6, minSamplesLeaf: 5 }).fit(split.source.X, split.source.y);
  row(["AdaptiveTree (NaN routed)", tNaN.toFixed(1), pct(tl.accuracy(await withNaN.predict(split.target.X), split.target.y)), (tNaN / tTheirs).toFixed(2)]);
  tf.dispose([split.source.X, split.target.X, src.X, tgt.X]);
}

async function parameterTransfer(har: tl.HarData): Promise<void> {
  const budgets = [1, 2, 5, 10, 20];
  console.log(`\n## 3. Parameter transfer (source prior) vs target-only vs source-only, labels per class ${budgets.join(", ")}`);
  row(["setting", "model", ...budgets.map((k) => `k=${k} %`)]);
  const pairs: [string, string][] = QUICK ? [["caltech10", "amazon"]] : [["caltech10", "amazon"], ["amazon", "webcam"], ["webcam", "dslr"], ["dslr", "caltech10"]];
  for (const [s, t] of pairs) {
    const a = await tl.loadDomain(`office_caltech10_surf/${s}`), b = await tl.loadDomain(`office_caltech10_surf/${t}`);
    const Xs = tl.preprocess(a.X, "l1zscore"), Xt = tl.preprocess(b.X, "l1zscore");
    const c = await tl.parameterTransferCurve(Xs, a.y, Xt, b.y, { budgets, seeds: QUICK ? [0] : [0, 1, 2], lambda: 1 });
    const name = `${s}→${t} (λ=1)`;
    row([name, "target only", ...c.targetOnly.map(pct)]);
    row([name, "source only", ...c.sourceOnly.map(pct)]);
    row([name, "parameter transfer", ...c.parameterTransfer.map(pct)]);
    tf.dispose([a.X, b.X, Xs, Xt]);
  }
  const users = QUICK ? [20] : tl.usersWithAllActivities(har);
  const curves: tl.BudgetCurve[] = [];
  for (const u of users) {
    const s = tl.splitByUser(har, u);
    const src = tl.imputeMedian(s.source.X), tgt = tl.imputeMedian(s.target.X, src.medians);
    const mu = src.X.mean(0), sd = src.X.sub(mu).square().mean(0).sqrt().add(1e-6);
    const Xs = src.X.sub(mu).div(sd) as tf.Tensor2D, Xt = tgt.X.sub(mu).div(sd) as tf.Tensor2D;
    curves.push(await tl.parameterTransferCurve(Xs, s.source.y, Xt, s.target.y, { budgets, seeds: QUICK ? [0] : [0, 1], lambda: 10 }));
    tf.dispose([s.source.X, s.target.X, src.X, tgt.X, mu, sd, Xs, Xt]);
  }
  const avg = (f: (c: tl.BudgetCurve) => number[]) => budgets.map((_, i) => mean(curves.map((c) => f(c)[i])));
  const name = `WISDM, ${users.length} users (λ=10)`;
  row([name, "target only", ...avg((c) => c.targetOnly).map(pct)]);
  row([name, "source only", ...avg((c) => c.sourceOnly).map(pct)]);
  row([name, "parameter transfer", ...avg((c) => c.parameterTransfer).map(pct)]);
}

async function relational(): Promise<void> {
  const sizes = QUICK ? [0.25, 1] : [0.1, 0.25, 0.5, 1, 2, 4];
  console.log("\n## 4. Relational transfer vs target-only, mean over 5 folds (target data: fraction of one block, or blocks)");
  const uwcse = await tl.loadRelational("uwcse"), imdb = await tl.loadRelational("imdb");
  row(["direction", "target data", "transfer AUC-PR", "target-only AUC-PR", "transfer acc", "target-only acc"]);
  for (const [s, t] of [[imdb, uwcse], [uwcse, imdb]] as const) {
    const t0 = performance.now();
    const c = tl.relationalTransferCurve(s, t, { sizes });
    sizes.forEach((size, i) => row([`${s.name} → ${t.name}`, size, c.transfer.aucPR[i].toFixed(3), c.targetOnly.aucPR[i].toFixed(3),
      c.transfer.accuracy[i].toFixed(3), c.targetOnly.accuracy[i].toFixed(3)]));
    console.log(`  mappings chosen: ${[...new Set(c.folds.map((f) => f.mapping))].join(" | ")}; ${(ms(t0) / 1000).toFixed(1)} s`);
  }
}

async function main(): Promise<void> {
  const b = await tl.useBestBackend();
  console.log(`bench/model on ${b.backend}${QUICK ? " (BENCH_QUICK=1)" : ""}`);
  const har = await tl.loadHar();
  await transEMDT(har);
  await trees(har);
  await parameterTransfer(har);
  await relational();
  har.X.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
