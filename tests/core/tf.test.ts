/**
 * transferlab runs on tfjs-core alone (src/tf.ts): the union package `@tensorflow/tfjs` loads only when
 * `tl.tf` is read or gradients are needed. In a fresh process each (jest's own imports would load the union).
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

function node(script: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TL_BACKEND: "cpu" } });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

const loaded = `const loaded = (name) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + name + "/"));`;

test("requiring transferlab loads tfjs-core, not the union, layers, converter, data or WebGL", () => {
  const out = node(`${loaded}
    const tl = require("transferlab");
    const before = ["@tensorflow/tfjs", "@tensorflow/tfjs-layers", "@tensorflow/tfjs-converter", "@tensorflow/tfjs-data", "@tensorflow/tfjs-backend-webgl", "@tensorflow/tfjs-core"].map(loaded);
    const tf = tl.tf;
    console.log(JSON.stringify({ before, after: loaded("@tensorflow/tfjs"), layers: typeof tf.layers.dense, same: tf.Tensor === require("@tensorflow/tfjs-core").Tensor }));`);
  expect(out).toEqual({ before: [false, false, false, false, false, true], after: true, layers: "function", same: true });
});

test("every tensor method the union defines is there without it, and computes the same", () => {
  const out = node(`
    const tl = require("transferlab");
    const core = require("@tensorflow/tfjs-core");
    core.setBackend("cpu").then(() => {
    const methods = () => Object.getOwnPropertyNames(core.Tensor.prototype).filter((k) => typeof Object.getOwnPropertyDescriptor(core.Tensor.prototype, k).value === "function");
    const ours = new Set(methods());
    const x = core.tensor2d([[1, -2, 3], [4, 5, -6]]);
    const y = core.tensor2d([[0.5, 1, 2], [3, 1, -1]]);
    const run = () => [
      x.add(y), x.sub(y).abs(), x.matMul(y.transpose()), x.concat(y), x.concat([y, x], 1), x.stack(y), x.flatten(), x.as1D(), x.as2D(3, 2),
      x.reshapeAs(y.transpose()), x.toFloat(), x.toInt(), x.where(x.greater(0), y), x.oneHot ? x.toInt().abs().flatten().oneHot(7) : x,
      x.sum(1), x.mean(0, true), x.max(), x.argMax(1), x.square().sqrt(), x.exp().log(), x.clipByValue(-1, 1), x.slice([0, 1], [2, 2]), x.reshape([1, 2, 3, 1]).resizeBilinear([4, 6]), x.reshape([1, 2, 3, 1]).resizeNearestNeighbor([4, 6]),
    ].map((t) => t.arraySync());
    const before = run();
    require("@tensorflow/tfjs");
    const extra = methods().filter((k) => !ours.has(k));
    console.log(JSON.stringify({ count: ours.size, extra, same: JSON.stringify(run()) === JSON.stringify(before) }));
    });`);
  expect(out.extra).toEqual([]);
  expect(out.same).toBe(true);
  expect(out.count as number).toBeGreaterThanOrEqual(137);
});

test("gradients: a deep method registers them (the union) before it trains", () => {
  const out = node(`${loaded}
    const tl = require("transferlab");
    const before = loaded("@tensorflow/tfjs");
    require(require("path").join(require.resolve("transferlab"), "..", "tfjsUnion")).needGradients();
    const core = require("@tensorflow/tfjs-core");
    core.setBackend("cpu").then(() => {
    const g = core.grad((a) => a.square().sum())(core.tensor1d([1, 2, 3])).arraySync();
    console.log(JSON.stringify({ before, g }));
    });`);
  expect(out).toEqual({ before: false, g: [2, 4, 6] });
});
