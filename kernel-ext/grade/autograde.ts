/**
 * `tlab grade autograde`: every submission × source notebook, restored, executed in a sandbox by a pool of
 * workers, scored and recorded in the gradebook one transaction per submission. A submission already in
 * the gradebook for the same source (same hash) is skipped, so an interrupted run resumes. Kernels are
 * started ahead (pool.ts): a worker that takes the next submission finds its sandboxed kernel ready; cells
 * are compiled by one compile service for all kernels (precompile.ts), sent with each cell.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Notebook } from "../notebook";
import { joinText, readNotebook, writeNotebookAtomic } from "../notebook";
import { runNotebook, type RunResult } from "../run";
import { checkSource, releaseEdition } from "./assign";
import { gradeId, isSolution } from "./checksum";
import { Gradebook, gradedNotebook, type SubmissionRow, type SubmissionStatus } from "./gradebook";
import { capOutputs } from "./outputs";
import { readGuards } from "./guard";
import { checkIntegrity, declaresForbidden, testsOf, type IntegrityFinding, type IntegrityMode } from "./integrity";
import { restoreCells, type Tampering } from "./restore";
import { KernelPool } from "./pool";
import { CompileService } from "./precompile";
import { hiddenLines, redact, redactNotebook } from "./redact";
import { inShard, openShardGradebook, shardOf, shardSpec, type Shard } from "./shard";
import { fullyIsolated, isolation, keptEnv, killedFor, nodeEnv, readableByOthers, releaseSandboxRoot, sandboxRoot, type Isolation } from "./sandbox";
import { scoreCells, type CellGrade } from "./score";
import { findSubmission, loadSubmission } from "./submission";
import { importedPackages } from "./imports";
import { warmCodeCache } from "./warmcache";

export interface AutogradeOptions {
  sources: string[];
  submissions: string;
  gradebook: string;
  /** per cell, seconds (default 60) */
  timeoutSec?: number;
  /** whole notebook, seconds (default: 10 × the per-cell limit, at least 120) */
  notebookTimeoutSec?: number;
  workers?: number;
  student?: string;
  roster?: string;
  force?: boolean;
  memoryMb?: number;
  /** bytes of output kept per cell (default 1 MiB) */
  outputCap?: number;
  /** the folder whose node_modules the kernel uses (default: found above the source) */
  modules?: string;
  onResult?: (r: GradedSubmission) => void;
  onProgress?: (p: { done: number; total: number; etaSec: number | null }) => void;
  /**
   * once per run and notebook: cells of the source the TA changed after the release (found in submissions
   * whose copy of the cell is as released); the change was applied, and blamed on no student
   */
  onSourceChanged?: (notebook: string, gradeIds: string[]) => void;
  /** a word for the TA before grading starts (files student code could read) */
  onWarning?: (message: string) => void;
  /**
   * grade even where student code cannot be isolated (not root, no namespaces): every result then records
   * the sandbox as off. Without it autograde refuses there (IsolationError), since student code could read
   * the course folder, hidden tests included.
   */
  insecure?: boolean;
  /** a solution that uses a library name its cell forbids (integrity.ts): "zero" scores its tests 0 (default), "warn" only flags */
  integrity?: IntegrityMode;
  /** compile cells in one shared service rather than in each kernel (precompile.ts; default: when 2+ submissions run) */
  compileService?: boolean;
  /** at the end: cells the compile service answered from what it had compiled, compiled on demand, left to kernels */
  onCompileStats?: (stats: { shared: number; compiled: number; left: number }) => void;
  /** per graded submission, where its wall time went, in ms (bench:grade reports the means) */
  onTimings?: (t: SubmissionTimings) => void;
  /** grade only the students whose id hashes to this shard (shard.ts), into a gradebook of that shard alone */
  shard?: Shard;
}

/** Milliseconds of one submission's grading, in order. */
export interface SubmissionTimings {
  /** reading and restoring the submission */
  prepare: number;
  /** waiting for a started kernel from the pool */
  kernel: number;
  /** its cells, until the kernel was shut down (the runner shuts it down) */
  run: number;
  /** scoring, redaction, the graded notebook and the gradebook row */
  record: number;
  /** removing the sandbox */
  cleanup: number;
}

