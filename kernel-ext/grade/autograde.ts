/**
 * `tlab grade autograde`: every submission × source notebook, restored, executed in a sandbox by a pool of
 * workers, scored and recorded in the gradebook one transaction per submission. A submission already in
 * the gradebook for the same source (same hash) is skipped, so an interrupted run resumes.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Notebook } from "../notebook";
import { readNotebook, writeNotebookAtomic } from "../notebook";
import { runNotebook, type RunResult } from "../run";
import { checkSource } from "./assign";
import { Gradebook, type SubmissionRow, type SubmissionStatus } from "./gradebook";
import { capOutputs } from "./outputs";
import { restoreCells, type Tampering } from "./restore";
import { createSandbox, killedFor, readableByOthers, releaseSandboxRoot } from "./sandbox";
import { scoreCells, type CellGrade } from "./score";
import { loadSubmission } from "./submission";

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
  /** a word for the TA before grading starts (files student code could read) */
  onWarning?: (message: string) => void;
}

export interface GradedSubmission extends SubmissionRow {
  skipped?: string;
  regraded?: string;
  grades: CellGrade[];
}

interface Source {
  file: string;
  name: string;
  nb: Notebook;
  hash: string;
}

const hashFile = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const submissionHash = (f: string) => (fs.existsSync(f) && fs.statSync(f).isFile() ? hashFile(f) : "");

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

