/**
 * notebooks/06-deep-transferability.ipynb and its exercise, executed headlessly (TL_QUICK=1): the four curves of
 * Yosinski et al. over every cut, the findings the notebook states, the figures; the exercise source runs green
 * and its student edition stops at the first task.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, expectReleasable, figures, pct1, readings, runExercise, runLecture } from "../helpers/notebooks";
import { KernelClient } from "../../kernel-ext/run/client";

jest.setTimeout(300_000);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-deep-nb06-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("06-deep-transferability: BnB/AnB/BnB⁺/AnB⁺ at every cut over two seeds; AnB falls with depth; AnB⁺ near baseB; digits transfer worse to clothes", async () => {
  // a fresh model cache: the test trains everything (and so checks trainOrLoad's training path)
  const { result, nb, saved } = await runLecture("06-deep-transferability", tmp, 300, { TL_MODELS_DIR: path.join(tmp, "models") });
  expect(result.status).toBe("ok");
  expect(saved.quick).toBe(true);
  expect(saved.seeds).toBe(2);
  // four variants × five cuts, accuracies in [0, 1]
  expect(saved.curves).toHaveLength(20);
  for (const c of saved.curves) {
    expect(["BnB", "AnB", "BnB+", "AnB+"]).toContain(c.variant);
    expect(c.mean).toBeGreaterThan(0.2);
    expect(c.mean).toBeLessThanOrEqual(1);
  }
  const at = (v: string, n: number) => saved.curves.find((c: { variant: string; n: number }) => c.variant === v && c.n === n).mean;
  expect(saved.baseB.mean).toBeGreaterThan(0.85);
  // the general first layers transfer, the specific last ones do not
  expect(at("AnB", 1)).toBeGreaterThan(saved.baseB.mean - 0.05);
  expect(at("AnB", 5)).toBeLessThan(at("AnB", 1) - 0.1);
  // fine-tuning the transferred layers recovers baseB's accuracy at every cut
  for (let n = 1; n <= 5; n++) expect(at("AnB+", n)).toBeGreaterThan(saved.baseB.mean - 0.03);
  // the findings table matches the curves it was computed from
  expect(saved.findings["AnB fall from n = 1 to 5 (points)"]).toBeCloseTo(100 * (at("AnB", 1) - at("AnB", 5)), 0);
  // into clothes: layers from other clothes transfer better at the deep cuts than layers from digits
  const sim = saved.clothes.anbFromClothes, dis = saved.clothes.anbFromDigits;
  expect(sim).toHaveLength(5);
  expect(sim[4]).toBeGreaterThan(dis[4]);
  // the reading is this run's: its verdicts follow the saved curves
  const text = readings(nb).join(" ");
  expect(text).toContain(`**AnB falls with depth — shown.** AnB is ${pct1(at("AnB", 1))} % at $n = 1$ (baseB ${pct1(saved.baseB.mean)} %) and ${pct1(at("AnB", 5))} % at $n = 5$`);
  const deep = (sim[3] + sim[4] - dis[3] - dis[4]) / 2;
  expect(text).toContain(`**Dissimilar tasks transfer worse at the deep cuts — ${deep > 0.01 ? "shown" : "not shown"}.**`);
  // the digits/clothes samples, the base curves, the four curves, the clothes curves
  expect(figures(nb).length).toBeGreaterThanOrEqual(4);
  // training cells are tagged for the GPU
  const gpuCells = nb.cells.filter((c) => ((c.metadata as { tags?: string[] }).tags ?? []).includes("gpu"));
  expect(gpuCells.length).toBeGreaterThanOrEqual(3);
  expect(result.seconds).toBeGreaterThan(0);
});

test("exercise 06-deep-transferability: the instructor source runs green; the student edition stops at task 1", async () => {
  const runs = await runExercise("06-deep-transferability", tmp);
  expectReleasable(runs, { points: [3, 3], solution: "net.copyLayersFrom(base, n)", firstTask: "test_make_anb" });
});

test("a Jupyter interrupt stops tl.deep.train at the next batch; the network keeps what it learned; the next cell uses it", async () => {
  const client = new KernelClient();
  await client.start(undefined, ROOT);
  try {
    const setup = await client.execute(`
import * as tl from "transferlab";
await tl.useBestBackend({ quiet: true, prefer: "wasm" });
const data = tl.loadMnist({ classes: [0, 1], perClass: 200, testPerClass: 100, seed: 1 });
const net = new tl.deep.Network(tl.deep.yosinskiSpec(2), 1);
const initial = Array.from(net.layers[5].variables[0].dataSync());
const listeners = process.listenerCount("SIGINT");
let batches = 0;
let result: tl.deep.TrainResult | undefined;`);
    expect(setup.status).toBe("ok");
    // a training cell far too long to finish: interrupted (SIGINT to the kernel) after 4 s
    const cut = await client.execute(
      "result = await tl.deep.train(net, data.train, { epochs: 10000, batchSize: 32, stopOnSigint: true, onBatch: () => { batches++; } });",
      { timeoutMs: 4000 });
    expect(cut.status).toBe("timeout");
    const after = await client.execute(`
await new Promise((r) => setTimeout(r, 500));
const trained = Array.from(net.layers[5].variables[0].dataSync());
console.log(JSON.stringify({ stopped: result?.stopped, samples: result?.samples, batches,
  changed: trained.some((v, i) => v !== initial[i]), accuracy: await net.evaluate(data.test.X, data.test.y),
  listenersBack: process.listenerCount("SIGINT") === listeners }));`);
    expect(after.status).toBe("ok");
    const text = after.outputs.filter((o) => o.output_type === "stream").map((o) => [(o as { text: string | string[] }).text].flat().join("")).join("");
    const r = JSON.parse(text.trim().split("\n").pop()!);
    expect(r.stopped).toBe(true);
    expect(r.batches).toBeGreaterThan(0);
    expect(r.samples).toBeLessThanOrEqual(r.batches * 32);
    expect(r.changed).toBe(true);
    expect(r.accuracy).toBeGreaterThan(0.9); // 0 against 1: learned within the seconds it ran
    expect(r.listenersBack).toBe(true);
  } finally {
    await client.shutdown();
  }
});
