/** Points per grade cell from an executed notebook: full points when the test cell ran cleanly. */
import type { Cell, CodeCell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import type { RunResult } from "../run";
import { gradeId, isGrade, isSolution, points } from "./checksum";

export interface CellGrade {
  grade_id: string;
  /** null: graded by hand (markdown answers, written answers in code) until an override */
  score: number | null;
  max_score: number;
  status: "passed" | "failed" | "partial" | "manual" | "not-run";
  /** for a hidden test: nothing but passed/failed, so that its code never reaches the student */
  message: string;
  hidden: boolean;
}

/** The number a test cell's last expression gave (its execute_result), if any. */
export function lastValue(cell: CodeCell): number | undefined {
  const res = [...cell.outputs].reverse().find((o) => o.output_type === "execute_result");
  if (!res) return undefined;
  const text = joinText((res as { data: Record<string, unknown> }).data["text/plain"] as string | string[] | undefined).trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

export function scoreCells(nb: Notebook, run: Pick<RunResult, "cells" | "errors"> | null, hidden: Set<string>): CellGrade[] {
  const status = new Map(run?.cells.map((c) => [c.index, c.status]) ?? []);
  const errors = new Map(run?.errors.map((e) => [e.cellIndex, e]) ?? []);
  const grades: CellGrade[] = [];
  nb.cells.forEach((cell, index) => {
    if (!isGrade(cell)) return;
    const id = gradeId(cell);
    const max = points(cell);
    const isHidden = hidden.has(id);
    if (cell.cell_type !== "code" || isSolution(cell)) {
      grades.push({ grade_id: id, score: null, max_score: max, status: "manual", message: "graded by hand", hidden: false });
      return;
    }
    const st = status.get(index);
    if (st === undefined) {
      grades.push({ grade_id: id, score: 0, max_score: max, status: "not-run", message: run ? "not run: the notebook stopped before this cell" : "not run", hidden: isHidden });
      return;
    }
    if (st !== "ok") {
      const err = errors.get(index);
      const why = st === "timeout" ? "timed out" : st === "died" ? "the kernel died" : err ? `${err.ename}: ${err.evalue.split("\n")[0]}` : st;
      // a hidden test says only what its author wrote for students (metadata tlab.hint), never its code
      grades.push({ grade_id: id, score: 0, max_score: max, status: "failed", message: isHidden ? hiddenMessage(cell) : why, hidden: isHidden });
      return;
    }
    const v = lastValue(cell as CodeCell);
    if (v !== undefined && v >= 0 && v <= max && v !== max) {
      grades.push({ grade_id: id, score: v, max_score: max, status: "partial", message: `partial credit ${v}/${max}`, hidden: isHidden });
      return;
    }
    grades.push({ grade_id: id, score: max, max_score: max, status: "passed", message: "passed", hidden: isHidden });
  });
  return grades;
}

/** "failed", with the author's words for students when the cell has them (metadata: "tlab": {"hint": "…"}). */
function hiddenMessage(cell: Cell): string {
  const hint = (cell.metadata as { tlab?: { hint?: unknown } }).tlab?.hint;
  return typeof hint === "string" && hint.trim() ? `failed: ${hint.trim()}` : "failed";
}
