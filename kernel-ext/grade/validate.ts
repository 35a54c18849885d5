/**
 * `tlab grade validate`: what a student runs on their own notebook, with the visible tests only. It tells
 * the truth about each cell: an answer cell's own error (a TypeScript error with its TS code and line, a
 * runtime error with its traceback) is reported under that cell, a library that cannot be found is
 * reported first with the fix, and a test that fails only because an answer it uses failed says so.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readNotebook } from "../notebook";
import { runNotebook } from "../run";
import type { Notebook } from "../notebook";
import { joinText } from "../notebook";
import { gradeId, isGrade, isSolution } from "./checksum";
import { topLevelNames } from "./tsnames";
import { importedPackages } from "./imports";
import { scoreCells, type CellGrade } from "./score";

/** An error of a cell that is not a test: the student's own code, or a locked cell it broke. */
export interface CellError {
  /** 1-based */
  cell: number;
  grade_id: string;
  /** TypeScript's code ("TS2322") for a compile error */
  code?: string;
  message: string;
  /** the error as the kernel reported it: the TypeScript diagnostics, or the traceback */
  detail: string;
}

export interface Validation {
  notebook: string;
  /** a library the notebook imports could not be found: what to do (reported before anything else) */
  setup?: string;
  /** where the libraries came from when not from the notebook's folder */
  libraries?: string;
  /** the errors of answer and locked cells, in cell order */
  errors: CellError[];
  grades: CellGrade[];
  passed: boolean;
  score: number;
  max_score: number;
}

export async function validate(file: string, timeoutSec = 60): Promise<Validation> {
  // a clear error naming the file before any kernel starts
  if (!readNotebook(file).cells.some(isGrade)) {
    throw new Error(`${file}: no graded test cells: validate checks an exercise notebook (nbgrader test cells); run a lecture notebook with "tlab run"`);
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-validate-"));
  try {
    // the student's own notebook in its own folder (their data files work); the executed copy goes aside.
    // Outside the course kit, the libraries come from the kit this tlab belongs to (NODE_PATH).
    const kit = libraryFallback(file);
    const run = await runNotebook(file, { out, allowErrors: true, timeoutSec, ...(kit ? { env: { NODE_PATH: kit.nodeModules } } : {}) });
    const executed = readNotebook(run.output);
    const grades = scoreCells(executed, run, new Set());
    const errors: CellError[] = run.errors
      .filter((e) => !isGrade(executed.cells[e.cellIndex]) || isSolution(executed.cells[e.cellIndex]))
      .map((e) => {
        // the kernel's traceback, as the notebook shows it under the cell (TypeScript's "error TS2322" lines)
        const out = (executed.cells[e.cellIndex] as { outputs?: { output_type: string; traceback?: string[] }[] }).outputs?.find((o) => o.output_type === "error");
        const detail = (out?.traceback ?? [e.error]).join("\n").replace(/\x1b\[[0-9;]*m/g, "");
        const code = /error (TS\d+)/.exec(detail)?.[1];
        return { cell: e.cellNumber, grade_id: gradeId(executed.cells[e.cellIndex]), ...(code ? { code } : {}), message: `${e.ename}: ${e.evalue.split("\n")[0]}`, detail };
      });
    const missing = run.errors.map((e) => /Cannot find module '((?:@[^/']+\/)?[^/'.][^/']*)/.exec(e.evalue)?.[1]).find(Boolean);
    const setup = missing
      ? `cannot find the library "${missing}" from ${path.dirname(path.resolve(file))}: install the course kit there (npm install, as its README says), or open the notebook inside the course folder`
      : undefined;
    explainDependencies(executed, grades, errors);
    const auto = grades.filter((g) => g.status !== "manual");
    return {
      notebook: file,
      ...(setup ? { setup } : {}),
      ...(kit ? { libraries: `${kit.packages.join(", ")} from ${kit.nodeModules} (the kit this tlab is installed in): the notebook's folder has none` } : {}),
      errors,
      grades,
      // partial credit means a check in the test failed: the student should look
      passed: auto.every((g) => g.status === "passed"),
      score: auto.reduce((s, g) => s + (g.score ?? 0), 0),
      max_score: auto.reduce((s, g) => s + g.max_score, 0),
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The node_modules folder of the kit (or project) this tlab is installed in, when the notebook's own folder
 * cannot resolve a package its cells import and that folder can: a student can validate a notebook
 * wherever it sits. Undefined when the notebook's folder resolves them (the usual case) or neither does.
 */
function libraryFallback(file: string): { nodeModules: string; packages: string[] } | undefined {
  const packages = importedPackages(readNotebook(file));
  const from = (dir: string) => (p: string) => {
    try {
      require.resolve(`${p}/package.json`, { paths: [dir] });
      return true;
    } catch {
      try {
        require.resolve(p, { paths: [dir] });
        return true;
      } catch {
        return false;
      }
    }
  };
  const here = from(path.dirname(path.resolve(file)));
  const missing = packages.filter((p) => !here(p));
  if (!missing.length) return undefined;
  for (let dir = path.resolve(__dirname, "..", ".."); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const nodeModules = path.join(dir, "node_modules");
    if (fs.existsSync(path.join(nodeModules, "transferlab")) && missing.every(from(dir))) return { nodeModules, packages: missing };
  }
  return undefined;
}

/**
 * A test whose only trouble is a name an earlier failed cell should have defined ("Cannot find name
 * 'tcaStep'") says so: "depends on `tcaStep`, which failed in cell 4" (the student sees that cell's own
 * error in `errors`).
 */
function explainDependencies(nb: Notebook, grades: CellGrade[], errors: CellError[]): void {
  const declaredBy = new Map<string, CellError>();
  for (const e of errors) for (const name of topLevelNames(joinText(nb.cells[e.cell - 1].source))) declaredBy.set(name, e);
  for (const g of grades) {
    const name = /Cannot find name '([^']+)'/.exec(g.message)?.[1];
    const failed = name ? declaredBy.get(name) : undefined;
    if (name && failed) g.message = `depends on \`${name}\`, which failed in cell ${failed.cell}${failed.grade_id ? ` ("${failed.grade_id}")` : ""}: ${failed.code ? `${failed.code} ` : ""}${failed.message}`;
  }
}