export interface GradedSubmission extends SubmissionRow {
  skipped?: string;
  /** the cells graded by hand (tlab grade override), "grade_id=score": they count in the score */
  overrides?: string[];
  regraded?: string;
  grades: CellGrade[];
}

/** What autograde() shares with each submission's grading. */
interface Context {
  gb: Gradebook;
  /** per notebook, the source cells changed since the release (restore.ts sourceChanged) */
  sourceChanged: Map<string, Set<string>>;
  options: AutogradeOptions;
  timeoutSec: number;
  pool: KernelPool;
  service?: CompileService;
}

interface Source {
  file: string;
  name: string;
  nb: Notebook;
  hash: string;
  /** the student edition, and the lines of the hidden tests it lacks (redact.ts) */
  released: Notebook;
  hidden: string[];
}

/** autograde refused: student code could not be isolated here, and `insecure` was not given. */
export class IsolationError extends Error {
  constructor(readonly off: string[]) {
    super(
      `cannot isolate student code on this machine:\n  - ${off.join("\n  - ")}\n` +
        "Student code could then read the course folder (solutions, hidden tests) and other submissions. " +
        "Grade as root on Linux (util-linux's unshare, setpriv and prlimit), or pass --insecure to grade anyway: " +
        "every result then records the sandbox as off, in the gradebook, the CSV and the Gradescope export.",
    );
    this.name = "IsolationError";
  }
}

const hashFile = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const submissionHash = (f: string) => (fs.existsSync(f) && fs.statSync(f).isFile() ? hashFile(f) : "");
/** The hash of what a student handed in for `name` (a copy-suffixed file counts: submission.ts), or "". */
const handedIn = (dir: string, name: string) => {
  const found = findSubmission(dir, name);
  return "file" in found ? submissionHash(found.file) : "";
};

/** A student id is a folder name: nothing that leads out of the submissions folder. */
function checkStudentId(id: string, where: string): string {
  if (!id || id === "." || id === ".." || /[\\/\0]/.test(id)) throw new Error(`${where}: "${id}" is not a valid student id (a folder name)`);
  return id;
}

function findModules(from: string): string {
  for (let dir = path.resolve(from); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", "transferlab"))) return dir;
  }
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", "transferlab"))) return dir;
  }
  throw new Error(`cannot find a node_modules folder with transferlab above ${from}`);
}

/**
 * Student ids: the submission folders, plus the roster's. A roster is plain ids, one a line (# comments;
 * anything after a comma or a space is ignored), or a CSV whose header row has a `student` column (then
 * that column's values, the header itself not a student).
 */
