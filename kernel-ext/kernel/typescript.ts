/**
 * tslab's TypeScript: the fork `@tslab/typescript-for-tslab` (TS 5.0.4 with a completion entry point for
 * tslab), resolved from tslab's own location so a hoisting change in node_modules cannot swap it.
 *
 * It is 9 MB of JavaScript and a large part of the kernel's start: it loads through V8's code cache
 * (v8cache.ts), whose entry is written once the first cell has run (then it also holds the functions V8
 * compiled lazily while type-checking).
 */
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import { cachedScript, codeCacheUsed } from "./v8cache";
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

let loaded: TypeScript | undefined;

/**
 * The fork, loaded once per process and registered in require's cache, so tslab's own modules (its
 * public display API) get this very instance; compiled from V8's code cache (v8cache.ts) when there is one.
 */
export function loadTypeScript(): TypeScript {
  if (loaded) return loaded;
  const file = typescriptPath();
  const cached = require.cache[file];
  if (cached?.loaded) return (loaded = cached.exports as TypeScript);
  const source = fs.readFileSync(file, "utf8");
  const script = cachedScript(file, Module.wrap(source));
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const req = ((id: string) => mod.require(id)) as NodeRequire;
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  require.cache[file] = mod;
  return (loaded = mod.exports as TypeScript);
}

/** Whether this process started from a V8 code cache of the fork (for the start-up report). */
export function typescriptCacheUsed(): boolean {
  return codeCacheUsed(typescriptPath());
}
