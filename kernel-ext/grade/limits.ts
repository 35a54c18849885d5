/**
 * Hard limits on one submission's kernel, beyond the launcher's memory watchdog:
 * - processes: RLIMIT_NPROC for the submission's own uid (prlimit before setpriv), so a fork bomb stops at
 *   the cap; the uid is the submission's alone, so the count is exactly its processes and threads;
 * - cgroup v2 `memory.max` and `pids.max`, where a delegated cgroup v2 tree exists: the grader's own cgroup
 *   on a unified hierarchy with `memory` and `pids` enabled for its children. We create one child cgroup
 *   per kernel and remove it afterwards; nothing else of the machine's cgroups is touched. On cgroup v1
 *   (as on the machine CI runs on) this part is off, and the watchdog and RLIMIT_NPROC are what hold.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * Processes and threads one kernel may have: node runs ~12 threads of its own (V8 workers, libuv's pool,
 * ZeroMQ's I/O threads) and a cell may start a few children; a fork bomb stops here.
 */
export const DEFAULT_PROCESS_LIMIT = 96;

/** The limits in force for a kernel, as recorded in the gradebook. */
export interface Limits {
  /** RLIMIT_NPROC of the submission's uid, or null when the kernel shares our uid (no cap possible) */
  processes: number | null;
  /** how memory is limited: the watchdog always; the cgroup's memory.max where delegated */
  memory: string;
  /** cgroup v2 in force, or why not */
  cgroup: string;
  /** the working folder's and /tmp's size caps (tmpfs), or why none */
  disk: string;
}

/** A delegated cgroup v2 folder our kernels' cgroups can go in, or why there is none. */
export function delegatedCgroup(mount = "/sys/fs/cgroup", self = "/proc/self/cgroup"): { dir: string } | { why: string } {
  if (!fs.existsSync(path.join(mount, "cgroup.controllers"))) {
    const v1 = fs.existsSync(path.join(mount, "memory")) || fs.existsSync(path.join(mount, "pids"));
    return { why: v1 ? "cgroup v1 controllers on this machine (no cgroup v2 tree)" : `no cgroup v2 hierarchy at ${mount}` };
  }
  let rel = "/";
  try {
    const line = fs.readFileSync(self, "utf8").split("\n").find((l) => l.startsWith("0::"));
    if (line) rel = line.slice(3).trim() || "/";
  } catch {
    // not Linux's /proc: take the root
  }
  const dir = path.join(mount, rel);
  let enabled: string[] = [];
  try {
    enabled = fs.readFileSync(path.join(dir, "cgroup.subtree_control"), "utf8").trim().split(/\s+/);
  } catch (e) {
    return { why: `cannot read ${dir}/cgroup.subtree_control (${(e as Error).message})` };
  }
  const missing = ["memory", "pids"].filter((c) => !enabled.includes(c));
  if (missing.length) return { why: `the grader's cgroup ${dir} does not delegate ${missing.join(" and ")} to its children` };
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return { why: `cannot create cgroups in ${dir} (not writable)` };
  }
  return { dir };
}

let made = 0;

/** A cgroup of our own for one kernel, with its caps written; `procs` is where its first process joins. */
export function createCgroup(parent: string, memoryMb: number, processes: number): { dir: string; procs: string; remove(): void } {
  const dir = path.join(parent, `tlab-${process.pid}-${made++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "memory.max"), String(memoryMb * 1024 * 1024));
  try {
    fs.writeFileSync(path.join(dir, "memory.swap.max"), "0"); // absent where swap is not accounted
  } catch {
    // memory.max alone then
  }
  fs.writeFileSync(path.join(dir, "pids.max"), String(processes));
  return {
    dir,
    procs: path.join(dir, "cgroup.procs"),
    remove() {
      // only once its processes are gone (the kernel has exited): rmdir of a populated cgroup fails
      try {
        fs.rmdirSync(dir);
      } catch {
        // still populated or already gone: the next attempt (process exit) tries again
      }
    },
  };
}