export function listStudents(dir: string, roster?: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--submissions ${dir}: no such folder`);
  const ids = new Set(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name),
  );
  if (roster) {
    if (!fs.existsSync(roster)) throw new Error(`--roster ${roster}: no such file`);
    const lines = fs.readFileSync(roster, "utf8").split(/\r?\n/).map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
    const header = lines[0]?.split(",").map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase()) ?? [];
    const col = header.indexOf("student");
    for (const line of col >= 0 ? lines.slice(1) : lines) {
      const id = (col >= 0 ? line.split(",")[col] ?? "" : line.split(/[,\s]/)[0]).trim().replace(/^"|"$/g, "");
      if (id) ids.add(checkStudentId(id, roster));
    }
  }
  return [...ids].sort();
}

export async function autograde(options: AutogradeOptions): Promise<GradedSubmission[]> {
  const sources: Source[] = options.sources.map((file) => {
    const nb = readNotebook(file);
    checkSource(nb, file);
    return { file, name: path.basename(file, ".ipynb"), nb, hash: hashFile(file), released: releaseEdition(nb, file), hidden: hiddenLines(nb) };
  });
  const names = new Set(sources.map((s) => s.name));
  if (names.size !== sources.length) throw new Error("two --source notebooks have the same name");
  const everyone = options.student ? [checkStudentId(options.student, "--student")] : listStudents(options.submissions, options.roster);
  const shard = options.shard;
  // a node where the submissions folder is not mounted sees an empty folder: grading it would turn every graded student into "missing"
  if (shard && !options.student && !everyone.some((s) => fs.existsSync(path.join(options.submissions, s)))) {
    throw new Error(`--submissions ${options.submissions}: no student folder in it (is it mounted on this node?); shard ${shardSpec(shard)} not graded`);
  }
  if (shard && options.student && !inShard(options.student, shard)) {
    throw new Error(`--student ${options.student} is in shard ${shardOf(options.student, shard.count)}/${shard.count}, not ${shardSpec(shard)}: grade it with that shard's gradebook`);
  }
  const students = shard ? everyone.filter((s) => inShard(s, shard)) : everyone;
  const iso: Isolation = isolation();
  if (!fullyIsolated(iso) && !options.insecure) throw new IsolationError(iso.off);
  const gb = shard ? openShardGradebook(options.gradebook, shard, Object.fromEntries(sources.map((s) => [s.name, s.hash]))) : new Gradebook(options.gradebook);
  if (!iso.mountNamespace) {
    // (with a mount namespace student code sees none of these, whatever their modes)
    const open = readableByOthers([...options.sources, options.gradebook, options.submissions]);
    if (open.length) options.onWarning?.(`--insecure: student code could read ${open.join(", ")}: keep them in a folder of mode 0700 (chmod 700 on a parent)`);
  }
  for (const off of iso.off) options.onWarning?.(`sandbox off (--insecure): ${off}`);
  const modules = options.modules ?? findModules(path.dirname(options.sources[0]));
  const results: GradedSubmission[] = [];
  const jobs: { student: string; source: Source; regraded?: string }[] = [];
  for (const student of students) {
    for (const source of sources) {
      const prev = gb.submission(student, source.name);
      if (prev && !options.force && !options.student) {
        const sub = handedIn(path.join(options.submissions, student), source.name);
        if (prev.source_hash === source.hash && prev.submission_hash === sub) {
          const r = { ...prev, skipped: "already graded", grades: [] };
          results.push(r);
          continue;
        }
        jobs.push({ student, source, regraded: prev.source_hash !== source.hash ? "the source changed since it was graded" : "the submission changed since it was graded" });
      } else jobs.push({ student, source, ...(prev ? { regraded: options.force ? "--force" : "--student" } : {}) });
    }
  }
  const timeoutSec = options.timeoutSec ?? 60;
  const workers = Math.max(1, Math.min(options.workers ?? os.cpus().length, jobs.length || 1));
  // one wall-clock limit for every kernel (they start before we know their submission): the largest
  const wallSec = options.notebookTimeoutSec ?? Math.max(...sources.map((s) => Math.max(120, timeoutSec * Math.min(codeCellCount(s.nb), 10))));
  const needKernel = jobs.filter((j) => "file" in findSubmission(path.join(options.submissions, j.student), j.source.name)).length;
  // the service compiles ahead while the first kernels start; workers wait for it before their first submission
  const compiling = needKernel >= 2 && options.compileService !== false ? startCompileService(sources, modules, options) : undefined;
  // control on the kernel's main thread: we interrupt by signal and kill a kernel that does not shut down
  const kernelEnv: Record<string, string> = { TLAB_CONTROL_THREAD: "0", ...(compiling ? { TLAB_LAZY_COMPILER: "1", TLAB_KERNEL_CACHE: compiling.v8Dir } : {}) };
  // (the code cache folder is bound read-only into each sandbox)
  const pool = new KernelPool({ sandbox: { wallSec, modules, memoryMb: options.memoryMb, env: kernelEnv, readOnly: compiling ? [compiling.v8Dir] : [] }, ahead: workers, total: needKernel });
  const ctx: Context = { gb, options, timeoutSec, pool, service: compiling?.service, sourceChanged: new Map() };
  const startedAt = new Date().toISOString();
  const started = Date.now();
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let r: GradedSubmission;
      try {
        r = await gradeOne(job.student, job.source, ctx);
      } catch (e) {
        // a grader bug on one submission must not lose the others
        r = { ...gb.record(row(job.student, job.source, "error", `grader error: ${(e as Error).message}`, [], 0, options.submissions), []), grades: [] };
      }
      if (job.regraded) r.regraded = job.regraded;
      const overrides = gb.overrides(r.student, r.notebook);
      if (overrides.length) r.overrides = overrides;
      results.push(r);
      done++;
      const perJob = (Date.now() - started) / 1000 / done;
      options.onResult?.(r);
      options.onProgress?.({ done, total: jobs.length, etaSec: done < jobs.length ? perJob * (jobs.length - done) : 0 });
    }
  };
  try {
    await compiling?.service.ready.catch((e: Error) => options.onWarning?.(`${e.message}; every kernel compiles its cells itself`));
    await Promise.all(Array.from({ length: workers }, worker));
    for (const [nb, ids] of ctx.sourceChanged) options.onSourceChanged?.(nb, [...ids]);
  } finally {
    await pool.close();
    if (compiling) {
      await compiling.service.close();
      fs.rmSync(compiling.v8Dir, { recursive: true, force: true });
      options.onCompileStats?.(compiling.service.stats);
    }
    const { user, pidNamespace, netNamespace, mountNamespace, off } = iso;
    gb.recordRun({ started_at: startedAt, graded: done, sandbox: JSON.stringify({ user, pidNamespace, netNamespace, mountNamespace, off, insecure: Boolean(options.insecure), limits: pool.limits, ...(containerIsolation() ? { container: containerIsolation() } : {}), ...(shard ? { shard: shardSpec(shard) } : {}) }) });
    gb.close();
    releaseSandboxRoot();
  }
  return results.sort((a, b) => a.student.localeCompare(b.student) || a.notebook.localeCompare(b.notebook));
}

