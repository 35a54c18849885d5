/**
 * Training speed of the deep networks of notebooks 06–07 on every TensorFlow.js backend that loads here:
 * samples/s for one epoch (after a warm-up epoch) side by side, with the ratio to the cpu backend.
 *
 *   npm run bench:train
 *   node bench/lib/bench/train.js --backends webgpu,wasm,cpu --epochs 1 --samples 2048 --json
 *
 * Flags: --backends a,b (default: tensorflow,webgpu,wasm,cpu; the ones that do not load are reported, not fatal),
 * --epochs N (timed epochs, default 1), --samples N (default 2048), --cpu-samples N (the cpu backend is ~100×
 * slower: default 256), --batch N (default 32), --nets a,b (default all: convnet06, convnet07, mlp07), --json (one JSON object).
 *
 * With cpu among the backends, a baseline row "layers-cpu" trains the same architecture as a plain tf.layers
 * model (tf.conv2d with TensorFlow.js's own gradients) on the cpu backend: what training cost before this
 * library's wasm-trainable convolution (tf.conv2d's filter gradient does not exist on wasm at all).
 */
import * as tf from "@tensorflow/tfjs";
// only the modules it needs (not ../src/index): the bench also runs from a pruned copy of node_modules on a GPU machine
import { useBestBackend, BACKENDS, type BackendChoice } from "../src/backend";
import { Random } from "../src/random";
import { Network, yosinskiSpec, mlpSpec, train, type NetworkSpec } from "../src/model/deep";

