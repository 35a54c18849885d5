/**
 * Grading throughput: `tlab grade autograde` (sandboxed kernels, --workers = cores) vs executing the same
 * restored notebooks one by one with Debian's `jupyter nbconvert --execute` on the plain tslab kernel (what
 * an nbgrader-style pipeline does), scored nbgrader's way (a test cell with an error or any stderr scores 0).
 * Target: ≥ 8× its submissions per minute (with the full sandbox: own user, PID, network and mount
 * namespaces), identical scores where no cell wrote to stderr. It also measures the sandbox's set-up cost
 * per kernel (target ≤ 100 ms) and where that time goes.
 *
 * Our grader shares compiled cells between submissions (identical cell text after identical declarations
 * compiles identically): generated submissions repeat five kinds of answers, far more than a class does.
 * `--unique` makes every answer a student wrote differ (a comment naming the student), so that only the
 * cells students did not write (setup, tests, untouched stubs) can be shared: the realistic case.
 *
 *   npm run bench:grade [-- N [SOURCE.ipynb] [--unique] [--ours-only] [--shards] [--workers=W]]
 *     N submissions (default 100); SOURCE default the feature-based exercise;
 *     --ours-only skips the nbconvert baseline (for profiling ours); --workers=W (default: the cores);
 *     --shards grades the same submissions as 1 shard and as 2 (two `tlab grade autograde --shard K/2`
 *     processes at once, half the cores each, then `tlab grade merge`): wall time and CPU per submission,
 *     whether the merged CSV equals the single run's, and a projection to a course on a cluster
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Cell, Notebook } from "../kernel-ext/notebook";

// compiled to bench/lib/bench/grade.js; the grader runs from kernel-ext's build (it finds its kernel and
// sandbox launcher there), with the types of its sources
const ROOT = path.resolve(__dirname, "../../..");
const lib = (m: string) => require(path.join(ROOT, "kernel-ext", "lib", m));
const { joinText, readNotebook, writeNotebookAtomic } = lib("notebook") as typeof import("../kernel-ext/notebook");
const { autograde } = lib("grade/autograde") as typeof import("../kernel-ext/grade/autograde");
const { releaseEdition } = lib("grade/assign") as typeof import("../kernel-ext/grade/assign");
const { gradeId, isGrade, isSolution, points } = lib("grade/checksum") as typeof import("../kernel-ext/grade/checksum");
const { restoreCells } = lib("grade/restore") as typeof import("../kernel-ext/grade/restore");
const { isGuard } = lib("grade/guard") as typeof import("../kernel-ext/grade/guard");
const { lastValue } = lib("grade/score") as typeof import("../kernel-ext/grade/score");
const { tslabKernelArgv } = lib("kernel/tslab") as typeof import("../kernel-ext/kernel/tslab");
const { createSandbox, isolation } = lib("grade/sandbox") as typeof import("../kernel-ext/grade/sandbox");
const { sandboxArgv } = lib("grade/launcher") as typeof import("../kernel-ext/grade/launcher");
type LauncherConfig = import("../kernel-ext/grade/launcher").LauncherConfig;
type SubmissionTimings = import("../kernel-ext/grade/autograde").SubmissionTimings;

/** Median wall time of `runs` starts of argv, in ms. */
function medianMs(argv: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(" ")}… exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * The sandbox's set-up per kernel, layer by layer, around /usr/bin/true (the kernel's own start is the
 * same with or without it): namespaces, the mount script, then RLIMIT_NPROC and the user switch.
 */
