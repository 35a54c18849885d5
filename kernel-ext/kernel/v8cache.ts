/**
 * V8's code cache for the kernel's JavaScript: its own modules, zeromq, tslab's TypeScript fork and the
 * libraries cells require (transferlab, TF.js). Node 20 has no module compile cache (22 has
 * `module.enableCompileCache`); without one every kernel parses and compiles ~15 MB of JavaScript again:
 * measured, 0.3 s of a graded kernel's 1.1 s of CPU went to compiling modules (docs/grading.md).
 *
 * A module is compiled through vm.Script with the cached data of an earlier process when there is one; the
 * caches missing are written once the kernel is idle after its first cell (they then also hold the
 * functions V8 compiled lazily while the cell ran). A cache file's name hashes what V8 checks (the file,
 * its size and time, Node's version and flags), so a stale cache is never even tried; V8 rejects one that
 * does not fit anyway, and the module then compiles as usual.
 *
 * Who writes matters: a cache is code. A graded kernel (TLAB_GRADE_HARDEN) never writes one; it reads the
 * caches the grader wrote before the first submission (grade/warmcache.ts), from a folder it cannot write.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import Module = require("module");
import * as os from "os";
import * as path from "path";
import * as vm from "vm";

interface Loaded {
  script: vm.Script;
  cacheFile: string;
  /** started from a cache V8 accepted */
  used: boolean;
  /** its cache was written by this process */
  saved?: boolean;
}

/** Every script compiled through the cache in this process, by file. */
const loaded = new Map<string, Loaded>();

/** Where caches live: TLAB_KERNEL_CACHE, else the user's cache folder; undefined when TLAB_KERNEL_CACHE=off. */
export function codeCacheDir(): string | undefined {
  const env = process.env.TLAB_KERNEL_CACHE;
  if (env === "off" || env === "0") return undefined;
  return env || userCacheDir();
}

function userCacheDir(): string {
  const home = os.homedir();
  if (process.platform === "win32") return path.join(process.env.LOCALAPPDATA ?? path.join(home, "AppData", "Local"), "transferlab", "Cache");
  if (process.platform === "darwin") return path.join(home, "Library", "Caches", "transferlab");
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, ".cache"), "transferlab");
}

function cacheFileFor(dir: string, file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  // V8's flag hash covers NODE_OPTIONS' V8 flags too: the key includes them, so kernels started with
  // other limits keep caches of their own
  const key = sha([file, stat.size, stat.mtimeMs, process.version, process.arch, process.execArgv.join(" "), process.env.NODE_OPTIONS ?? ""].join("\0")).slice(0, 16);
  return path.join(dir, `${fileStem(file)}-${key}.v8cache`);
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** The part of a cache file's name that names its source file: caches of older builds of it share it. */
const fileStem = (file: string) => `${path.basename(file, ".js").replace(/[^\w.-]/g, "_").slice(0, 40)}-${sha(file).slice(0, 8)}`;

/**
 * `source` (already wrapped as a function expression) compiled as `file`, from its code cache when there
 * is a valid one. Without a cache folder it is a plain vm.Script.
 */
export function cachedScript(file: string, source: string): vm.Script {
  const dir = codeCacheDir();
  const cacheFile = dir ? cacheFileFor(dir, file) : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cacheFile) loaded.set(file, { script, cacheFile, used: cachedData !== undefined && !script.cachedDataRejected });
  return script;
}

/** Whether `file` was compiled from a code cache in this process. */
export function codeCacheUsed(file: string): boolean {
  return loaded.get(file)?.used ?? false;
}

/** Modules compiled, and how many of them came from a cache (the start-up report). */
export function codeCacheStats(): { modules: number; cached: number } {
  let cached = 0;
  for (const l of loaded.values()) if (l.used) cached++;
  return { modules: loaded.size, cached };
}

type CompileFn = (this: Module, content: string, filename: string) => unknown;
let installed = false;

/**
 * Compile the CommonJS modules this process loads from now on through the code cache. Modules that use
 * dynamic `import()` keep Node's own compile (a vm.Script has no module loader of its own for them).
 */
export function installModuleCodeCache(): void {
  if (installed || !codeCacheDir()) return;
  installed = true;
  const proto = Module.prototype as unknown as { _compile: CompileFn };
  const original = proto._compile;
  proto._compile = function (content: string, filename: string) {
    if (!filename.endsWith(".js") && !filename.endsWith(".cjs")) return original.call(this, content, filename);
    if (content.includes("import(")) return original.call(this, content, filename);
    // a shebang is only valid at the very start of a script, not inside the wrapper; keep the line count
    const body = content.startsWith("#!") ? `//${content}` : content;
    const wrapper = cachedScript(filename, Module.wrap(body)).runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
}

/** The `require` a module gets (what Node's makeRequireFunction builds). */
function requireFor(mod: Module): NodeJS.Require {
  const statics = Module as unknown as {
    _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
    _resolveLookupPaths(request: string, parent: Module): string[] | null;
    _extensions: NodeJS.RequireExtensions;
    _cache: NodeJS.Dict<NodeJS.Module>;
  };
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod);
  req.resolve = resolve;
  // read at call time: a graded kernel hides process.mainModule (harden.ts)
  Object.defineProperty(req, "main", { get: () => (process as { mainModule?: NodeJS.Module }).mainModule, enumerable: true });
  req.extensions = statics._extensions;
  req.cache = statics._cache;
  return req;
}

/**
 * Write the caches this process compiled without (best effort: a read-only or full disk costs the next
 * start its speed-up, nothing else). Written to a temporary file renamed into place, so a kernel starting
 * alongside never reads half a cache. A graded kernel never writes.
 */
export function saveCodeCache(): { written: number } {
  if (process.env.TLAB_GRADE_HARDEN === "1") return { written: 0 };
  let written = 0;
  for (const l of loaded.values()) {
    if (l.used || l.saved) continue;
    try {
      const data = l.script.createCachedData();
      fs.mkdirSync(path.dirname(l.cacheFile), { recursive: true });
      const tmp = `${l.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, l.cacheFile);
      l.saved = true;
      written++;
    } catch {
      // see above
    }
  }
  if (written) removeStale([...loaded.values()].filter((l) => l.saved).map((l) => l.cacheFile));
  return { written };
}

/** Caches of earlier builds of the files just cached (a rebuilt library, another Node): never read again. */
function removeStale(written: string[]): void {
  const keep = new Set(written.map((f) => path.basename(f)));
  const stems = new Set([...keep].map((n) => n.slice(0, n.lastIndexOf("-") + 1)));
  const dir = path.dirname(written[0]);
  try {
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith(".v8cache") || keep.has(f)) continue;
      if (stems.has(f.slice(0, f.lastIndexOf("-") + 1))) fs.rmSync(path.join(dir, f), { force: true });
    }
  } catch {
    // best effort, as the writes
  }
}
