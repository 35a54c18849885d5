/**
 * tslab's TypeScript: the fork `@tslab/typescript-for-tslab` (TS 5.0.4 with a completion entry point for
 * tslab), resolved from tslab's own location so a hoisting change in node_modules cannot swap it.
 *
 * It is 9 MB of JavaScript and a large part of the kernel's start. Node 20 has no module compile cache
 * (22 has), so this file loads it through vm.Script with V8 cached data, and writes that cache once the
 * first cell has run (then it also holds the functions V8 compiled lazily while type-checking).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import type * as TS from "@tslab/typescript-for-tslab";

export type TypeScript = typeof TS;

/** tslab's package directory. */
export function tslabDir(): string {
  return path.dirname(require.resolve("tslab/package.json"));
}

/** Absolute path of the fork's main file, as tslab's modules resolve it. */
export function typescriptPath(): string {
  return require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir()] });
}

/** The fork's version ("5.0.4") without loading it. */
export function typescriptVersion(): string {
  const pkg = path.join(path.dirname(typescriptPath()), "..", "package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

let loaded: { ts: TypeScript; script?: vm.Script; cacheFile?: string; cacheUsed: boolean } | undefined;

/**
 * The fork, loaded once per process and registered in require's cache, so tslab's own modules (its
 * public display API) get this very instance.
 */
export function loadTypeScript(): TypeScript {
  if (loaded) return loaded.ts;
  const file = typescriptPath();
  const cached = require.cache[file];
  if (cached?.loaded) {
    loaded = { ts: cached.exports as TypeScript, cacheUsed: false };
    return loaded.ts;
  }
  const cacheFile = codeCacheFile(file);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const source = fs.readFileSync(file, "utf8");
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const req = ((id: string) => mod.require(id)) as NodeRequire;
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  loaded = { ts: mod.exports as TypeScript, script, cacheFile, cacheUsed };
  return loaded.ts;
}

/** Whether this process started from a V8 code cache of the fork (for the start-up report). */
export function typescriptCacheUsed(): boolean {
  return loaded?.cacheUsed ?? false;
}

/**
 * Write the code cache when this process did not start from a valid one. Call it when the kernel is idle
 * after its first cell; failures (read-only home, full disk) only cost the next start its speed-up.
 */
export function saveTypeScriptCache(): void {
  if (!loaded?.script || !loaded.cacheFile || loaded.cacheUsed) return;
  try {
    const data = loaded.script.createCachedData();
    fs.mkdirSync(path.dirname(loaded.cacheFile), { recursive: true });
    const tmp = `${loaded.cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, loaded.cacheFile);
    loaded.cacheUsed = true;
  } catch {
    // see above
  }
}

/**
 * Where the code cache lives: TLAB_KERNEL_CACHE, else the user's cache directory. The name hashes what
 * V8 checks (the file, Node's version and flags), so a stale cache is never even tried.
 * TLAB_KERNEL_CACHE=off disables it.
 */
function codeCacheFile(file: string): string | undefined {
  const env = process.env.TLAB_KERNEL_CACHE;
  if (env === "off" || env === "0") return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const key = createHash("sha256")
    .update([file, stat.size, stat.mtimeMs, process.version, process.arch, process.execArgv.join(" ")].join("\0"))
    .digest("hex")
    .slice(0, 16);
  return path.join(env || userCacheDir(), `typescript-${key}.v8cache`);
}

function userCacheDir(): string {
  const home = os.homedir();
  if (process.platform === "win32") return path.join(process.env.LOCALAPPDATA ?? path.join(home, "AppData", "Local"), "transferlab", "Cache");
  if (process.platform === "darwin") return path.join(home, "Library", "Caches", "transferlab");
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, ".cache"), "transferlab");
}
