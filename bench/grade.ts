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
 *   npm run bench:grade [-- N [SOURCE.ipynb] [--unique] [--ours-only]]
 *     N submissions (default 100); SOURCE default the feature-based exercise;
 *     --ours-only skips the nbconvert baseline (for profiling ours)
 */
import { spawnSync } from "child_process";
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
const { lastValue } = lib("grade/score") as typeof import("../kernel-ext/grade/score");
const { tslabKernelArgv } = lib("kernel/tslab") as typeof import("../kernel-ext/kernel/tslab");
const { createSandbox, isolation } = lib("grade/sandbox") as typeof import("../kernel-ext/grade/sandbox");
const { sandboxArgv } = lib("grade/launcher") as typeof import("../kernel-ext/grade/launcher");
type LauncherConfig = import("../kernel-ext/grade/launcher").LauncherConfig;

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

/** nbgrader's rule on an nbconvert-executed notebook: an error output or any stderr fails the cell. */
function nbgraderScores(nb: Notebook): { scores: Record<string, number>; stderr: boolean } {
  const scores: Record<string, number> = {};
  let stderr = false;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const err = cell.outputs.some((o) => o.output_type === "stream" && o.name === "stderr");
    stderr ||= err;
    if (!isGrade(cell) || isSolution(cell)) continue;
    const failed = err || cell.outputs.some((o) => o.output_type === "error");
    const v = lastValue(cell);
    scores[gradeId(cell)] = failed ? 0 : v !== undefined && v >= 0 && v <= points(cell) ? v : points(cell);
  }
  return { scores, stderr };
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
    const workers = os.cpus().length;
    console.log(`${n} submissions of ${path.relative(ROOT, sourceFile)} (${KINDS.join(", ")}${unique ? "; every answer written differs" : "; identical answers repeat"}), ${workers} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    sandboxSetup();
    let t = Date.now();
    let stats = "";
    const ours = await autograde({
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
    for (const r of ours.filter((r) => r.status === "error").slice(0, 3)) console.log(`  ${r.student}: ${r.message}`);
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
      restored.cells = restored.cells.filter((c: Cell) => !(c.metadata.tags as string[] | undefined)?.includes("tlab-grade-prelude"));
      const file = path.join(base, `${student}.ipynb`);
      writeNotebookAtomic(file, restored);
      spawnSync(jupyter, ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.kernel_name=tslab-bench", "--ExecutePreprocessor.timeout=120", "--inplace", file], {
        env: { ...process.env, JUPYTER_PATH: path.join(tmp, "jupyter") },
        stdio: "ignore",
      });
      theirs[student] = nbgraderScores(readNotebook(file));
    }
    const theirSec = (Date.now() - t) / 1000;
    console.log(`jupyter nbconvert --execute (tslab), one by one: ${theirSec.toFixed(1)} s, ${((n / theirSec) * 60).toFixed(1)} submissions/min`);
    console.log(`throughput ratio: ${(theirSec / oursSec).toFixed(2)}× (target ≥ 8×); load average now ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    let compared = 0;
    const differ: string[] = [];
    for (const r of ours) {
      const b = theirs[r.student];
      if (!b || b.stderr) continue;
      compared++;
      const mine = Object.fromEntries(r.grades.filter((g) => g.status !== "manual").map((g) => [g.grade_id, g.score]));
      if (JSON.stringify(mine) !== JSON.stringify(b.scores)) differ.push(`${r.student} (${kinds[r.student]}): ours ${JSON.stringify(mine)} vs ${JSON.stringify(b.scores)}`);
    }
    console.log(`scores: ${compared - differ.length}/${compared} identical on the submissions without stderr (${n - compared} had stderr: nbgrader zeroes those)`);
    for (const d of differ.slice(0, 10)) console.log(`  differs: ${d}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench/grade: ${(e as Error).message}`);
  process.exit(1);
});
