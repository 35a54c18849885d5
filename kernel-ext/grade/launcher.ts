/**
 * The sandbox around one kernel, run as the kernel command (`node launcher.js CONFIG -- argv…`): the runner
 * starts it as the leader of its own process group; it starts the kernel in that group with a scrubbed
 * environment in the sandbox directory, polls the group's resident memory, enforces the per-notebook
 * wall-clock limit, and writes why it killed the group to a marker file the grader reads. As root it
 * drops to an unprivileged user and puts the kernel in its own PID namespace, so that a child that
 * escapes the process group (setsid) still dies with the kernel, and in a network namespace of its own
 * (no interface but a loopback that is down: the kernel talks to the grader over ipc sockets), and in a
 * mount namespace whose root holds only what mounts.ts binds there; its user may have at most `processes`
 * processes and threads (RLIMIT_NPROC).
 *
 * A kernel started ahead by the pool waits for its submission: its wall clock starts at SIGUSR1.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface LauncherConfig {
  /** the kernel's working directory (the sandbox) */
  cwd: string;
  /** the kernel's whole environment */
  env: Record<string, string>;
  /** resident memory limit of the process group, in MiB */
  memoryMb: number;
  /** wall-clock limit for the whole notebook, in seconds */
  wallSec: number;
  /** where to write "memory" or "timeout" when the launcher kills the group */
  marker: string;
  /** run the kernel as this uid/gid (root only) */
  uid?: number;
  gid?: number;
  /** wrap the kernel in a PID namespace (root only) */
  pidNamespace?: boolean;
  /** and in a network namespace of its own (root only) */
  netNamespace?: boolean;
  /** RLIMIT_NPROC for the kernel's uid (root only) */
  processes?: number;
  /** the mount namespace's set-up (mounts.ts setupScript), run by /bin/sh as root before the kernel */
  mountScript?: string;
  /** start the wall clock at SIGUSR1 (the kernel was started ahead of its submission), not at once */
  armOnSignal?: boolean;
}

/** How long a kernel started ahead may wait for its submission before it is killed (a grader bug). */
const IDLE_LIMIT_SEC = 1800;

/** Resident memory (KiB) of every process in process group `pgid`, from /proc. */
export function groupRssKb(pgid: number): number {
  let total = 0;
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // fields after the command name "(…)": state ppid pgrp
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) !== pgid) continue;
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${name}/status`, "utf8"));
      if (m) total += Number(m[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * The command that runs `argv` inside the sandbox `config` describes: unshare (PID, network, mount
 * namespaces) → the mount script as root → chroot → prlimit (RLIMIT_NPROC) → setpriv (the submission's
 * user, no capabilities, no_new_privs) → argv. Without a uid: argv as it is.
 */
export function sandboxArgv(config: LauncherConfig, argv: string[]): string[] {
  if (config.uid !== undefined) {
    // no_new_privs: a setuid program (su, mount) cannot give the kernel's user root back
    argv = ["setpriv", `--reuid=${config.uid}`, `--regid=${config.gid ?? config.uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", ...argv];
    if (config.processes) argv = ["prlimit", `--nproc=${config.processes}:${config.processes}`, "--", ...argv];
  }
  if (config.mountScript) argv = ["/bin/sh", "-c", config.mountScript, "tlab-sandbox", ...argv];
  if (config.pidNamespace || config.netNamespace || config.mountScript) {
    const ns = [...(config.pidNamespace ? ["--pid"] : []), ...(config.netNamespace ? ["--net"] : []), ...(config.mountScript ? ["--mount", "--propagation", "private"] : [])];
    argv = ["unshare", ...ns, "--fork", "--kill-child", "--", ...argv];
  }
  return argv;
}

function main(): void {
  const sep = process.argv.indexOf("--");
  const config = JSON.parse(process.argv[2]) as LauncherConfig;
  let argv = process.argv.slice(sep + 1);
  const pgid = process.pid;
  if (config.uid !== undefined) {
    // the runner's connection file sits in a private directory of ours: hand the kernel a copy it may read
    const i = argv.findIndex((a) => a.endsWith(".json") && fs.existsSync(a));
    if (i >= 0) {
      const copy = path.join(config.cwd, ".connection.json");
      fs.copyFileSync(argv[i], copy);
      fs.chownSync(copy, config.uid, config.gid ?? config.uid);
      fs.chmodSync(copy, 0o600);
      argv[i] = copy;
    }
  }
  argv = sandboxArgv(config, argv);
  const child = spawn(argv[0], argv.slice(1), { cwd: config.cwd, env: config.env, stdio: "inherit" });
  const kill = (why: string) => {
    try {
      fs.writeFileSync(config.marker, why);
    } catch {
      // the grader will see a dead kernel without a reason
    }
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      process.exit(137);
    }
  };
  const limitKb = config.memoryMb * 1024;
  const check = () => {
    if (groupRssKb(pgid) > limitKb) kill("memory");
  };
  // (a kernel waiting in the pool runs no student code yet: a slow watch costs the other kernels less CPU)
  let poll = setInterval(check, config.armOnSignal ? 1000 : 100);
  let wall = setTimeout(() => kill(config.armOnSignal ? "idle" : "timeout"), (config.armOnSignal ? IDLE_LIMIT_SEC : config.wallSec) * 1000);
  process.on("SIGUSR1", () => {
    clearTimeout(wall);
    wall = setTimeout(() => kill("timeout"), config.wallSec * 1000);
    clearInterval(poll);
    poll = setInterval(check, 100);
  });
  // signals the runner sends the group (interrupts) reach the kernel directly; we just stay alive
  process.on("SIGINT", () => undefined);
  child.on("exit", (code, signal) => {
    clearInterval(poll);
    clearTimeout(wall);
    process.exit(code ?? (signal ? 128 : 1));
  });
  child.on("error", (e) => {
    process.stderr.write(`sandbox: cannot start ${argv[0]}: ${e.message}\n`);
    process.exit(1);
  });
}

if (require.main === module) main();
