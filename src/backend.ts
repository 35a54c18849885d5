/**
 * Choose the TensorFlow.js backend: native `tensorflow` (tfjs-node-gpu, CUDA) > webgpu (Dawn through the
 * `webgpu` package, loaded only when an adapter exists) > wasm > cpu.
 * `TL_BACKEND=name` forces one. The danfo install aliases `@tensorflow/tfjs-node` to plain tfjs, so a
 * successful `require` proves nothing: the native backend counts only when `tf.getBackend()` says
 * "tensorflow" after loading it.
 */
import * as tf from "./tf";
import "@tensorflow/tfjs-backend-wasm";

import * as fs from "fs";
import * as path from "path";

export const BACKENDS = ["tensorflow", "webgpu", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendChoice {
  /** the backend now active in tf */
  backend: BackendName;
  /** a short human description, e.g. "wasm (SIMD, 1 thread)" */
  description: string;
  /** why each better backend was not taken */
  skipped: { backend: BackendName; reason: string }[];
  /** true when TL_BACKEND chose it */
  forced: boolean;
}

let current: BackendChoice | null = null;

async function tryNative(): Promise<string | null> {
  try {
    // tfjs-node-gpu registers the "tensorflow" backend on require; it is optional and usually absent.
    require("@tensorflow/tfjs-node-gpu");
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    return /Cannot find module '@tensorflow\/tfjs-node-gpu'/.test(msg)
      ? "@tensorflow/tfjs-node-gpu is not installed (optional; needs CUDA and libtensorflow, see docs/backends.md)"
      : `@tensorflow/tfjs-node-gpu failed to load: ${msg}`;
  }
  if (tf.findBackend("tensorflow") == null) return "the tensorflow backend did not register";
  const ok = await tf.setBackend("tensorflow");
  if (!ok || tf.getBackend() !== "tensorflow") return "the tensorflow backend failed to initialise";
  return null;
}

/** the GPU the webgpu backend runs on, once found */
let webgpuDevice = "";

/** Linux: Dawn needs libvulkan.so.1; looking for it first spares loading Dawn (and its warning) where it is missing. */
function vulkanMissing(): boolean {
  if (process.platform !== "linux") return false;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean),
    "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib/x86_64-linux-gnu", "/lib64"];
  if (dirs.some((d) => fs.existsSync(path.join(d, "libvulkan.so.1")))) return false;
  try {
    return !fs.readFileSync("/etc/ld.so.cache").includes("libvulkan.so.1");
  } catch {
    return true;
  }
}

// the `webgpu` package is an ES module: a real import(), which TypeScript's CommonJS output would turn into require()
const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<Record<string, unknown>>;

/** Whether a package is installed where Node would look from here (without loading it: webgpu is ESM-only). */
function installed(name: string): boolean {
  return (require.resolve.paths(name) ?? []).some((dir) => fs.existsSync(path.join(dir, name, "package.json")));
}

/** the optional peers the webgpu backend needs (not installed by default: 150 MB, and slower than wasm at batch 32) */
const WEBGPU_PACKAGES = ["webgpu@0.6.2", "@tensorflow/tfjs-backend-webgpu@4.22.0"];

async function tryWebgpu(): Promise<string | null> {
  const missing = WEBGPU_PACKAGES.filter((p) => !installed(p.slice(0, p.lastIndexOf("@"))));
  if (missing.length > 0) {
    return `${missing.map((p) => p.slice(0, p.lastIndexOf("@"))).join(" and ")} not installed (optional: npm install ${WEBGPU_PACKAGES.join(" ")}; see docs/backends.md)`;
  }
  if (process.env.TL_WEBGPU_PROBE !== "1" && vulkanMissing()) {
    return "no Vulkan loader (libvulkan.so.1 not found; Dawn needs it on Linux — install the GPU driver's Vulkan ICD, or TL_WEBGPU_PROBE=1 to try anyway)";
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importEsm("webgpu");
  } catch (e) {
    return `the webgpu package failed to load: ${(e as Error).message.split("\n")[0]}`;
  }
  const create = mod.create as (flags: string[]) => { requestAdapter(o?: object): Promise<{ info?: Record<string, string> } | null> };
  let adapter;
  let gpu;
  try {
    gpu = create([]);
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (e) {
    return `WebGPU (Dawn) failed to start: ${(e as Error).message.split("\n")[0]}`;
  }
  if (!adapter) return "WebGPU found no adapter (no GPU that Dawn can drive)";
  // tfjs-backend-webgpu reads navigator.gpu and the GPU* constants from the global scope
  Object.assign(globalThis, mod.globals as object);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  try {
    Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  } catch {
    return "navigator.gpu cannot be set in this Node";
  }
  const info = adapter.info ?? {};
  webgpuDevice = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "unknown GPU";
  try {
    require("@tensorflow/tfjs-backend-webgpu");
    const ok = await tf.setBackend("webgpu");
    if (!ok || tf.getBackend() !== "webgpu") return "the webgpu backend failed to initialise";
    await tf.ready();
  } catch (e) {
    return `the webgpu backend failed: ${(e as Error).message.split("\n")[0]}`;
  }
  return null;
}

function tryBackend(name: BackendName): Promise<string | null> {
  if (name === "tensorflow") return tryNative();
  if (name === "webgpu") return tryWebgpu();
  return trySet(name);
}

async function trySet(name: "wasm" | "cpu"): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return `${name} failed to initialise`;
    await tf.ready();
    return null;
  } catch (e) {
    return `${name} failed: ${(e as Error).message}`;
  }
}