/** Student ids: the submission folders, plus the roster's (one id a line, # comments). */
export function listStudents(dir: string, roster?: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--submissions ${dir}: no such folder`);
  const ids = new Set(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name),
  );
  if (roster) {
    for (const line of fs.readFileSync(roster, "utf8").split(/\r?\n/)) {
      const id = line.replace(/#.*/, "").trim().split(/[,\s]/)[0];
      if (id) ids.add(checkStudentId(id, roster));
    }
  }
  return [...ids].sort();
}

export async function autograde(options: AutogradeOptions): Promise<GradedSubmission[]> {
  const sources: Source[] = options.sources.map((file) => {
    const nb = readNotebook(file);
    checkSource(nb, file);
    return { file, name: path.basename(file, ".ipynb"), nb, hash: hashFile(file) };
  });
  const names = new Set(sources.map((s) => s.name));
  if (names.size !== sources.length) throw new Error("two --source notebooks have the same name");
  const students = options.student ? [checkStudentId(options.student, "--student")] : listStudents(options.submissions, options.roster);
  const gb = new Gradebook(options.gradebook);
  if (process.getuid?.() === 0) {
    const open = readableByOthers([...options.sources, options.gradebook, options.submissions]);
    if (open.length) options.onWarning?.(`student code could read ${open.join(", ")}: keep them in a folder of mode 0700 (chmod 700 on a parent)`);
  } else options.onWarning?.("not root: student code runs as your user (no separate user, no PID namespace); grade as root on Linux for the full sandbox");
  const modules = options.modules ?? findModules(path.dirname(options.sources[0]));
  const results: GradedSubmission[] = [];
  const jobs: { student: string; source: Source; regraded?: string }[] = [];
  for (const student of students) {
    for (const source of sources) {
      const prev = gb.submission(student, source.name);
      if (prev && !options.force && !options.student) {
        const sub = submissionHash(path.join(options.submissions, student, `${source.name}.ipynb`));
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
  const started = Date.now();
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      let r: GradedSubmission;
      try {
        r = await gradeOne(job.student, job.source, gb, options, modules, timeoutSec);
      } catch (e) {
        // a grader bug on one submission must not lose the others
        r = { ...gb.record(row(job.student, job.source, "error", `grader error: ${(e as Error).message}`, [], 0, options.submissions), []), grades: [] };
      }
      if (job.regraded) r.regraded = job.regraded;
      results.push(r);
      done++;
      const perJob = (Date.now() - started) / 1000 / done;
      options.onResult?.(r);
      options.onProgress?.({ done, total: jobs.length, etaSec: done < jobs.length ? (perJob * (jobs.length - done)) / 1 : 0 });
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    gb.close();
    releaseSandboxRoot();
  }
  return results.sort((a, b) => a.student.localeCompare(b.student) || a.notebook.localeCompare(b.notebook));
}

function row(student: string, source: Source, status: SubmissionStatus, message: string, tampering: Tampering[], seconds: number, submissions: string): Omit<SubmissionRow, "score" | "max_score"> {
  const submission_hash = submissionHash(path.join(submissions, student, `${source.name}.ipynb`));
  return { student, notebook: source.name, status, source_hash: source.hash, submission_hash, message, tampering: JSON.stringify(tampering), seconds, graded_at: new Date().toISOString() };
}

async function gradeOne(student: string, source: Source, gb: Gradebook, options: AutogradeOptions, modules: string, timeoutSec: number): Promise<GradedSubmission> {
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 10) / 100;
  const dir = path.join(options.submissions, student);
  const file = path.join(dir, `${source.name}.ipynb`);
  const zero = (status: SubmissionStatus, message: string): GradedSubmission => {
    const grades = scoreCells(source.nb, null, new Set()).map((g) => ({ ...g, score: g.status === "manual" ? null : 0, status: "not-run" as const, message }));
    return { ...gb.record(row(student, source, status, message, [], secs(), options.submissions), grades), grades };
  };
  if (!fs.existsSync(dir)) return zero("missing", "no submission folder");
  if (!fs.existsSync(file)) {
    const other = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && !f.endsWith(".graded.ipynb"));
    return zero("missing", `no ${source.name}.ipynb in the submission folder${other.length ? ` (found ${other.join(", ")})` : ""}`);
  }
  const loaded = loadSubmission(file);
  if (!loaded.ok) return zero("invalid", loaded.message);
  const restored = restoreCells(source.nb, loaded.notebook, source.file);
  const codeCells = restored.notebook.cells.filter((c) => c.cell_type === "code").length;
  const wallSec = options.notebookTimeoutSec ?? Math.max(120, timeoutSec * Math.min(codeCells, 10));
  const sb = createSandbox({ wallSec, modules, memoryMb: options.memoryMb });
  try {
    const toRun = path.join(sb.privateDir, `${source.name}.ipynb`);
    writeNotebookAtomic(toRun, restored.notebook);
    let run: RunResult | null = null;
    let crash = "";
    try {
      run = await runNotebook(toRun, { out: path.join(sb.privateDir, "out"), allowErrors: true, timeoutSec, kernelCommand: sb.kernelCommand });
    } catch (e) {
      crash = (e as Error).message.replace(toRun, `${source.name}.ipynb`);
    }
    const executed = run ? readNotebook(run.output) : restored.notebook;
    const truncated = capOutputs(executed, options.outputCap ?? 1024 * 1024);
    const grades = scoreCells(executed, run, new Set(restored.hidden));
    const killed = killedFor(sb);
    const cellStatus = new Set(run?.cells.map((c) => c.status));
    const notes = [...loaded.notes, ...restored.tampering.map((t) => t.message)];
    let status: SubmissionStatus = restored.tampering.length ? "tampered" : "ok";
    if (killed === "memory") {
      status = "memory";
      notes.unshift(`killed: the kernel used more than ${options.memoryMb ?? 2048} MB`);
    } else if (killed === "timeout") {
      status = "timeout";
      notes.unshift(`killed: the notebook ran longer than ${wallSec} s`);
    } else if (crash) {
      status = "crashed";
      notes.unshift(crash);
    } else if (cellStatus.has("timeout")) {
      status = "timeout";
      const n = run!.cells.filter((c) => c.status === "timeout").map((c) => c.index + 1);
      notes.unshift(`cell ${n.join(", ")} ran longer than ${timeoutSec} s`);
    } else if (cellStatus.has("died")) {
      status = "crashed";
      const f = run!.errors.find((e) => e.status === "died");
      notes.unshift(`the kernel died in cell ${f?.cellNumber}: ${(f?.evalue.split("\n")[0] ?? "").replace(/;\s*its stderr ended with:\s*$/, "")}`);
    }
    if (truncated) notes.push(`output truncated in ${truncated} cell(s)`);
    (executed.metadata as Record<string, unknown>).tlab_grade = { student, status, tampering: restored.tampering, hidden: restored.hidden, grades };
    writeNotebookAtomic(path.join(dir, `${source.name}.graded.ipynb`), executed);
    return { ...gb.record(row(student, source, status, notes.join("; "), restored.tampering, secs(), options.submissions), grades), grades };
  } finally {
    sb.dispose();
  }
}
