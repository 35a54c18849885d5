/**
 * One submission's sandbox: a private directory for the notebook the runner executes (with hidden tests:
 * the kernel never sees it) and a separate working directory for the kernel that holds nothing but a link
 * to the libraries. The kernel command is the launcher (launcher.ts) around the default kernel argv.
 *
 * As root on Linux the kernel gets a user, and PID, network and mount namespaces of its own: it sees only
 * the file system mounts.ts builds (no course folder, no other submission, no gradebook), talks to the
 * grader over ZeroMQ ipc sockets in a folder only it (and root) can enter, and runs under the limits of
 * limits.ts. Where any part cannot be had, `isolation().off` says why and autograde refuses unless told
 * `insecure`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kernelArgv } from "../kernel/argv";
import { sandboxArgv, type LauncherConfig } from "./launcher";
import { createCgroup, DEFAULT_PROCESS_LIMIT, delegatedCgroup, type Limits } from "./limits";
import { buildRoot, kernelReadPaths, setupScript, unreadableByOthers, type MountPlan } from "./mounts";

export interface SandboxOptions {
  /** resident memory limit in MiB (default 2048); V8's heap limit is set a little below it */
  memoryMb?: number;
  /** wall-clock limit for the whole notebook in seconds */
  wallSec: number;
  /** the project root whose node_modules the kernel may use */
  modules: string;
  /** the kernel is started ahead of its submission: its wall clock starts at SIGUSR1 to the launcher (KernelPool.take) */
  ahead?: boolean;
  /** more environment for the kernel (e.g. the grader's read-only caches) */
  env?: Record<string, string>;
  /** more folders the kernel may read (the grader's compile caches), bound read-only */
  readOnly?: string[];
  /** size of the kernel's working folder in MiB (default 256) and of its /tmp (default 64) */
  workMb?: number;
  tmpMb?: number;
  /** processes and threads the kernel's user may have (default DEFAULT_PROCESS_LIMIT) */
  processes?: number;
}

/** What of the sandbox this machine allows, with why a part is off. */
export interface Isolation {
  user: boolean;
  pidNamespace: boolean;
  netNamespace: boolean;
  /** a file system of its own (mounts.ts): nothing of the grader's machine but node and the libraries */
  mountNamespace: boolean;
  /** one line per part that is off */
  off: string[];
}

/** Every part on: the only state autograde grades in without `insecure`. */
export const fullyIsolated = (iso: Isolation) => iso.user && iso.pidNamespace && iso.netNamespace && iso.mountNamespace;

export interface Sandbox {
  /** root-only: the notebook to run and the executed copy */
  privateDir: string;
  /** the kernel's working directory and HOME */
  workDir: string;
  marker: string;
  kernelCommand: string[];
  /** the user student code runs as, when we could drop privileges */
  user: string;
  /** the notebook's wall-clock limit, seconds */
  wallSec: number;
  /** how the grader reaches the kernel: loopback TCP, or ipc sockets in ipcDir (network namespace) */
  transport: "tcp" | "ipc";
  ipcDir?: string;
  isolation: Isolation;
  /** the hard limits this kernel runs under */
  limits: Limits;
  dispose(): void;
}

let sandboxes = 0;

/**
 * An unprivileged uid/gid of its own for each sandbox, when we are root on Linux (else student code runs as
 * us): one user per submission, so that two kernels running side by side cannot read each other's files.
 * Numeric ids far above any account's (setpriv needs no passwd entry).
 */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (!isolation().user) return undefined;
  const id = SANDBOX_UID_BASE + 1 + ((process.pid * 1000 + sandboxes++) % 90_000_000);
  return { uid: id, gid: id };
}

/**
 * Paths another user could read: without a mount namespace, student code running as another user sees
 * every file the machine lets others read, so the sources, the gradebook and the submissions must sit in
 * folders others cannot enter (mode 0700 somewhere on the way).
 */
export function readableByOthers(paths: string[]): string[] {
  return paths.filter((p) => {
    const abs = path.resolve(p);
    if (!fs.existsSync(abs)) return false;
    const st = fs.statSync(abs);
    if ((st.mode & (st.isDirectory() ? 0o005 : 0o004)) === 0) return false;
    // every folder on the way must let others through (o+x)
    for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
      if ((fs.statSync(dir).mode & 0o001) === 0) return false;
      if (dir === path.dirname(dir)) return true;
    }
  });
}

/** The project folder whose node_modules kernels use when the caller names none: ours. */
function ownModules(): string | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", "transferlab"))) return dir;
  }
  return undefined;
}

/** Programs the sandbox is built with (util-linux, coreutils), by absolute path. */
const TOOLS = ["/usr/bin/setpriv", "/usr/bin/unshare", "/usr/bin/prlimit", "/usr/sbin/chroot", "/usr/bin/env", "/bin/sh"];

let probed: Isolation | undefined;
const SANDBOX_UID_BASE = 1_900_000_000;

