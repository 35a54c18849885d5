/**
 * What the generated bundles (Slurm, Kubernetes, Gradescope) share: the `tlab grade autograde` command line
 * of one shard, shell-quoted, and where the project and its `tlab` are.
 */
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../../notebook";

/** One word for a POSIX shell: single-quoted unless it is plainly safe. */
export const shq = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The project folder (the one with kernel-ext/bin/tlab.js), found above this module, built or not. */
export function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "kernel-ext", "bin", "tlab.js"))) return dir;
  }
  throw new Error(`cannot find the transferlab project (kernel-ext/bin/tlab.js) above ${__dirname}`);
}

/** `node …/kernel-ext/bin/tlab.js` of this project, absolute: nodes of a cluster share its file system. */
export const defaultTlab = () => `${shq(process.execPath)} ${shq(path.join(projectRoot(), "kernel-ext", "bin", "tlab.js"))}`;

export interface GradeJob {
  sources: string[];
  submissions: string;
  shards: number;
  out: string;
  /** the command that runs tlab on a node (default: this node and this project, absolute paths) */
  tlab?: string;
  /** kernels at a time per shard (autograde --workers) */
  workers?: number;
  timeoutSec?: number;
  memoryMb?: number;
  roster?: string;
  insecure?: boolean;
}

/** Bad bundle options say which argument is wrong. */
export function checkJob(job: GradeJob): void {
  if (!job.sources.length) throw new Error("--source is required");
  for (const s of job.sources) if (!fs.existsSync(s)) throw new Error(`--source ${s}: no such file`);
  if (!Number.isInteger(job.shards) || job.shards < 1) throw new Error(`--shards must be a whole number ≥ 1, got "${job.shards}"`);
}

/**
 * `tlab grade autograde` for shard `shardExpr` (shell text, e.g. "$SLURM_ARRAY_TASK_ID") of N into
 * `gradebookExpr` (shell text): every other argument quoted.
 */
export function autogradeLine(job: GradeJob, tlab: string, shardExpr: string, gradebookExpr: string, resolve = path.resolve): string {
  const args = [
    ...job.sources.flatMap((s) => ["--source", shq(resolve(s))]),
    "--submissions",
    shq(resolve(job.submissions)),
    "--gradebook",
    gradebookExpr,
    "--shard",
    `"${shardExpr}/${job.shards}"`,
    ...(job.workers ? ["--workers", String(job.workers)] : []),
    ...(job.timeoutSec ? ["--timeout", String(job.timeoutSec)] : []),
    ...(job.memoryMb ? ["--memory", String(job.memoryMb)] : []),
    ...(job.roster ? ["--roster", shq(resolve(job.roster))] : []),
    ...(job.insecure ? ["--insecure"] : []),
  ];
  return `${tlab} grade autograde ${args.join(" ")}`;
}

/** Shard gradebook file names, 1..N, in `dir`. */
export const shardFiles = (dir: string, n: number) => Array.from({ length: n }, (_, i) => path.join(dir, `grades-${i + 1}.sqlite`));

/** Write `files` (name → text) into `dir` through temporary files; scripts executable. The paths written. */
export function writeBundle(dir: string, files: Record<string, string>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, text);
    if (/\.(sh|sbatch)$|^run_autograder$|\/run_autograder$/.test(name)) fs.chmodSync(file, 0o755);
    return file;
  });
}