function sandboxSetup(runs = 25): void {
  const iso = isolation();
  if (!iso.mountNamespace) {
    console.log(`sandbox set-up: SKIPPED (no full sandbox here: ${iso.off.join("; ")})`);
    return;
  }
  const sb = createSandbox({ wallSec: 60, modules: ROOT });
  try {
    const config = JSON.parse(sb.kernelCommand[2]) as LauncherConfig;
    const t = ["/usr/bin/true"];
    const bare = medianMs(t, runs);
    const ns = medianMs(sandboxArgv({ ...config, uid: undefined, mountScript: undefined }, t), runs);
    const mounts = medianMs(sandboxArgv({ ...config, uid: undefined }, t), runs);
    const full = medianMs(sandboxArgv(config, t), runs);
    const lines = (config.mountScript ?? "").split("\n").filter((l) => /\bmount\b/.test(l)).length;
    console.log(
      `sandbox set-up per kernel (median of ${runs}): ${(full - bare).toFixed(1)} ms over a bare start (target ≤ 100 ms): ` +
        `PID+network namespaces ${(ns - bare).toFixed(1)} ms, mount namespace and its ${lines} mounts ${(mounts - ns).toFixed(1)} ms, ` +
        `prlimit + setpriv ${(full - mounts).toFixed(1)} ms; the pool starts kernels ahead, so it overlaps the grading`,
    );
  } finally {
    sb.dispose();
  }
}

type Kind = "right" | "stub" | "half" | "typeerror";
const KINDS: Kind[] = ["right", "right", "stub", "half", "typeerror"];

/** A generated submission: the student edition with some answers from the source's solutions. */
function generate(source: Notebook, file: string, kind: Kind, signature?: string): Notebook {
  const nb = releaseEdition(source, file);
  let solutions = 0;
  nb.cells.forEach((cell, i) => {
    if (!isSolution(cell) || cell.cell_type !== "code") return;
    solutions++;
    const stub = joinText(cell.source);
    const answer = joinText(source.cells[i].source);
    if (kind === "right" || (kind === "half" && solutions === 1)) cell.source = answer;
    if (kind === "typeerror") cell.source = solutions === 1 ? `${answer}\nconst oops: string = 1;` : answer;
    if (signature && kind !== "stub" && joinText(cell.source) !== stub) cell.source = `${joinText(cell.source)}\n// ${signature}`;
  });
  return nb;
}

/**
 * nbgrader's rule on an nbconvert-executed notebook: an error output or any stderr fails the cell. `stderr`:
 * the test cells that wrote to stderr, with the first line written (our grader does not zero those).
 * `completed`: nbconvert ran the notebook to its end (exit status 0). When it did not (the kernel died, a
 * cell timed out) no test cell gets credit: which cells ran cannot be told from the file, since plain tslab
 * leaves every execution_count null.
 */
