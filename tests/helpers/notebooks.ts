/**
 * Shared scaffolding of the notebook tests: run a lecture notebook headlessly (TL_QUICK=1) and load what it
 * saved; run an exercise's instructor source and its student edition.
 */
import * as fs from "fs";
import * as path from "path";
import { runNotebook, type RunResult } from "../../kernel-ext/run";
import { readNotebook, writeNotebookAtomic, type Notebook } from "../../kernel-ext/notebook";
import { studentEdition } from "../../kernel-ext/export";

export const ROOT = path.resolve(__dirname, "../..");

export interface LectureRun {
  result: RunResult;
  nb: Notebook;
  /** what the notebook wrote with tl.report.saveResults */
  saved: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Execute notebooks/<name>.ipynb into `tmp` (TL_QUICK=1) and load its executed copy and saved results. */
export async function runLecture(name: string, tmp: string, timeoutSec = 300, env: Record<string, string> = {}): Promise<LectureRun> {
  const resultsDir = path.join(tmp, "results");
  const result = await runNotebook(path.join(ROOT, "notebooks", `${name}.ipynb`), {
    out: path.join(tmp, "lecture"),
    timeoutSec,
    env: { TL_QUICK: "1", TL_RESULTS_DIR: resultsDir, ...env },
  });
  if (result.failure) throw new Error(result.failure.message + "\n" + result.failure.error);
  // eslint-disable-next-line no-console
  console.log(`${name}: ${result.cells.length} code cells in ${result.seconds.toFixed(1)} s on ${result.backend}`);
  const nb = readNotebook(result.output);
  const saved = JSON.parse(fs.readFileSync(path.join(resultsDir, `${name}.json`), "utf8"));
  return { result, nb, saved };
}

/** The Plotly figures among a notebook's outputs (their text/plain stand-ins). */
export function figures(nb: Notebook): string[] {
  return nb.cells
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter((o) => o.output_type === "display_data")
    .map((o) => String((o as { data: Record<string, unknown> }).data["text/plain"] ?? ""))
    .filter((t) => t.startsWith("<Plotly figure"));
}

/** The computed readings of an executed notebook: its text/markdown outputs (kernel-ext's markdown()), in order, with runs of white space as one space. */
export function readings(nb: Notebook): string[] {
  return nb.cells
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .map((o) => (o as { data?: Record<string, unknown> }).data?.["text/markdown"])
    .filter((t): t is string | string[] => t !== undefined)
    .map((t) => (Array.isArray(t) ? t.join("") : t).replace(/\s+/g, " "));
}

/** A fraction as the readings print it with one decimal (tl.report.pct(v, 1) interpolated: 91 not 91.0). */
export const pct1 = (v: number): string => String(+(100 * v).toFixed(1));

/** plotly.js as show() inlines it, in bytes */
export function plotlyBytes(): number {
  return fs.statSync(require.resolve("plotly.js-dist-min/plotly.min.js")).size;
}

/** The size target of an executed lecture notebook (issue 15): plotly.js once, plus at most 1.5 MB. */
export const SAVED_NOTEBOOK_BUDGET = () => plotlyBytes() + 1.5e6;

/** An executed notebook on disk holds plotly.js once and stays within plotly.js + 1.5 MB. */
export function expectSmallWhenSaved(file: string): void {
  const text = fs.readFileSync(file, "utf8");
  expect(text.split("window.Plotly = Plotly").length - 1).toBe(1);
  expect(fs.statSync(file).size).toBeLessThanOrEqual(SAVED_NOTEBOOK_BUDGET());
}

export interface ExerciseRuns {
  source: Notebook;
  student: Notebook;
  instructor: RunResult;
  studentRun: RunResult;
  /** the grade_id of the cell where the student edition stopped */
  studentStoppedAt: string | undefined;
}

/**
 * Run notebooks/exercises/<name>.ipynb as the instructor (solutions in) and its student edition (stubs); with
 * `allowErrors` the student run goes on past failing cells (to count them).
 */
export async function runExercise(name: string, tmp: string, options: { timeoutSec?: number; allowErrors?: boolean } = {}): Promise<ExerciseRuns> {
  const timeoutSec = options.timeoutSec ?? 180;
  const file = path.join(ROOT, "notebooks", "exercises", `${name}.ipynb`);
  const instructor = await runNotebook(file, { out: path.join(tmp, "instructor"), timeoutSec, env: { TL_QUICK: "1" } });
  if (instructor.failure) throw new Error(instructor.failure.message + "\n" + instructor.failure.error);
  const source = readNotebook(file);
  const student = studentEdition(source, `${name}.ipynb`);
  // inside the repository (a git-ignored tests/.tmp-* folder), so that the kernel resolves "transferlab"
  const studentDir = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-exercise-"));
  const studentFile = path.join(studentDir, `${name}.ipynb`);
  writeNotebookAtomic(studentFile, student);
  let studentRun: RunResult;
  try {
    studentRun = await runNotebook(studentFile, {
      out: path.join(tmp, "student-run"),
      timeoutSec,
      allowErrors: options.allowErrors,
      env: { TL_QUICK: "1" },
    });
  } finally {
    fs.rmSync(studentDir, { recursive: true, force: true });
  }
  const stopped = studentRun.failure ? student.cells[studentRun.failure.cellIndex] : undefined;
  const studentStoppedAt = (stopped?.metadata as { nbgrader?: { grade_id?: string } } | undefined)?.nbgrader?.grade_id;
  return { source, student, instructor, studentRun, studentStoppedAt };
}

/** The points of the graded cells of an exercise source, in order. */
export function gradedPoints(nb: Notebook): number[] {
  return nb.cells
    .map((c) => (c.metadata as { nbgrader?: { grade?: boolean; points?: number } }).nbgrader)
    .filter((g) => g?.grade)
    .map((g) => g!.points ?? 0);
}

/**
 * The contract of an exercise notebook: its instructor source runs green with these graded points; its student
 * edition has no hidden tests and no `solution` text, and running it stops with "not implemented" at the graded
 * cell `firstTask`.
 */
export function expectReleasable(ex: ExerciseRuns, want: { points: number[]; solution: string; firstTask: string }): void {
  expect(ex.instructor.status).toBe("ok");
  expect(gradedPoints(ex.source)).toEqual(want.points);
  const text = JSON.stringify(ex.student);
  expect(text).not.toContain("BEGIN HIDDEN TESTS");
  expect(text).not.toContain(want.solution);
  expect(ex.studentRun.status).toBe("failed");
  expect(ex.studentRun.failure?.error).toMatch(/not implemented/);
  expect(ex.studentStoppedAt).toBe(want.firstTask);
}
