/**
 * One submission's sandbox: a private directory for the notebook the runner executes (with hidden tests:
 * the kernel never sees it) and a separate working directory for the kernel that holds nothing but a link
 * to the libraries. The kernel command is the launcher (launcher.ts) around the default kernel argv.
 */
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
  dispose(): void;
}

let sandboxes = 0;

/**
 * An unprivileged uid/gid of its own for each sandbox, when we are root on Linux (else student code runs as
 * us): one user per submission, so that two kernels running side by side cannot read each other's files.
 * Numeric ids far above any account's (setpriv needs no passwd entry).
 */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return undefined;
  if (!fs.existsSync("/usr/bin/setpriv")) return undefined;
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

let root: string | undefined;

/**
 * This process's folder of sandboxes, mode 0711: a kernel can enter its own folder but not list `..`, and
 * so learns nothing of the other submissions being graded. Removed when we exit.
 */
function sandboxRoot(): string {
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

export function createSandbox(options: SandboxOptions): Sandbox {
  const base = sandboxRoot();
  const privateDir = fs.mkdtempSync(path.join(base, "run-"));
  fs.chmodSync(privateDir, 0o700);
  const workDir = fs.mkdtempSync(path.join(base, "student-"));
  fs.symlinkSync(path.join(options.modules, "node_modules"), path.join(workDir, "node_modules"));
  const user = unprivileged();
  if (user) fs.chownSync(workDir, user.uid, user.gid);
  fs.chmodSync(workDir, 0o700);
  const memoryMb = options.memoryMb ?? 2048;
  // a scrubbed environment: nothing of ours (tokens, keys) reaches student code
  const env: Record<string, string> = { HOME: workDir, TMPDIR: workDir, USER: "student" };
  for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  env.NODE_OPTIONS = `--max-old-space-size=${Math.max(64, Math.floor(memoryMb * 0.75))}`;
  const marker = path.join(privateDir, "killed");
  const config: LauncherConfig = {
    cwd: workDir,
    env,
    memoryMb,
    wallSec: options.wallSec,
    marker,
    ...(user ? { uid: user.uid, gid: user.gid, pidNamespace: fs.existsSync("/usr/bin/unshare") } : {}),
  };
  const launcher = launcherPath();
  return {
    privateDir,
    workDir,
    marker,
    kernelCommand: [process.execPath, launcher, JSON.stringify(config), "--", ...kernelArgv()],
    user: user ? `uid ${user.uid}` : os.userInfo().username,
    dispose() {
      fs.rmSync(privateDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
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