function nbgraderScores(nb: Notebook, completed: boolean): { scores: Record<string, number>; stderr: Record<string, string>; silentAfterError: Set<string> } {
  const scores: Record<string, number> = {};
  const stderr: Record<string, string> = {};
  const silentAfterError = new Set<string>();
  let failedBefore = false;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const failedHere = cell.outputs.some((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"));
    const afterError = failedBefore;
    failedBefore ||= failedHere;
    if (!isGrade(cell) || isSolution(cell)) continue;
    // under nbconvert, plain tslab printed nothing for any cell after the first that failed (measured: the
    // test of a stub after a failed test, which must throw, printed nothing): it ran none of them
    if (afterError && cell.outputs.length === 0) silentAfterError.add(gradeId(cell));
    const err = cell.outputs.find((o) => o.output_type === "stream" && o.name === "stderr");
    if (err) stderr[gradeId(cell)] = joinText((err as { text: string | string[] }).text).split("\n")[0];
    const v = lastValue(cell);
    scores[gradeId(cell)] = !completed || failedHere ? 0 : v !== undefined && v >= 0 && v <= points(cell) ? v : points(cell);
  }
  return { scores, stderr, silentAfterError };
}

async function main(): Promise<void> {
  const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const unique = flags.includes("--unique");
  const oursOnly = flags.includes("--ours-only");
  const n = Number(args[0] ?? 100);
  const sourceFile = path.resolve(args[1] ?? path.join(ROOT, "notebooks", "exercises", "03-feature-based.ipynb"));
  const source = readNotebook(sourceFile);
  const name = path.basename(sourceFile, ".ipynb");
  const jupyter = ["/usr/bin/jupyter", "jupyter"].find((j) => spawnSync(j, ["nbconvert", "--version"]).status === 0);
  // under the project: plain tslab resolves "transferlab" from the notebook's folder
  const tmp = fs.mkdtempSync(path.join(ROOT, "bench", ".grade-"));
  try {
    const subs = path.join(tmp, "submitted");
    const kinds: Record<string, Kind> = {};
    for (let i = 0; i < n; i++) {
      const student = `s${String(i).padStart(3, "0")}`;
      kinds[student] = KINDS[i % KINDS.length];
      fs.mkdirSync(path.join(subs, student), { recursive: true });
      writeNotebookAtomic(path.join(subs, student, `${name}.ipynb`), generate(source, sourceFile, kinds[student], unique ? `written by ${student}` : undefined));
    }
    const w = flags.find((f) => f.startsWith("--workers="));
    const workers = w ? Number(w.slice("--workers=".length)) : os.cpus().length;
    console.log(`${n} submissions of ${path.relative(ROOT, sourceFile)} (${KINDS.join(", ")}${unique ? "; every answer written differs" : "; identical answers repeat"}), ${workers} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    if (flags.includes("--shards")) return await shardBench(n, subs, sourceFile, tmp, workers);
    sandboxSetup();
    let t = Date.now();
    let stats = "";
    const timings: SubmissionTimings[] = [];
    // the children's CPU (kernels, launchers, sandbox tools, compile service) where /proc reports it
    const procCpu = fs.existsSync("/proc/self/stat");
    const cpu0 = { self: process.cpuUsage(), children: procCpu ? childrenCpuSec() * 1000 : 0 };
    const ours = await autograde({
      onTimings: (x) => timings.push(x),
      sources: [sourceFile],
      submissions: subs,
      gradebook: path.join(tmp, "gradebook.sqlite"),
      workers,
      timeoutSec: 120,
      onCompileStats: (s) => (stats = `; compile service: ${s.shared} cells compiled once for all, ${s.compiled} on demand, ${s.left} left to kernels`),
    });
    const oursSec = (Date.now() - t) / 1000;
    const byStatus: Record<string, number> = {};
    for (const r of ours) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    console.log(`tlab grade autograde --workers ${workers}: ${oursSec.toFixed(1)} s, ${((n / oursSec) * 60).toFixed(1)} submissions/min (${JSON.stringify(byStatus)}${stats})`);
    for (const r of ours.filter((r) => r.status === "error" || r.status === "crashed").slice(0, 3)) console.log(`  ${r.student}: ${r.message}`);
    if (timings.length) {
      const mean = (k: keyof SubmissionTimings) => (timings.reduce((a, x) => a + x[k], 0) / timings.length).toFixed(0);
      const keys = Object.keys(timings[0]) as (keyof SubmissionTimings)[];
      console.log(`  a worker's wall time per submission, mean ms: ${keys.map((k) => `${k} ${mean(k)}`).join(", ")}`);
    }
    const self = process.cpuUsage(cpu0.self);
    const selfMs = (self.user + self.system) / 1000 / n;
    if (procCpu) {
      const childMs = (childrenCpuSec() * 1000 - cpu0.children) / n;
      console.log(
        `  CPU per submission: the grader ${selfMs.toFixed(0)} ms (all its threads), the kernels, their sandboxes and the ` +
          `compile service ${childMs.toFixed(0)} ms (${os.cpus().length} cores: at most ${((60000 * os.cpus().length) / (selfMs + childMs)).toFixed(0)} submissions/min)`,
      );
    } else {
      console.log(`  CPU per submission: the grader ${selfMs.toFixed(0)} ms; the kernels' SKIPPED (no /proc/self/stat to read their CPU time from)`);
    }
    if (oursOnly) return;
    if (!jupyter) {
      console.log("nbconvert: not installed (apt-get install jupyter-nbconvert): no baseline");
      return;
    }

    // plain tslab as a kernelspec of its own, in a private JUPYTER_PATH
    const kdir = path.join(tmp, "jupyter", "kernels", "tslab-bench");
    fs.mkdirSync(kdir, { recursive: true });
    fs.writeFileSync(path.join(kdir, "kernel.json"), JSON.stringify({ argv: tslabKernelArgv(), display_name: "tslab", language: "typescript" }));
    const base = path.join(tmp, "nbconvert");
    fs.mkdirSync(base);
    t = Date.now();
    const theirs: Record<string, ReturnType<typeof nbgraderScores>> = {};
    for (const student of Object.keys(kinds)) {
      const restored = restoreCells(source, readNotebook(path.join(subs, student, `${name}.ipynb`)), sourceFile).notebook;
      // our guard cells need our kernel's prelude: plain tslab runs the cells as nbgrader restores them
      restored.cells = restored.cells.filter((c: Cell) => !isGuard(c));
      const file = path.join(base, `${student}.ipynb`);
      writeNotebookAtomic(file, restored);
      const run = spawnSync(jupyter, ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.kernel_name=tslab-bench", "--ExecutePreprocessor.timeout=120", "--inplace", file], {
        env: { ...process.env, JUPYTER_PATH: path.join(tmp, "jupyter") },
        stdio: "ignore",
      });
      theirs[student] = nbgraderScores(readNotebook(file), run.status === 0);
    }
    const theirSec = (Date.now() - t) / 1000;
    console.log(`jupyter nbconvert --execute (tslab), one by one: ${theirSec.toFixed(1)} s, ${((n / theirSec) * 60).toFixed(1)} submissions/min`);
    console.log(`throughput ratio: ${(theirSec / oursSec).toFixed(2)}× (target ≥ 8×); load average now ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    // cell by cell: a test cell that wrote to stderr under plain tslab is zeroed by nbgrader's rule, not by ours
    let compared = 0;
    let withStderr = 0;
    const differ: string[] = [];
    const silent: string[] = [];
    const stderrSeen = new Set<string>();
    for (const r of ours) {
      const b = theirs[r.student];
      if (!b) continue;
      for (const g of r.grades) {
        if (g.status === "manual" || !(g.grade_id in b.scores)) continue;
        if (g.grade_id in b.stderr) {
          withStderr++;
          stderrSeen.add(b.stderr[g.grade_id]);
          continue;
        }
        compared++;
        if (g.score !== b.scores[g.grade_id] && b.silentAfterError.has(g.grade_id)) silent.push(`${r.student} (${kinds[r.student]}) ${g.grade_id}: ours ${g.score} vs ${b.scores[g.grade_id]}`);
        else if (g.score !== b.scores[g.grade_id]) differ.push(`${r.student} (${kinds[r.student]}) ${g.grade_id}: ours ${g.score} vs ${b.scores[g.grade_id]}`);
      }
    }
    console.log(
      `scores: ${compared - differ.length - silent.length}/${compared} test cells identical; ${silent.length} differ because plain tslab ran no code after ` +
        `the first failed cell (nothing printed, so nbgrader's rule gives it full points; ours ran it and it failed); ` +
        `${differ.length} differ otherwise; ${withStderr} not compared: they wrote to stderr under plain tslab (nbgrader zeroes those)`,
    );
    for (const e of [...stderrSeen].slice(0, 3)) console.log(`  stderr under plain tslab: ${e}`);
    for (const d of differ.slice(0, 10)) console.log(`  differs: ${d}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** CPU seconds of the children this process has waited for (and their own waited-for children: the kernels). */
function childrenCpuSec(): number {
  // /proc/self/stat fields 16 and 17: cutime and cstime, in clock ticks (100 a second on Linux)
  const fields = fs.readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const TLAB = [process.execPath, path.join(ROOT, "kernel-ext", "bin", "tlab.js")];

function tlabAsync(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(TLAB[0], [TLAB[1], ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tlab ${args.slice(0, 2).join(" ")} exited ${code}: ${err.slice(-500)}`))));
  });
}

