/**
 * notebooks/08-negative-transfer.ipynb executed headlessly (TL_QUICK=1), with assertions on the numbers it
 * saves: the negative transfer gap turns positive along the continuum, a poor TCA setting transfers
 * negatively on similar data, the guard stays within its margin, LEEP and LogME rank sources.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { figures, runLecture, readings } from "../helpers/notebooks";
import { useBestBackend } from "../../src/backend";
import { loadMnist } from "../../src/data";
import { Network, saveNetwork, train, yosinskiSpec } from "../../src/model/deep";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-negative-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Two small "pretrained" networks for the deep part, in place of notebook 06's: one trained on digits, one not. */
async function pretrainedNetworks(dir: string): Promise<void> {
  await useBestBackend({ quiet: true });
  const digits = loadMnist({ perClass: 60, testPerClass: 1, size: 14, seed: 3 });
  for (const [name, epochs] of [["digits-trained", 3], ["digits-untrained", 0]] as const) {
    const net = new Network(yosinskiSpec(10), 1);
    if (epochs > 0) await train(net, { X: digits.train.X, y: digits.train.y }, { epochs, seed: 0 });
    await saveNetwork(net, path.join(dir, name));
    net.dispose();
  }
  digits.train.X.dispose();
  digits.test.X.dispose();
}

test("08-negative-transfer: NTG along the continuum, the method problem, the guard, LEEP and LogME", async () => {
  const models = path.join(tmp, "models");
  await pretrainedNetworks(models);
  const { result, nb, saved } = await runLecture("08-negative-transfer", tmp, 300, { TL_MODELS_DIR: models });
  expect(result.status).toBe("ok");
  expect(saved.quick).toBe(true);
  // genuinely dissimilar domains: each real source pooled as it is; the reading follows each interval
  const real = saved.realSources as { source: string; mmd: number; gap: number; lower: number; upper: number }[];
  expect(real.map((r) => r.source)).toEqual(["DSLR", "Amazon", "Caltech10"]);
  expect(real[0].mmd).toBeLessThan(Math.min(real[1].mmd, real[2].mmd)); // DSLR is Webcam's closest domain
  expect(real[0].gap).toBeLessThan(Math.min(real[1].gap, real[2].gap)); // and pooling it helps most
  const text = readings(nb).join(" ");
  for (const r of real) {
    const verdict = r.lower > 0 ? "**negative transfer**" : r.upper < 0 ? "positive transfer" : "no clear effect";
    expect(text).toContain(`**${r.source}** → Webcam: NTG ${(100 * r.gap).toFixed(1)} points, ${verdict}`);
  }
  const c = saved.continuum;
  const last = c.rho.length - 1;
  expect(c.rho[0]).toBe(0);
  expect(c.rho[last]).toBe(1);
  for (const m of ["pooling", "TCA", "JDA", "TrAdaBoost"]) {
    const g = c.methods[m];
    // the similar source helps (the whole interval below 0), pure noise hurts (the whole interval above 0)
    expect(g.upper[0]).toBeLessThan(0);
    expect(g.lower[last]).toBeGreaterThan(0);
    expect(g.gap[last]).toBeGreaterThan(0.1);
    // the crossing lies inside the continuum
    expect(c.crossing[m]).toBeGreaterThan(0);
    expect(c.crossing[m]).toBeLessThan(1);
  }
  expect(c.firstCrossing).toBeCloseTo(Math.min(...Object.values(c.crossing as Record<string, number>)), 5);
  // the method problem: the good setting transfers positively, a poor one negatively, on the same similar source
  const mp = saved.methodProblem as { setting: string; gap: number; lower: number; upper: number }[];
  expect(mp[0].upper).toBeLessThan(0);
  expect(mp.some((s) => s.lower > 0)).toBe(true);
  // the guard: never worse than target-only by more than its margin; it keeps the gain of the similar source
  // and refuses pure noise on every seed
  expect(saved.guard.worstGap).toBeLessThanOrEqual(saved.guard.worstHalfWidth);
  expect(c.guard.gap[0]).toBeLessThan(0);
  expect(c.guard.transferShare[0]).toBe(1);
  expect(c.guard.transferShare[last]).toBe(0);
  expect(c.guard.gap[last]).toBe(0);
  // LEEP and LogME rank the sources as a new head's accuracy does; renamed classes do not change them
  const rc = saved.transferability.rankCorrelation;
  expect(rc.LEEP.newHead.spearman).toBeGreaterThan(0.7);
  expect(rc.LogME.newHead.spearman).toBeGreaterThan(0.7);
  const rows = saved.transferability.candidates as Record<string, number | string>[];
  const clean = rows.find((r) => r.source === "DSLR, ρ = 0")!, renamed = rows.find((r) => r.source === "DSLR, classes renamed")!;
  expect(renamed.LEEP).toBeCloseTo(clean.LEEP as number, 3);
  expect(renamed.LogME).toBeCloseTo(clean.LogME as number, 3);
  expect(renamed["pooling (%)"] as number).toBeLessThan(clean["pooling (%)"] as number - 30);
  expect(figures(nb).length).toBeGreaterThanOrEqual(5);
  // the deep part scores the saved networks: on digits, the trained one beats the untrained one on both estimates
  expect(saved.deep.networks).toEqual(["digits-trained", "digits-untrained"]);
  const onDigits = (net: string) => saved.deep.rows.find((r: Record<string, string | number>) => r.network === net && r.target === "digits (MNIST)");
  expect(onDigits("digits-trained").LEEP).toBeGreaterThan(onDigits("digits-untrained").LEEP);
  expect(onDigits("digits-trained").LogME).toBeGreaterThan(onDigits("digits-untrained").LogME);
  expect(onDigits("digits-trained")["new head accuracy (%)"]).toBeGreaterThan(onDigits("digits-untrained")["new head accuracy (%)"]);
}, 300_000);