/**
 * The compile service (precompile.ts), fed with what submissions share: each source restored from itself
 * (right answers) and from its student edition (untouched stubs). Kernels get TypeScript's V8 code cache
 * it leaves, read-only, for the cells they must compile themselves, and the code cache of the kernel's and
 * the cells' modules (warmcache.ts), written while the service starts.
 */
function startCompileService(sources: Source[], modules: string, options: AutogradeOptions): { service: CompileService; v8Dir: string } {
  const work = fs.mkdtempSync(path.join(sandboxRoot(), "compile-"));
  fs.chmodSync(work, 0o700); // the solutions are compiled here
  const v8Dir = fs.mkdtempSync(path.join(sandboxRoot(), "v8cache-"));
  fs.chmodSync(v8Dir, 0o755); // kernels read it; only we write it
  const chains: string[][] = [];
  for (const s of sources) {
    for (const nb of [s.nb, s.released]) {
      const restored = restoreCells(s.nb, nb, s.file).notebook;
      chains.push(restored.cells.filter((c) => c.cell_type === "code").map((c) => joinText(c.source)));
    }
  }
  const env = { ...keptEnv(), ...nodeEnv(options.memoryMb) };
  const service = new CompileService(work, chains, modules, env, v8Dir);
  const warmed = warmCodeCache(v8Dir, { modules, packages: [...new Set(sources.flatMap((s) => importedPackages(s.nb)))] }, env);
  if ("failed" in warmed) options.onWarning?.(`no code cache for the kernels (each compiles its modules itself): ${warmed.failed}`);
  return { service, v8Dir };
}


/** After the last cell: time for a timer the cells left behind to report its error (a late error). */
const SETTLE_MS = 250;

function codeCellCount(nb: Notebook): number {
  return nb.cells.filter((c) => c.cell_type === "code").length;
}

/** "on", or "off: why" (an --insecure run): recorded with every result. */
function sandboxState(iso: Isolation): string {
  if (fullyIsolated(iso)) return "on";
  // a pod or container where unshare is refused says what isolates it instead (bundles/k8s.ts, bundles/gradescope.ts)
  return `off: ${iso.off.join("; ")}${containerIsolation() ? `; container: ${containerIsolation()}` : ""}`;
}

/** The isolation a container gives grading when namespaces are refused in it, as its manifest declares it. */
const containerIsolation = () => process.env.TLAB_CONTAINER_ISOLATION ?? "";

function row(student: string, source: Source, status: SubmissionStatus, message: string, tampering: Tampering[], seconds: number, submissions: string, integrity: IntegrityFinding[] = []): Omit<SubmissionRow, "score" | "max_score"> {
  const submission_hash = handedIn(path.join(submissions, student), source.name);
  // no hidden test line leaves in a message (the CSV and Gradescope's JSON are made from it)
  return {
    student,
    notebook: source.name,
    status,
    source_hash: source.hash,
    submission_hash,
    message: redact(message, source.hidden),
    tampering: JSON.stringify(tampering.map((t) => ({ ...t, message: redact(t.message, source.hidden) }))),
    seconds,
    graded_at: new Date().toISOString(),
    integrity: integrity.length ? JSON.stringify(integrity) : "",
    sandbox: sandboxState(isolation()),
  };
}