/** A CSV export without its graded_at column (the only thing two gradings of the same work differ in). */
function csvRows(gb: string, file: string): string[] {
  const r = spawnSync(TLAB[0], [TLAB[1], "grade", "export", "--gradebook", gb, "--csv", file]);
  if (r.status !== 0) throw new Error(`tlab grade export ${gb}: ${r.stderr}`);
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  const at = lines[0].split(",").indexOf("graded_at");
  return lines.map((l) => l.split(",").filter((_, i) => i !== at).join(","));
}

/** 1 shard vs 2 on this machine, then what the CPU per submission means for a course on a cluster. */
async function shardBench(n: number, subs: string, sourceFile: string, tmp: string, cores: number): Promise<void> {
  const common = ["--source", sourceFile, "--submissions", subs, "--timeout", "120"];
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
  const measure = async (run: () => Promise<void>) => {
    const cpu0 = childrenCpuSec();
    const t0 = Date.now();
    await run();
    return { wall: (Date.now() - t0) / 1000, cpu: childrenCpuSec() - cpu0 };
  };
  const one = await measure(() => tlabAsync(["grade", "autograde", ...common, "--gradebook", path.join(tmp, "one.sqlite"), "--workers", String(cores)]));
  console.log(`load average after 1 shard: ${load()}`);
  const half = String(Math.max(1, Math.floor(cores / 2)));
  const shards = [1, 2].map((k) => path.join(tmp, `shard-${k}.sqlite`));
  let mergeSec = 0;
  const two = await measure(async () => {
    await Promise.all(shards.map((gb, i) => tlabAsync(["grade", "autograde", ...common, "--gradebook", gb, "--shard", `${i + 1}/2`, "--workers", half])));
    const m0 = Date.now();
    await tlabAsync(["grade", "merge", "--out", path.join(tmp, "merged.sqlite"), ...shards]);
    mergeSec = (Date.now() - m0) / 1000;
  });
  console.log(`load average after 2 shards: ${load()}`);
  const same = JSON.stringify(csvRows(path.join(tmp, "one.sqlite"), path.join(tmp, "one.csv"))) === JSON.stringify(csvRows(path.join(tmp, "merged.sqlite"), path.join(tmp, "merged.csv")));
  const row = (what: string, r: { wall: number; cpu: number }) =>
    `| ${what} | ${r.wall.toFixed(1)} | ${((n / r.wall) * 60).toFixed(1)} | ${(r.cpu / n).toFixed(2)} | ${((r.cpu / r.wall) * 100).toFixed(0)}% of ${cores} cores |`;
  console.log(`\n${n} submissions, ${cores} cores on this machine`);
  console.log("| run | wall s | submissions/min | CPU s per submission | CPU busy |\n|---|---|---|---|---|");
  console.log(row(`1 shard, --workers ${cores}`, one));
  console.log(row(`2 shards at once, --workers ${half} each, + merge (${mergeSec.toFixed(1)} s)`, two));
  console.log(`merged CSV ${same ? "equals" : "DIFFERS FROM"} the single run's, row by row (graded_at aside)`);

  // the projection: shards share nothing but the file system, so a cluster's wall time is its CPU time
  // spread over its cores; per node as busy as this machine was with 2 shards
  const perSub = two.cpu / n;
  const busy = Math.min(1, two.cpu / two.wall / cores);
  const heavy = 60; // CPU-s of notebooks 06 and 07 each: "about a CPU-minute each" (issue 18's estimate, not measured here)
  const wall = (students: number, nodes: number, cpuPerStudent: number) => (students * cpuPerStudent) / (nodes * 16 * busy);
  const fmt = (sec: number) => (sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : `${(sec / 60).toFixed(1)} min`);
  console.log(`\nprojection: wall time = students × CPU per student / (nodes × 16 cores × ${(busy * 100).toFixed(0)}% busy); 7 notebooks a student`);
  console.log(`  A: all 7 notebooks cost what this one did (${perSub.toFixed(2)} CPU-s, measured with 2 shards)`);
  console.log(`  B: 5 cost that, 06 and 07 ${heavy} CPU-s each (quoted from issue 18, not measured)`);
  console.log("| students × 7 notebooks | nodes × 16 cores | A | B |\n|---|---|---|---|");
  for (const students of [1000, 10000]) {
    for (const nodes of [10, 50]) console.log(`| ${students.toLocaleString("en")} | ${nodes} | ${fmt(wall(students, nodes, 7 * perSub))} | ${fmt(wall(students, nodes, 5 * perSub + 2 * heavy))} |`);
  }
  console.log("(assumed: the compile service's start, once per shard, and the merge are small beside the grading; the file system keeps up)");
}

main().catch((e) => {
  console.error(`bench/grade: ${(e as Error).message}`);
  process.exit(1);
});
