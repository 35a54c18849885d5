/**
 * Put the instructor's test and locked cells back into a submission (nbgrader's OverwriteCells, plus hidden
 * tests and re-inserted deleted cells) and record what the student changed there as tampering.
 */
import type { Cell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import { nbgraderMeta, stripHiddenTests } from "../export/editions";
import { releaseEdition } from "./assign";
import { computeChecksum, gradeId, isGrade, isLocked, isSolution } from "./checksum";
import { withGuards } from "./guard";

export interface Tampering {
  grade_id: string;
  kind: "deleted" | "edited" | "forged" | "redefined" | "guard" | "leak" | "integrity";
  message: string;
}

export interface Restored {
  notebook: Notebook;
  tampering: Tampering[];
  /** grade ids of the cells whose tests were hidden from the student */
  hidden: string[];
  /** grade ids of cells the TA changed in the source after the release (applied, never blamed on the student) */
  sourceChanged: string[];
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

export function hasHiddenTests(cell: Cell): boolean {
  const src = joinText(cell.source);
  return stripHiddenTests(src).regions > 0;
}

/** The notebook to execute: the submission's answers inside the source's tests and locked cells. */
export function restoreCells(source: Notebook, submission: Notebook, sourceFile: string): Restored {
  const released = releaseEdition(source, sourceFile);
  const byId = new Map<string, { index: number; src: Cell; rel: Cell }>();
  source.cells.forEach((c, index) => {
    const id = gradeId(c);
    if (id) byId.set(id, { index, src: c, rel: released.cells[index] });
  });
  const tampering: Tampering[] = [];
  const sourceChanged: string[] = [];
  const used = new Set<string>();
  const out: Cell[] = [];
  const restored = (e: { src: Cell }): Cell => {
    const c = clone(e.src);
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
    return c;
  };
  // deleted cells come back where they were: before the first later source cell the submission still has
  const insertMissingBefore = (index: number) => {
    for (const [id, e] of byId) {
      if (e.index >= index || used.has(id)) continue;
      used.add(id);
      if (isGrade(e.src) || isLocked(e.src)) tampering.push({ grade_id: id, kind: "deleted", message: `cell "${id}" was deleted; restored from the source` });
      out.push(isGrade(e.src) || isLocked(e.src) ? restored(e) : clone(e.rel));
    }
  };
  for (const cell of submission.cells) {
    const id = gradeId(cell);
    const e = id ? byId.get(id) : undefined;
    if (!e || used.has(id)) {
      // a cell the student added; nbgrader metadata on it (a forged or duplicated grade cell) is dropped
      const c = clone(cell);
      if (nbgraderMeta(c)) {
        if (isGrade(c) || isLocked(c)) tampering.push({ grade_id: id, kind: "forged", message: `cell "${id}" is not in the source${used.has(id) ? " (a copy)" : ""}; graded as a plain cell` });
        delete (c.metadata as Record<string, unknown>).nbgrader;
      }
      out.push(c);
      continue;
    }
    insertMissingBefore(e.index);
    used.add(id);
    if (isGrade(e.src) || isLocked(e.src)) {
      // an answer (grade + solution) is the student's to write; tests and locked cells are not
      // against the release the student got: the checksum it wrote into the cell. A cell still matching it
      // was not touched by the student, even where the TA has edited the source since (that edit is applied:
      // the cell is restored from the source, and listed once in the run's summary)
      const now = computeChecksum(cell);
      const asReleased = nbgraderMeta(cell)?.checksum;
      const untouched = asReleased !== undefined ? now === asReleased : now === computeChecksum(e.rel);
      if (asReleased !== undefined && untouched && asReleased !== computeChecksum(e.rel)) sourceChanged.push(id);
      if ((!untouched || cell.cell_type !== e.rel.cell_type) && !isSolution(e.src)) {
        tampering.push({ grade_id: id, kind: "edited", message: `cell "${id}" was changed; graded with the original` });
      }
      if (!(isSolution(e.src) && !isGrade(e.src))) {
        // a manually graded answer (grade + solution) keeps the student's text
        if (isSolution(e.src)) {
          const c = clone(e.src);
          c.source = cell.source;
          out.push(c);
        } else out.push(restored(e));
        continue;
      }
    }
    // a solution cell: the student's source under the source's metadata (so points cannot be raised)
    const c = clone(cell);
    c.metadata = { ...clone(cell.metadata), nbgrader: clone(nbgraderMeta(e.src)) };
    c.cell_type = e.src.cell_type;
    if (c.cell_type === "code") {
      const code = c as Extract<Cell, { cell_type: "code" }>;
      code.outputs = [];
      code.execution_count = null;
    }
    out.push(c);
  }
  insertMissingBefore(Infinity);
  tampering.push(...redefinedHelpers(out));
  const hidden = source.cells.filter((c) => isGrade(c) && hasHiddenTests(c)).map(gradeId);
  // the guard's cells (guard.ts) around the tests: frozen assertions and libraries, checked built-ins and helpers, a canary
  const nb: Notebook = withGuards({ ...clone(submission), metadata: { ...clone(submission.metadata), kernelspec: clone(source.metadata.kernelspec) }, cells: out });
  return { notebook: nb, tampering, hidden, sourceChanged };
}

// top-level declarations only (column 0): locals inside a helper's body are no helpers
const DECLARED = /^(?:export\s+)?(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm;

/**
 * Names the locked cells define (the tests' helpers, such as `check`) that a student's cell declares or
 * assigns again: the tests would then call the student's version. Flagged for the TA to look at.
 */
function redefinedHelpers(cells: Cell[]): Tampering[] {
  const helpers = new Map<string, string>();
  for (const c of cells) {
    if (c.cell_type !== "code" || !isLocked(c) || isGrade(c)) continue;
    for (const m of joinText(c.source).matchAll(DECLARED)) helpers.set(m[1], gradeId(c));
  }
  const found: Tampering[] = [];
  for (const c of cells) {
    if (c.cell_type !== "code" || isLocked(c)) continue;
    const code = joinText(c.source);
    for (const [name, cell] of helpers) {
      const esc = name.replace(/\$/g, "\\$");
      const re = new RegExp(`^(?:export\\s+)?(?:async\\s+)?(?:function\\*?|class|const|let|var)\\s+${esc}\\b|^[ \\t]*${esc}\\s*=(?!=)|globalThis\\.${esc}\\b`, "m");
      if (re.test(code) && !found.some((f) => f.message.includes(`"${name}"`))) {
        found.push({ grade_id: gradeId(c) || "(added cell)", kind: "redefined", message: `a student cell redefines "${name}" from the locked cell "${cell}"` });
      }
    }
  }
  return found;
}