async function gradeOne(student: string, source: Source, ctx: Context): Promise<GradedSubmission> {
  const { gb, options, timeoutSec } = ctx;
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 10) / 100;
  const dir = path.join(options.submissions, student);
  const zero = (status: SubmissionStatus, message: string): GradedSubmission => {
    const grades = scoreCells(source.nb, null, new Set()).map((g) => ({ ...g, score: g.status === "manual" ? null : 0, status: "not-run" as const, message }));
    return { ...gb.record(row(student, source, status, message, [], secs(), options.submissions), grades), grades };
  };
  if (!fs.existsSync(dir)) return zero("missing", "no submission folder");
  const found = findSubmission(dir, source.name);
  if ("missing" in found) return zero("missing", found.missing);
  if ("ambiguous" in found) return zero("invalid", found.ambiguous);
  const file = found.file;
  const loaded = loadSubmission(file);
  if (!loaded.ok) return zero("invalid", loaded.message);
  if (found.note) loaded.notes.unshift(found.note);
  const restored = restoreCells(source.nb, loaded.notebook, source.file);
  if (restored.sourceChanged.length) {
    const seen = ctx.sourceChanged.get(source.name) ?? new Set<string>();
    for (const id of restored.sourceChanged) seen.add(id);
    ctx.sourceChanged.set(source.name, seen);
  }
  const marks = [Date.now()];
  const kernel = await ctx.pool.take();
  marks.push(Date.now());
  const sb = kernel.sandbox;
  const wallSec = sb.wallSec;
  try {
    const toRun = path.join(sb.privateDir, `${source.name}.ipynb`);
    writeNotebookAtomic(toRun, restored.notebook);
    let run: RunResult | null = null;
    let crash = "";
    try {
      if (kernel.error) throw kernel.error;
      const service = ctx.service;
      let given = true;
      // cells go compiled by the service until one it cannot compile: the kernel's state is then its own
      const precompiled = service
        ? async (hash: string, src: string) => {
            const compiled = given ? await service.compile(hash, src, sb.workDir) : undefined;
            given = compiled !== undefined;
            return compiled && { declHash: hash, compiled };
          }
        : undefined;
      run = await runNotebook(toRun, { out: path.join(sb.privateDir, "out"), allowErrors: true, timeoutSec, client: kernel.client, precompiled, settleMs: SETTLE_MS });
    } catch (e) {
      crash = (e as Error).message.replace(toRun, `${source.name}.ipynb`);
    }
    marks.push(Date.now());
    const executed = run ? readNotebook(run.output) : restored.notebook;
    const truncated = capOutputs(executed, options.outputCap ?? 1024 * 1024);
    const hiddenIds = new Set(restored.hidden);
    // scored on the notebook as it ran (the run's cell indexes), guard cells included
    const grades = scoreCells(executed, run, hiddenIds);
    const integrity = declaresForbidden(source.nb) ? checkIntegrity(executed) : [];
    const guards = readGuards(executed);
    const at = guards.renumber;
    const killed = killedFor(sb);
    const cellStatus = new Set(run?.cells.map((c) => c.status));
    const notes = [...loaded.notes, ...restored.tampering.map((t) => t.message)];
    if (killed === "memory") notes.unshift(`killed: the kernel used more than ${options.memoryMb ?? 2048} MB`);
    else if (killed === "timeout") notes.unshift(`killed: the notebook ran longer than ${wallSec} s`);
    else if (crash) notes.unshift(crash);
    else if (cellStatus.has("timeout")) {
      const n = run!.cells.filter((c) => c.status === "timeout").map((c) => at(c.index));
      notes.unshift(`cell ${n.join(", ")} ran longer than ${timeoutSec} s`);
    } else if (cellStatus.has("died")) {
      const f = run!.errors.find((e) => e.status === "died");
      notes.unshift(`the kernel died in cell ${f ? at(f.cellIndex) : "?"}: ${(f?.evalue.split("\n")[0] ?? "").replace(/;\s*its stderr ended with:\s*$/, "")}`);
    }
    for (const late of run?.lateErrors ?? []) {
      // a hidden test's message stays hidden
      const hidden = hiddenIds.has(gradeId(executed.cells[late.cellIndex]));
      const what = hidden ? "(a hidden test)" : `${late.ename}: ${late.evalue.split("\n")[0]}`;
      notes.push(`cell ${at(late.cellIndex)}: a timer or promise it left behind threw after the cell had finished, ${what}; recorded in that cell, no other cell failed by it`);
    }
    if (truncated) notes.push(`output truncated in ${truncated} cell(s)`);
    // why points were lost, in the CSV too: the student's own errors (answer cells), then the tests that failed
    for (const e of run?.errors ?? []) {
      const cell = executed.cells[e.cellIndex];
      if (!isSolution(cell) || e.status === "timeout" || e.status === "died") continue;
      const ts = /error (TS\d+)/.exec(e.evalue)?.[1];
      notes.push(`cell ${at(e.cellIndex)} ("${gradeId(cell)}"): ${ts ? `${ts} ` : ""}${e.ename}: ${e.evalue.split("\n")[0]}`);
    }
    for (const g of grades) if (g.status === "failed" || g.status === "partial") notes.push(`${g.grade_id} ${g.score}/${g.max_score}: ${g.message}`);
    const zeroed = applyIntegrity(grades, integrity, executed, options.integrity ?? "zero");
    for (const f of integrity) notes.push(`integrity: ${f.message}${zeroed.has(f.grade_id) ? " (its tests score 0)" : ""}`);
    const graded = redactNotebook(guards.notebook, source.released, hiddenIds, source.hidden);
    const tampering = [...restored.tampering, ...guards.tampering, ...graded.tampering];
    for (const t of [...guards.tampering, ...graded.tampering]) notes.push(`tampering: ${t.message}`);
    let status: SubmissionStatus = tampering.length ? "tampered" : "ok";
    if (killed === "memory") status = "memory";
    else if (killed === "timeout") status = "timeout";
    else if (crash) status = "crashed";
    else if (cellStatus.has("timeout")) status = "timeout";
    else if (cellStatus.has("died")) status = "crashed";
    const { user, pidNamespace, netNamespace, mountNamespace, off } = sb.isolation;
    const sandbox = { user, pidNamespace, netNamespace, mountNamespace, ...(off.length ? { off } : {}), limits: sb.limits };
    (graded.notebook.metadata as Record<string, unknown>).tlab_grade = { student, status, tampering, integrity, hidden: restored.hidden, grades, sandbox };
    const target = gradedNotebook(options.gradebook, student, source.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeNotebookAtomic(target, graded.notebook);
    const recorded = { ...gb.record(row(student, source, status, notes.join("; "), tampering, secs(), options.submissions, integrity), grades), grades };
    marks.push(Date.now());
    return recorded;
  } finally {
    await kernel.client.shutdown();
    sb.dispose();
    if (options.onTimings && marks.length === 4) {
      const d = (i: number) => (i === 0 ? marks[0] - t0 : marks[i] - marks[i - 1]);
      options.onTimings({ prepare: d(0), kernel: d(1), run: d(2), record: d(3), cleanup: Date.now() - marks[3] });
    }
  }
}

/**
 * Integrity findings against the grades: in "zero" mode the tests of a solution cell with a finding score 0,
 * saying why; "warn" leaves the points. The solution cells whose tests were zeroed.
 */
function applyIntegrity(grades: CellGrade[], findings: IntegrityFinding[], nb: Notebook, mode: IntegrityMode): Set<string> {
  const zeroed = new Set<string>();
  if (mode !== "zero") return zeroed;
  for (const f of findings) {
    const tests = new Set(testsOf(nb, f.grade_id));
    for (const g of grades) {
      if (!tests.has(g.grade_id) || g.score === null) continue;
      g.score = 0;
      g.status = "failed";
      g.message = `integrity: ${f.message}`;
      zeroed.add(f.grade_id);
    }
  }
  return zeroed;
}
