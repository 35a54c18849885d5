/**
 * One submission's sandbox: a private directory for the notebook the runner executes (with hidden tests:
 * the kernel never sees it) and a separate working directory for the kernel that holds nothing but a link
 * to the libraries. The kernel command is the launcher (launcher.ts) around the default kernel argv.
 *
 * As root on Linux the kernel also gets a user, a PID namespace and a network namespace of its own; it
 * then talks to the grader over ZeroMQ ipc sockets in a folder only it (and root) can enter.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kernelArgv } from "../kernel/argv";
import type { LauncherConfig } from "./launcher";

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
}

/** What of the sandbox this machine allows, with why a part is off. */
export interface Isolation {
  user: boolean;
  pidNamespace: boolean;
  netNamespace: boolean;
  /** one line per part that is off */
  off: string[];
}

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
  const id = 1_900_000_000 + ((process.pid * 1000 + sandboxes++) % 90_000_000);
  return { uid: id, gid: id };
}

/**
 * Paths another user could read: student code runs as another user, so the sources, the gradebook and the
 * submissions must sit in folders others cannot enter (mode 0700 somewhere on the way).
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

/** What a kernel needs to read: node, the kernel's entry point, tslab and transferlab (symlinks resolved). */
function kernelFiles(): string[] {
  const files = [process.execPath, kernelArgv()[1]];
  for (const pkg of ["tslab/package.json", "transferlab/package.json"]) {
    try {
      files.push(require.resolve(pkg));
    } catch {
      // not installed beside us: the kernel will say so itself
    }
  }
  return files.map((f) => fs.realpathSync(f));
}

let probed: Isolation | undefined;

/**
 * Probe once what this machine allows: a user of our choosing (root, setpriv), PID and network namespaces
 * (unshare may be refused in a container without CAP_SYS_ADMIN).
 */
export function isolation(): Isolation {
  if (probed) return probed;
  const off: string[] = [];
  const linuxRoot = process.platform === "linux" && process.getuid?.() === 0;
  const setpriv = linuxRoot && fs.existsSync("/usr/bin/setpriv");
  // the kernel runs as another user: it must be able to read node, the kernel and the libraries
  const hidden = setpriv ? kernelFiles().filter((f) => readableByOthers([f]).length === 0) : [];
  const user = setpriv && hidden.length === 0;
  if (!linuxRoot) off.push("not root on Linux: student code runs as your user, with no PID or network namespace");
  else if (!setpriv) off.push("no setpriv (util-linux): student code runs as root");
  else if (!user) {
    off.push(`another user cannot read ${hidden[0]} (a folder on the way is not o+x, e.g. mode 0700): student code runs as root, ` +
      "with no PID namespace and no network namespace; put the project where other users can read it (chmod o+rx) to isolate it");
  }
  let pidNamespace = false;
  let netNamespace = false;
  if (user) {
    const probe = (flags: string[]) => spawnSync("unshare", [...flags, "--fork", "--kill-child", "--", "true"], { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
    const both = probe(["--pid", "--net"]);
    if (both.status === 0) pidNamespace = netNamespace = true;
    else {
      pidNamespace = probe(["--pid"]).status === 0;
      const net = probe(["--net"]);
      netNamespace = net.status === 0;
      const why = (r: ReturnType<typeof spawnSync>) => (r.error ? r.error.message : String(r.stderr ?? "").trim() || `exit ${r.status}`);
      if (!pidNamespace) off.push(`no PID namespace (unshare --pid: ${why(both)})`);
      if (!netNamespace) off.push(`no network namespace: student code can reach the network (unshare --net: ${why(net)})`);
    }
  }
  probed = { user, pidNamespace, netNamespace, off };
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

const KEEP_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "TL_BACKEND", "TL_QUICK"];

/** Node's settings for a kernel (a precompiling process uses the same, for V8's code cache to fit). */
export function nodeEnv(memoryMb = 2048): Record<string, string> {
  return { NODE_OPTIONS: `--max-old-space-size=${Math.max(64, Math.floor(memoryMb * 0.75))}` };
}

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
  let ipcDir: string | undefined;
  if (netNamespace) {
    // the kernel creates its sockets here; nobody else may enter (root, the grader, always can)
    ipcDir = fs.mkdtempSync(path.join(base, "ipc-"));
    fs.chownSync(ipcDir, user!.uid, user!.gid);
    fs.chmodSync(ipcDir, 0o700);
  }
  const memoryMb = options.memoryMb ?? 2048;
  // a scrubbed environment: nothing of ours (tokens, keys) reaches student code
  const env: Record<string, string> = { ...options.env, HOME: workDir, TMPDIR: workDir, USER: "student" };
  for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  Object.assign(env, nodeEnv(memoryMb));
  const marker = path.join(privateDir, "killed");
  const config: LauncherConfig = {
    cwd: workDir,
    env,
    memoryMb,
    wallSec: options.wallSec,
    marker,
    ...(user ? { uid: user.uid, gid: user.gid, pidNamespace: iso.pidNamespace, netNamespace } : {}),
    ...(options.ahead ? { armOnSignal: true } : {}),
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
    isolation: { user: Boolean(user), pidNamespace: Boolean(user) && iso.pidNamespace, netNamespace, off: iso.off },
    dispose() {
      fs.rmSync(privateDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
      if (ipcDir) fs.rmSync(ipcDir, { recursive: true, force: true });
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
