/**
 * Networks on disk: a TensorFlow.js IO handler that writes model.json (the network's spec as the model
 * topology, the weights manifest) and weights.bin with plain `fs` (no tfjs-node needed), and `trainOrLoad`,
 * which keeps trained base networks under dist/models/ (or TL_MODELS_DIR) keyed by their configuration, so
 * that later cells and notebooks reuse them instead of training again.
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as tf from "../../tf";
import { projectDir } from "../../data/domains";
import { Network, type NetworkSpec } from "./network";

const FORMAT = "transferlab-network";
/** bump when training code changes in a way that makes cached networks stale */
export const MODEL_CACHE_VERSION = 1;

/** A tf.io.IOHandler reading and writing `dir`/model.json + `dir`/weights.bin. */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  const modelPath = path.join(dir, "model.json"), weightsPath = path.join(dir, "weights.bin");
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await fs.promises.mkdir(dir, { recursive: true });
      const weights = artifacts.weightData ? Buffer.from(artifacts.weightData as ArrayBuffer) : Buffer.alloc(0);
      const json = {
        format: FORMAT,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      // weights first, model.json last and renamed in place: a folder with model.json is complete
      await fs.promises.writeFile(weightsPath, weights);
      const tmp = `${modelPath}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, JSON.stringify(json));
      await fs.promises.rename(tmp, modelPath);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.length } };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let json: { format?: string; modelTopology: {}; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: {} };
      try {
        json = JSON.parse(await fs.promises.readFile(modelPath, "utf8"));
      } catch (e) {
        throw new Error(`loadNetwork: cannot read ${modelPath}: ${(e as Error).message}`);
      }
      if (json.format !== FORMAT) throw new Error(`loadNetwork: ${modelPath} is not a transferlab network (format ${json.format})`);
      const buf = await fs.promises.readFile(weightsPath);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/** Write the network (spec, seed, frozen count, weights) to `dir`, with optional JSON `metadata` (e.g. its training history). */
export async function saveNetwork(net: Network, dir: string, metadata?: unknown): Promise<void> {
  const named = net.namedWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    await fileIOHandler(dir).save!({
      modelTopology: { spec: net.spec, seed: net.seed, frozen: net.frozen } as unknown as {},
      weightSpecs: specs,
      weightData: data,
      ...(metadata === undefined ? {} : { userDefinedMetadata: { metadata } as {} }),
    });
  } finally {
    named.forEach((w) => w.tensor.dispose());
  }
}

/** Read a network written by saveNetwork: the same outputs as the one saved. */
export async function loadNetwork(dir: string): Promise<Network> {
  return (await loadNetworkWithMetadata(dir)).net;
}

/** loadNetwork, and the metadata saved with it (undefined when none). */
export async function loadNetworkWithMetadata(dir: string): Promise<{ net: Network; metadata: unknown }> {
  const art = await fileIOHandler(dir).load!();
  const topo = art.modelTopology as { spec: NetworkSpec; seed: number; frozen: number };
  const net = new Network(topo.spec, topo.seed);
  const weights = tf.io.decodeWeights(art.weightData as ArrayBuffer, art.weightSpecs ?? []);
  try {
    net.layers.forEach((l, i) => l.variables.forEach((v, k) => {
      const name = `layer${i + 1}/${k === 0 ? "kernel" : "bias"}`;
      const w = weights[name];
      if (!w) throw new Error(`loadNetwork: ${dir} has no weights "${name}"`);
      v.assign(w);
    }));
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    Object.values(weights).forEach((w) => w.dispose());
  }
  net.frozen = topo.frozen ?? 0;
  return { net, metadata: (art.userDefinedMetadata as { metadata?: unknown } | undefined)?.metadata };
}

/** Where trained networks are kept: $TL_MODELS_DIR, else dist/models/ of the project (the workspace, or the working directory). */
export function modelsDir(): string {
  return process.env.TL_MODELS_DIR ? path.resolve(process.env.TL_MODELS_DIR) : path.join(projectDir(), "dist", "models");
}

/** The folder name of a cached network: `name`-<hash of the config and the cache version>. */
export function modelKey(name: string, config: unknown): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`trainOrLoad: name "${name}" must be a plain file name (letters, digits, . _ -)`);
  const hash = createHash("sha256").update(JSON.stringify({ v: MODEL_CACHE_VERSION, config })).digest("hex").slice(0, 12);
  return `${name}-${hash}`;
}

export interface TrainOrLoadResult<T = unknown> {
  net: Network;
  /** what `fit` returned (e.g. the TrainResult with its history), saved with the network and loaded back */
  info: T;
  /** true when it came from the cache */
  loaded: boolean;
  dir: string;
}

/**
 * The network cached under (name, config) — config must hold everything that decides the result (spec,
 * data, seed, epochs …) — or, when absent, `build()` trained by `fit(net)` and then saved with what fit
 * returned (JSON). A fit that returns `{ stopped: true }` (an interrupted train) is not saved.
 */
export async function trainOrLoad<T>(name: string, config: unknown, build: () => Network, fit: (net: Network) => Promise<T>): Promise<TrainOrLoadResult<T>> {
  const dir = path.join(modelsDir(), modelKey(name, config));
  if (fs.existsSync(path.join(dir, "model.json"))) {
    try {
      const { net, metadata } = await loadNetworkWithMetadata(dir);
      return { net, info: metadata as T, loaded: true, dir };
    } catch {
      // a damaged cache entry: train again and overwrite it
    }
  }
  const net = build();
  const info = await fit(net);
  // a stopped training (interrupt) is not cached: the next run trains it in full
  if ((info as { stopped?: boolean } | undefined)?.stopped !== true) await saveNetwork(net, dir, info === undefined ? undefined : JSON.parse(JSON.stringify(info)));
  return { net, info, loaded: false, dir };
}