/**
 * Probe once what this machine allows, by building a real sandbox around `true`: a user of our choosing
 * (root, setpriv), PID and network namespaces and a mount namespace with our file system (unshare may be
 * refused in a container without CAP_SYS_ADMIN), the kernel's files readable by that user.
 */
export function isolation(): Isolation {
  if (probed) return probed;
  const off: string[] = [];
  const linuxRoot = process.platform === "linux" && process.getuid?.() === 0;
  const missing = TOOLS.filter((t) => !fs.existsSync(t));
  const modules = ownModules();
  // the kernel runs as another user: it must be able to read node, the kernel and the libraries
  const hidden = linuxRoot && modules ? unreadableByOthers([fs.realpathSync(process.execPath), ...kernelReadPaths(modules, [kernelPackage()])]) : [];
  const user = linuxRoot && missing.length === 0 && hidden.length === 0;
  if (!linuxRoot) off.push("not root on Linux: student code would run as your user, with no PID, network or mount namespace (run the grader as root, e.g. sudo)");
  else if (missing.length) off.push(`missing ${missing.join(", ")} (Debian: apt-get install util-linux coreutils): student code would run as root`);
  else if (!user) {
    off.push(`another user cannot read ${hidden[0]}: student code would run as root; make the project readable (chmod -R o+rX ${hidden[0]})`);
  }
  let pidNamespace = false;
  let netNamespace = false;
  let mountNamespace = false;
  if (user) {
    const why = (r: ReturnType<typeof spawnSync>) => (r.error ? r.error.message : String(r.stderr ?? "").trim().split("\n").pop() || `exit ${r.status}`);
    const probe = (flags: string[]) => spawnSync("unshare", [...flags, "--fork", "--kill-child", "--", "true"], { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
    const both = probe(["--pid", "--net"]);
    if (both.status === 0) pidNamespace = netNamespace = true;
    else {
      pidNamespace = probe(["--pid"]).status === 0;
      const net = probe(["--net"]);
      netNamespace = net.status === 0;
      if (!pidNamespace) off.push(`no PID namespace (unshare --pid: ${why(both)})`);
      if (!netNamespace) off.push(`no network namespace: student code can reach the network (unshare --net: ${why(net)})`);
    }
    // the whole file system plan, around `true` as the sandbox user
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-probe-"));
    try {
      const root = path.join(dir, "root");
      const work = path.join(dir, "work");
      fs.mkdirSync(work);
      const plan: MountPlan = { root, readOnly: modules ? kernelReadPaths(modules, [kernelPackage()]) : [], readWrite: [], workDir: work, workMb: 1, tmpMb: 1, uid: SANDBOX_UID_BASE, gid: SANDBOX_UID_BASE };
      buildRoot(plan);
      const config: LauncherConfig = { cwd: work, env: {}, memoryMb: 0, wallSec: 0, marker: "", uid: plan.uid, gid: plan.gid, processes: DEFAULT_PROCESS_LIMIT, mountScript: setupScript(plan) };
      const argv = sandboxArgv(config, [process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(kernelArgv()[1])}, 4)`]);
      const r = spawnSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], timeout: 20_000 });
      mountNamespace = r.status === 0;
      if (!mountNamespace) off.push(`no mount namespace: student code could read every file others may read, the course folder included (unshare --mount: ${why(r)})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  probed = { user, pidNamespace, netNamespace, mountNamespace, off };
  return probed;
}

let root: string | undefined;

/**
 * This process's folder of sandboxes, mode 0711: a kernel can enter its own folder but not list `..`, and
 * so learns nothing of the other submissions being graded. Removed when we exit.
 */
export function sandboxRoot(): string {
  if (root && fs.existsSync(root)) return root;
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-grade-"));
  fs.chmodSync(dir, 0o711);
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  root = dir;
  return dir;
}

/** Remove this process's sandbox folder once every sandbox in it is gone (the end of a grading run). */
export function releaseSandboxRoot(): void {
  if (!root) return;
  try {
    fs.rmdirSync(root); // only when empty: a sandbox still in use keeps it
    root = undefined;
  } catch {
    // still in use, or already gone
  }
}

/** The kernel's environment is built from this allowlist, never inherited. */
const KEEP_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "TL_BACKEND", "TL_QUICK", "TRANSFERLAB_DATA"];

/** What of our environment a kernel, or a process of ours that prepares for kernels, keeps (KEEP_ENV). */
export function keptEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return env;
}

/** Node's settings for a kernel (a precompiling process uses the same, for V8's code cache to fit). */
export function nodeEnv(memoryMb = 2048): Record<string, string> {
  return { NODE_OPTIONS: `--max-old-space-size=${Math.max(64, Math.floor(memoryMb * 0.75))}` };
}

/** kernel-ext's folder (the kernel's entry point lives in it): bound read-only like the libraries. */
const kernelPackage = () => path.resolve(path.dirname(kernelArgv()[1]), "..", "..");

let cgroupParent: { dir: string } | { why: string } | undefined;

export function createSandbox(options: SandboxOptions): Sandbox {
  const base = sandboxRoot();
  const privateDir = fs.mkdtempSync(path.join(base, "run-"));
  fs.chmodSync(privateDir, 0o700);
  const workDir = fs.mkdtempSync(path.join(base, "student-"));
  fs.symlinkSync(path.join(options.modules, "node_modules"), path.join(workDir, "node_modules"));
  const user = unprivileged();
  if (user) fs.chownSync(workDir, user.uid, user.gid);
  fs.chmodSync(workDir, 0o700);
  const iso = isolation();
  const netNamespace = Boolean(user) && iso.netNamespace;
  const mountNamespace = Boolean(user) && iso.mountNamespace;
  let ipcDir: string | undefined;
  if (netNamespace) {
    // the kernel creates its sockets here; nobody else may enter (root, the grader, always can)
    ipcDir = fs.mkdtempSync(path.join(base, "ipc-"));
    fs.chownSync(ipcDir, user!.uid, user!.gid);
    fs.chmodSync(ipcDir, 0o700);
  }
  const memoryMb = options.memoryMb ?? 2048;
  const processes = options.processes ?? DEFAULT_PROCESS_LIMIT;
  const workMb = options.workMb ?? 256;
  const tmpMb = options.tmpMb ?? 64;
  // a scrubbed environment: nothing of ours (tokens, keys) reaches student code
  const env: Record<string, string> = { ...options.env, HOME: workDir, TMPDIR: mountNamespace ? "/tmp" : workDir, USER: "student", TLAB_GRADE_HARDEN: "1" };
  Object.assign(env, keptEnv(), nodeEnv(memoryMb));
  const marker = path.join(privateDir, "killed");
  let cgroup: ReturnType<typeof createCgroup> | undefined;
  let cgroupState = "off: student code shares our uid";
  if (user) {
    cgroupParent ??= delegatedCgroup();
    if ("dir" in cgroupParent) {
      try {
        cgroup = createCgroup(cgroupParent.dir, memoryMb, processes);
        cgroupState = `cgroup v2 ${cgroup.dir}: memory.max ${memoryMb} MiB, pids.max ${processes}`;
      } catch (e) {
        cgroupState = `off: cannot create a cgroup in ${cgroupParent.dir} (${(e as Error).message})`;
      }
    } else cgroupState = `off: ${cgroupParent.why}`;
  }
  let script: string | undefined;
  if (mountNamespace) {
    const root = path.join(privateDir, "root");
    const extra = [kernelPackage(), ...(options.readOnly ?? []), ...(process.env.TRANSFERLAB_DATA ? [process.env.TRANSFERLAB_DATA] : [])];
    const plan: MountPlan = { root, readOnly: kernelReadPaths(options.modules, extra), readWrite: ipcDir ? [ipcDir] : [], workDir, workMb, tmpMb, uid: user!.uid, gid: user!.gid };
    buildRoot(plan);
    script = setupScript(plan, cgroup?.procs);
  }
  const config: LauncherConfig = {
    cwd: workDir,
    env,
    memoryMb,
    wallSec: options.wallSec,
    marker,
    ...(user ? { uid: user.uid, gid: user.gid, pidNamespace: iso.pidNamespace, netNamespace, processes } : {}),
    ...(script ? { mountScript: script } : {}),
    ...(options.ahead ? { armOnSignal: true } : {}),
  };
  const limits: Limits = {
    processes: user ? processes : null,
    memory: `watchdog: the kernel's process group is killed above ${memoryMb} MiB resident${cgroup ? "; cgroup memory.max" : ""}`,
    cgroup: cgroupState,
    disk: mountNamespace ? `working folder ${workMb} MiB, /tmp ${tmpMb} MiB (tmpfs)` : "none: the working folder is on the grader's disk",
  };
  const launcher = launcherPath();
  return {
    privateDir,
    workDir,
    marker,
    kernelCommand: [process.execPath, launcher, JSON.stringify(config), "--", ...kernelArgv()],
    user: user ? `uid ${user.uid}` : os.userInfo().username,
    wallSec: options.wallSec,
    transport: ipcDir ? "ipc" : "tcp",
    ...(ipcDir ? { ipcDir } : {}),
    isolation: { user: Boolean(user), pidNamespace: Boolean(user) && iso.pidNamespace, netNamespace, mountNamespace, off: iso.off },
    limits,
    dispose() {
      fs.rmSync(privateDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
      if (ipcDir) fs.rmSync(ipcDir, { recursive: true, force: true });
      cgroup?.remove();
    },
  };
}

/** The compiled launcher: next to us in lib/grade, or in lib/grade when we run from the sources (tests). */
function launcherPath(): string {
  const here = path.join(__dirname, "launcher.js");
  if (fs.existsSync(here)) return here;
  const built = path.resolve(__dirname, "..", "lib", "grade", "launcher.js");
  if (fs.existsSync(built)) return built;
  throw new Error(`cannot find the sandbox launcher (${here}); build kernel-ext first (npm run build)`);
}

/** Why the launcher killed the kernel ("memory", "timeout"), if it did. */
export function killedFor(sb: Sandbox): string | undefined {
  try {
    return fs.readFileSync(sb.marker, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