const tl = { useBestBackend, BACKENDS, Random, Network, yosinskiSpec, mlpSpec, train };

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
  return v;
}
const KNOWN = ["backends", "epochs", "samples", "cpu-samples", "batch", "nets", "json"];
for (const a of process.argv.slice(2)) if (a.startsWith("--") && !KNOWN.includes(a.slice(2))) throw new Error(`unknown flag ${a}; valid: ${KNOWN.map((k) => "--" + k).join(", ")}`);
const JSON_ONLY = process.argv.includes("--json");
const backends = flag("backends", "tensorflow,webgpu,wasm,cpu").split(",");
const epochs = Number(flag("epochs", "1"));
const samples = Number(flag("samples", "2048"));
const cpuSamples = Number(flag("cpu-samples", "256"));
const batchSize = Number(flag("batch", "32"));
for (const b of backends) if (!(tl.BACKENDS as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend "${b}"; valid: ${tl.BACKENDS.join(", ")}`);

const NETS: Record<string, { spec: NetworkSpec; what: string }> = {
  convnet06: { spec: tl.yosinskiSpec(5), what: "notebook 06 convnet, 14×14×1, conv8·conv8·conv16·dense64·dense64·5" },
  convnet07: { spec: tl.yosinskiSpec(10, { size: 16 }), what: "the same convnet on 16×16×1, 10 classes" },
  mlp07: { spec: tl.mlpSpec(256, [256, 128], 10), what: "MLP 256·256·128·10 (16×16 inputs)" },
};
const nets = flag("nets", Object.keys(NETS).join(",")).split(",");
for (const n of nets) if (!NETS[n]) throw new Error(`--nets: unknown network "${n}"; valid: ${Object.keys(NETS).join(", ")}`);

const log = (s: string) => { if (!JSON_ONLY) console.log(s); };

/** Seeded random images and labels shaped for `spec`. */
function data(spec: NetworkSpec, n: number): { X: tf.Tensor2D; y: Int32Array } {
  const d = spec.input.reduce((a, b) => a * b, 1);
  const classes = (spec.layers[spec.layers.length - 1] as { units: number }).units;
  const rng = new tl.Random(7);
  const X = new Float32Array(n * d);
  for (let i = 0; i < X.length; i++) X[i] = rng.next();
  return { X: tf.tensor2d(X, [n, d]), y: Int32Array.from({ length: n }, (_, i) => i % classes) };
}

/** The same architecture as a tf.layers model (tf.conv2d and its built-in gradients). */
function layersModel(spec: NetworkSpec): tf.LayersModel {
  const m = tf.sequential();
  let flat = spec.input.length === 1;
  spec.layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape: spec.input } : {};
    if (l.type === "conv") {
      m.add(tf.layers.conv2d({ filters: l.filters, kernelSize: 3, padding: "same", activation: "relu", ...first }));
      if (l.pool) m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }));
    } else {
      if (!flat) { m.add(tf.layers.flatten(first)); flat = true; }
      m.add(tf.layers.dense({ units: l.units, activation: l.activation === "linear" ? "linear" : "relu", ...(i === 0 ? first : {}) }));
    }
  });
  m.compile({ optimizer: tf.train.adam(0.002), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  return m;
}

async function layersBaseline(spec: NetworkSpec, n: number): Promise<{ samplesPerSec: number; seconds: number }> {
  const { X, y } = data(spec, n);
  const classes = (spec.layers[spec.layers.length - 1] as { units: number }).units;
  const x4 = X.reshape([n, ...spec.input]);
  const y1 = tf.oneHot(tf.tensor1d(y, "int32"), classes);
  const m = layersModel(spec);
  const warm = Math.min(n, 4 * batchSize);
  await m.fit(x4.slice(0, warm), y1.slice(0, warm), { epochs: 1, batchSize, verbose: 0 });
  const t = performance.now();
  await m.fit(x4, y1, { epochs, batchSize, verbose: 0, shuffle: true });
  const seconds = (performance.now() - t) / 1000;
  m.dispose();
  tf.dispose([X, x4, y1]);
  return { samplesPerSec: (n * epochs) / seconds, seconds };
}

interface Row { backend: string; device: string; net: string; samples: number; samplesPerSec: number; secondsPerEpoch: number }

async function main(): Promise<void> {
  const rows: Row[] = [];
  const skipped: { backend: string; reason: string }[] = [];
  log(`# bench:train — one training epoch per network and backend (${epochs} timed epoch(s) after one warm-up; batch ${batchSize})`);
  for (const b of backends) {
    let choice: BackendChoice;
    try {
      choice = await tl.useBestBackend({ prefer: b, quiet: true });
    } catch (e) {
      skipped.push({ backend: b, reason: (e as Error).message });
      log(`${b}: skipped — ${(e as Error).message}`);
      continue;
    }
    for (const name of nets) {
      const { spec } = NETS[name];
      const n = b === "cpu" ? Math.min(cpuSamples, samples) : samples;
      const { X, y } = data(spec, n);
      const net = new tl.Network(spec, 1);
      await tl.train(net, { X: X.slice(0, Math.min(n, 4 * batchSize)), y: y.slice(0, Math.min(n, 4 * batchSize)) }, { epochs: 1, batchSize }); // warm-up: kernels compiled, buffers allocated
      const r = await tl.train(net, { X, y }, { epochs, batchSize, seed: 1 });
      rows.push({ backend: b, device: choice.description, net: name, samples: r.samples, samplesPerSec: r.samplesPerSec, secondsPerEpoch: r.seconds / epochs });
      log(`${b.padEnd(10)} ${name.padEnd(10)} ${r.samplesPerSec.toFixed(0).padStart(8)} samples/s  (${(r.seconds / epochs).toFixed(2)} s/epoch of ${n})`);
      net.dispose();
      X.dispose();
    }
    if (b === "cpu") {
      for (const name of nets) {
        const n = Math.min(cpuSamples, samples);
        const r = await layersBaseline(NETS[name].spec, n);
        rows.push({ backend: "layers-cpu", device: "tf.layers on cpu (tf.conv2d's own gradients)", net: name, samples: n * epochs, samplesPerSec: r.samplesPerSec, secondsPerEpoch: r.seconds / epochs });
        log(`${"layers-cpu".padEnd(10)} ${name.padEnd(10)} ${r.samplesPerSec.toFixed(0).padStart(8)} samples/s  (${(r.seconds / epochs).toFixed(2)} s/epoch of ${n}; baseline: a plain tf.layers model)`);
      }
    }
  }
  const rate = (b: string, net: string) => rows.find((r) => r.backend === b && r.net === net)?.samplesPerSec;
  const ran = [...new Set(rows.map((r) => r.backend))];
  const cell = (v: number, ref: number | undefined) => ref ? `${v.toFixed(0)} (${(v / ref).toFixed(1)}×)` : v.toFixed(0);
  log("\n## samples/s side by side (ratio to the cpu backend)");
  log(["network", ...ran].join("\t"));
  for (const net of nets) log([net, ...ran.map((b) => cell(rate(b, net)!, rate("cpu", net)))].join("\t"));
  if (ran.includes("layers-cpu")) {
    log("\n## ratio to the baseline: a plain tf.layers model on the cpu backend");
    log(["network", ...ran].join("\t"));
    for (const net of nets) log([net, ...ran.map((b) => cell(rate(b, net)!, rate("layers-cpu", net)))].join("\t"));
  }
  for (const net of nets) log(`${net}: ${NETS[net].what}`);
  const summary = {
    epochs, batchSize, samples, cpuSamples, rows, skipped,
    ratioToCpu: Object.fromEntries(nets.map((net) => [net, Object.fromEntries(ran.map((b) => [b, rate("cpu", net) ? +(rate(b, net)! / rate("cpu", net)!).toFixed(2) : null]))])),
    ratioToLayersCpu: Object.fromEntries(nets.map((net) => [net, Object.fromEntries(ran.map((b) => [b, rate("layers-cpu", net) ? +(rate(b, net)! / rate("layers-cpu", net)!).toFixed(2) : null]))])),
  };
  if (JSON_ONLY) console.log(JSON.stringify(summary));
  else console.log(`\nJSON ${JSON.stringify(summary)}`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
