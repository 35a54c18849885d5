/** `tlab grade validate`: what a student runs on their own notebook, with the visible tests only. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readNotebook } from "../notebook";
import { runNotebook } from "../run";
import { isGrade } from "./checksum";
import { scoreCells, type CellGrade } from "./score";

export interface Validation {
  notebook: string;
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
    // the student's own notebook in its own folder (their data files work); the executed copy goes aside
    const run = await runNotebook(file, { out, allowErrors: true, timeoutSec });
    const grades = scoreCells(readNotebook(run.output), run, new Set());
    const auto = grades.filter((g) => g.status !== "manual");
    return {
      notebook: file,
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
