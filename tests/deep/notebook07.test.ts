/**
 * notebooks/07-finetuning-vs-linear-probing.ipynb (TL_QUICK=1) with assertions on the numbers it saves, and its
 * exercise: the instructor source runs green, the student edition stops at the first task.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectReleasable, figures, readings, runExercise, runLecture } from "../helpers/notebooks";
import { gainedLost } from "../../src/report";
import { readNotebook } from "../../kernel-ext/notebook";

const NAME = "07-finetuning-vs-linear-probing";
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-nb07-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type MethodNumbers = { id: number; ood: number; ckaId: number; ckaOod: number; driftId: number; driftOod: number };

test("07: LP keeps the features, FT moves them and wins in distribution, LP-FT moves them less; DAN and DANN beat source-only", async () => {
  // a models folder of its own: the pretrained network is trained here, not loaded from an earlier run
  const { nb, saved } = await runLecture(NAME, tmp, 300, { TL_MODELS_DIR: path.join(tmp, "models") });
  expect(saved.quick).toBe(true);
  expect(saved.seeds).toBeGreaterThanOrEqual(3);
  expect(saved.budgets.length).toBeGreaterThanOrEqual(2);
  for (const k of saved.budgets) {
    const row = saved.finetuning[k] as Record<string, MethodNumbers>;
    for (const m of ["LP", "FT", "LP-FT"]) {
      expect(row[m].id).toBeGreaterThan(0.2); // above chance (5 classes)
      expect(row[m].ood).toBeGreaterThan(0.2);
    }
    // linear probing leaves the body as it was: the features are identical
    expect(row.LP.ckaId).toBeCloseTo(1, 6);
    expect(row.LP.driftOod).toBeCloseTo(0, 6);
    // fine-tuning distorts the features more than LP-FT does, on ID and on OOD images
    expect(row.FT.ckaId).toBeLessThan(row["LP-FT"].ckaId);
    expect(row.FT.ckaOod).toBeLessThan(row["LP-FT"].ckaOod);
    // and, for fine-tuning, the OOD features move less than the ID ones (the distortion of Kumar et al.)
    expect(row.FT.ckaOod).toBeGreaterThan(row.FT.ckaId);
  }
  // with the largest budget fine-tuning beats the linear probe in distribution, and LP-FT is at least as good
  const top = saved.finetuning[saved.budgets[saved.budgets.length - 1]] as Record<string, MethodNumbers>;
  expect(top.FT.id).toBeGreaterThan(top.LP.id);
  expect(top["LP-FT"].id).toBeGreaterThan(top.FT.id - 0.02);
  // domain adaptation: DAN beats source-only in both directions, DANN on average over the two
  const da = saved.domainAdaptation as Record<string, Record<string, { mean: number; perSeed: number[] }>>;
  const directions = Object.keys(da);
  expect(directions).toEqual(["MNIST → USPS", "USPS → MNIST"]);
  for (const d of directions) {
    expect(da[d]["source only"].perSeed).toHaveLength(3);
    expect(da[d].DAN.mean).toBeGreaterThan(da[d]["source only"].mean);
    expect(saved.domainGap[d].DAN).toBeLessThan(saved.domainGap[d]["source only"]);
  }
  const avg = (m: string) => directions.reduce((s, d) => s + da[d][m].mean, 0) / directions.length;
  expect(avg("DANN")).toBeGreaterThan(avg("source only"));
  // the readings are this run's: each verdict word follows the saved numbers
  const text = readings(nb).join(" ");
  const K: number[] = saved.budgets;
  const at = (k: number, m: string) => saved.finetuning[k][m] as MethodNumbers;
  const where = (ok: (k: number) => boolean) => {
    const yes = K.filter(ok);
    return yes.length === K.length ? "at every budget" : yes.length === 0 ? "at no budget" : `only at ${yes.map((k) => `k = ${k}`).join(" and ")}`;
  };
  expect(text).toContain(`Fine-tuning beat the linear probe in distribution **${where((k) => at(k, "FT").id > at(k, "LP").id)}**`);
  expect(text).toContain(`the linear probe beat fine-tuning out of distribution **${where((k) => at(k, "LP").ood > at(k, "FT").ood)}**`);
  for (const d of directions) {
    for (const m of ["DAN", "DANN"]) expect(text).toContain(gainedLost(100 * (da[d][m].mean - da[d]["source only"].mean)));
  }
  expect(text).not.toMatch(/not in this notebook, seed by seed|30\.8, 28\.7/); // no typed-in tuning numbers
  // the cost side, measured: linear probing trains the head only (64 features × 5 classes + 5 biases), FT and LP-FT all of it
  const cost = Object.fromEntries((saved.cost as Record<string, number | string>[]).map((r) => [r.method, r]));
  expect(cost.LP["trainable parameters"]).toBe(64 * 5 + 5);
  expect(cost.FT["trainable parameters"]).toBe(256 * 128 + 128 + 128 * 64 + 64 + 64 * 5 + 5);
  expect(cost["LP-FT"]["trainable parameters"]).toBe(cost.FT["trainable parameters"]);
  for (const m of ["LP", "FT", "LP-FT"]) expect(cost[m]["seconds per epoch"]).toBeGreaterThan(0);
  expect(text).toContain(`Linear probing updates 325 parameters, fine-tuning ${(cost.FT["trainable parameters"] as number).toLocaleString("en")}`);
  // DANN's domain classifier: one accuracy per epoch and seed, in [0, 1]
  for (const d of directions) for (const curve of saved.dannDomainAccuracy[d]) for (const a of curve) expect(a >= 0 && a <= 1).toBe(true);
  expect(figures(nb).length).toBeGreaterThanOrEqual(7);
}, 300_000);

test("exercise 07: the instructor source runs green; the student edition stops at task 1; the graded FT-vs-LP comparison reads its own run", async () => {
  const run = await runExercise(NAME, tmp, { timeoutSec: 180 });
  expectReleasable(run, { points: [2, 3, 2, 3], solution: "reinitFrom(net.depth - 1, seed)", firstTask: "test_linear_probe" });
  expect(JSON.stringify(run.student)).not.toContain("net.freeze(0)");
  // task 4's table (LP first, then FT) and the reading under it, in the words and numbers of this run
  const executed = readNotebook(run.instructor.output);
  const rows = executed.cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .map((o) => String((o as { data?: Record<string, unknown> }).data?.["text/plain"] ?? ""))
    .find((t) => t.includes("trainable parameters"));
  expect(rows).toBeDefined();
  const nums = (method: string) => {
    // the table's text: index, method, trainable parameters, ID (%), OOD (%) in aligned columns
    const cells = rows!.split("\n").map((l) => l.trim().split(/\s+/)).find((t) => t[1] === method)!;
    return { trainable: +cells[2], id: +cells[3], ood: +cells[4] };
  };
  const lp = nums("LP"), ft = nums("FT");
  expect(lp.trainable).toBeLessThan(ft.trainable);
  const text = readings(executed).join("\n");
  expect(text).toContain(`In distribution FT ${ft.id > lp.id ? "beats" : "does not beat"} LP (${ft.id} % against ${lp.id} %: FT ${gainedLost(ft.id - lp.id)})`);
  expect(text).toContain(`out of distribution LP ${lp.ood > ft.ood ? "beats" : "does not beat"} FT (${lp.ood} % against ${ft.ood} %`);
  expect(text).toContain(`LP trained ${lp.trainable} parameters, FT ${ft.trainable}`);
}, 300_000);