async function describe(name: BackendName): Promise<string> {
  if (name === "wasm") {
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT").catch(() => false);
    return `wasm (${simd ? "SIMD" : "no SIMD"}, single thread under Node)`;
  }
  if (name === "tensorflow") return "tensorflow (native libtensorflow via tfjs-node-gpu)";
  if (name === "webgpu") return `webgpu (Dawn, ${webgpuDevice})`;
  return "cpu (plain JavaScript, slowest)";
}

export interface UseBackendOptions {
  /** no one-line report on stdout */
  quiet?: boolean;
  /** a backend name to force (as TL_BACKEND) */
  prefer?: string;
  /**
   * Whether the code to run reads tensors synchronously (`dataSync`, `arraySync`; default true). WebGPU in Node
   * cannot (tfjs reads through an OffscreenCanvas, which Node lacks), so it is considered only with
   * `syncReads: false`, which the deep notebooks (06, 07) pass: their path reads asynchronously
   * (TL_STRICT_ASYNC=1 checks that). Forcing it with TL_BACKEND=webgpu is the user's call.
   */
  syncReads?: boolean;
}

const SYNC_READS_REASON =
  "this code may read tensors synchronously, which WebGPU in Node cannot (useBestBackend({ syncReads: false }) for code that reads asynchronously)";

/**
 * Activate the fastest backend that works here and report which one and why the others were skipped.
 * Set `TL_BACKEND` to force one (an unknown name is an error listing the valid ones).
 */
export async function useBestBackend(options: UseBackendOptions = {}): Promise<BackendChoice> {
  const forcedName = options.prefer ?? process.env.TL_BACKEND;
  const skipped: BackendChoice["skipped"] = [];
  let chosen: BackendName | null = null;
  if (forcedName) {
    if (!(BACKENDS as readonly string[]).includes(forcedName)) {
      throw new Error(`TL_BACKEND=${forcedName} is not a backend transferlab knows; valid: ${BACKENDS.join(", ")}`);
    }
    const name = forcedName as BackendName;
    const why = await tryBackend(name);
    if (why) throw new Error(`TL_BACKEND=${name} was asked for but cannot be used: ${why}`);
    chosen = name;
  } else {
    for (const name of BACKENDS) {
      const why = name === "webgpu" && options.syncReads !== false ? SYNC_READS_REASON : await tryBackend(name);
      if (why === null) {
        chosen = name;
        break;
      }
      skipped.push({ backend: name, reason: why });
    }
  }
  if (chosen === null) throw new Error(`no TensorFlow.js backend could be started: ${skipped.map((s) => s.reason).join("; ")}`);
  const strict = process.env.TL_STRICT_ASYNC;
  if (strict === "1" || strict === "warn") strictAsync(strict === "warn" ? "warn" : "throw");
  current = { backend: chosen, description: await describe(chosen), skipped, forced: Boolean(forcedName) };
  if (!options.quiet) {
    console.log(backendReport(current) + (strict === "1" ? " [strict async: synchronous reads throw]" : strict === "warn" ? " [strict async: synchronous reads reported]" : ""));
  }
  return current;
}

/** One line: which backend is in use and why better ones were skipped. */
export function backendReport(choice: BackendChoice): string {
  const skipped = choice.skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
  return `transferlab backend: ${choice.description}${choice.forced ? " [forced by TL_BACKEND]" : ""}` +
    (skipped ? ` — skipped ${skipped}` : "");
}

/** The backend chosen by the last `useBestBackend`, or null before it ran. */
export function currentBackend(): BackendChoice | null {
  return current;
}

let restoreStrict: (() => void) | null = null;

/**
 * Test aid (`TL_STRICT_ASYNC=1`, applied by `useBestBackend`): make every synchronous read of a tensor
 * (`dataSync`, `arraySync`, `bufferSync`, and tfjs code built on them such as `toString`) throw, as it does on
 * tfjs-backend-webgpu in Node (which reads synchronously through an OffscreenCanvas, which Node lacks), so code
 * paths meant for WebGPU can be checked on a CPU-only machine. Asynchronous reads (`await t.data()`) still work.
 * It wraps the engine's `readSync` (what those Tensor methods call), not the backend's: wasm's own kernels read
 * their inputs synchronously (gather's bounds check), which webgpu's kernels do not, so that would be a false alarm.
 * `mode: "warn"` (`TL_STRICT_ASYNC=warn`) reads anyway and reports each new call site once on stderr (to list them all
 * in one run). Returns a function that restores synchronous reads.
 */
export function strictAsync(mode: "throw" | "warn" = "throw"): () => void {
  restoreStrict?.();
  const engine = tf.engine() as unknown as { readSync(dataId: object): unknown };
  const original = engine.readSync;
  const seen = new Set<string>();
  engine.readSync = function (this: unknown, dataId: object) {
    const error = new Error(`synchronous read on ${tf.getBackend()} (as webgpu in Node would fail)`);
    if (mode === "throw") throw error;
    // the first frames outside tfjs: who asked for the read
    const site = (error.stack ?? "").split("\n").slice(1).filter((l) => !/node_modules[\\/]@tensorflow|backend\.js/.test(l)).slice(0, 3).map((l) => l.trim()).join(" < ");
    if (!seen.has(site)) {
      seen.add(site);
      process.stderr.write(`TL_STRICT_ASYNC: synchronous read at ${site}\n`);
    }
    return original.call(this, dataId);
  };
  restoreStrict = () => {
    engine.readSync = original;
    restoreStrict = null;
  };
  return restoreStrict;
}
