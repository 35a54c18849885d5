/**
 * The grader fills the code cache its kernels read (kernel/v8cache.ts) before the first submission: one
 * short process of ours, not sandboxed, loads what a graded kernel loads (the kernel's modules and the
 * packages the source notebook's cells import) and writes V8's caches into a folder the kernels can read
 * and not write. A kernel never writes a cache another one runs: a cache is code.
 *
 *   node lib/grade/warmcache.js CONFIG_JSON      (what warmCodeCache spawns)
 */
import { spawnSync } from "child_process";

export interface WarmConfig {
  /** folder whose node_modules the kernels use */
  modules: string;
  /** bare module names the cells import */
  packages: string[];
}

/**
 * Write the caches into `dir` (the kernels' TLAB_KERNEL_CACHE), with the kernels' environment (its
 * NODE_OPTIONS are part of a cache's key). Best effort: on failure kernels compile as usual; the reason
 * is returned for the run's report.
 */
export function warmCodeCache(dir: string, config: WarmConfig, env: Record<string, string>): { written: number } | { failed: string } {
  const r = spawnSync(process.execPath, [__filename, JSON.stringify(config)], {
    env: { ...env, TLAB_KERNEL_CACHE: dir },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) return { failed: (r.error?.message ?? r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`) || `exit ${r.status}` };
  return { written: Number(/written (\d+)/.exec(r.stdout)?.[1] ?? 0) };
}

function main(config: WarmConfig): void {
  // as kernel/main.ts does: the hook first, then the kernel's modules
  const cache = require("../kernel/v8cache") as typeof import("../kernel/v8cache");
  cache.installModuleCodeCache();
  require("../kernel/server");
  for (const p of config.packages) {
    try {
      require(require.resolve(p, { paths: [config.modules] }));
    } catch {
      // a package the kernels cannot load either: they report it in the cell
    }
  }
  const { written } = cache.saveCodeCache();
  process.stdout.write(`written ${written}\n`);
}

if (require.main === module) main(JSON.parse(process.argv[2] ?? "{}") as WarmConfig);
