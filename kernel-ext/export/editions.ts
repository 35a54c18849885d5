/**
 * Editions of an exercise notebook (docs/design.md, "Contract: exercise notebooks", nbgrader's format).
 * The student edition replaces solution regions by the stub and drops hidden tests, so that nothing
 * leaks; the instructor edition keeps both and marks them. The grader uses the same functions.
 */
import type { Cell, Notebook } from "../notebook";
import { joinText } from "../notebook";

export type Edition = "student" | "instructor";
export const EDITIONS: readonly Edition[] = ["student", "instructor"];

export interface NbgraderMeta {
  grade?: boolean;
  grade_id?: string;
  locked?: boolean;
  points?: number;
  schema_version?: number;
  solution?: boolean;
  task?: boolean;
  checksum?: string;
}

export function nbgraderMeta(cell: Cell): NbgraderMeta | null {
  const m = (cell.metadata as Record<string, unknown>)?.nbgrader;
  return m && typeof m === "object" ? (m as NbgraderMeta) : null;
}

const BEGIN_SOLUTION = /^[ \t]*\/\/[ \t]*BEGIN SOLUTION[ \t]*$/;
const END_SOLUTION = /^[ \t]*\/\/[ \t]*END SOLUTION[ \t]*$/;
const BEGIN_HIDDEN = /^[ \t]*\/\/[ \t]*BEGIN HIDDEN TESTS[ \t]*$/;
const END_HIDDEN = /^[ \t]*\/\/[ \t]*END HIDDEN TESTS[ \t]*$/;
const STUB = ["// YOUR CODE HERE", 'throw new Error("not implemented");'];
const MARKDOWN_STUB = "YOUR ANSWER HERE";

/**
 * Replace every region from a `begin` marker line to its `end` marker line (markers included) by
 * `replacement(indent)`; an unbalanced marker is an error naming `where` and the line.
 */
function replaceRegions(source: string, begin: RegExp, end: RegExp, names: [string, string], replacement: (indent: string) => string[], where: string): { source: string; regions: number } {
  const lines = source.split("\n");
  const out: string[] = [];
  let regions = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!begin.test(lines[i])) {
      if (end.test(lines[i])) throw new Error(`${where}: "${names[1]}" on line ${i + 1} without a "${names[0]}" before it`);
      out.push(lines[i]);
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !end.test(lines[j])) j++;
    if (j >= lines.length) throw new Error(`${where}: "${names[0]}" on line ${i + 1} has no "${names[1]}"`);
    out.push(...replacement(/^[ \t]*/.exec(lines[i])![0]));
    regions++;
    i = j;
  }
  return { source: out.join("\n"), regions };
}

/** Replace each `// BEGIN SOLUTION` … `// END SOLUTION` region by the stub (indented like the marker). */
export function stripSolutions(source: string, where = "cell"): { source: string; regions: number } {
  return replaceRegions(source, BEGIN_SOLUTION, END_SOLUTION, ["// BEGIN SOLUTION", "// END SOLUTION"], (indent) => STUB.map((l) => indent + l), where);
}

/** Remove each `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS` region (markers included). */
export function stripHiddenTests(source: string, where = "cell"): { source: string; regions: number } {
  return replaceRegions(source, BEGIN_HIDDEN, END_HIDDEN, ["// BEGIN HIDDEN TESTS", "// END HIDDEN TESTS"], () => [], where);
}

/** True when the cell holds solution code or hidden tests (its outputs could reveal them). */
export function revealsSolution(cell: Cell): boolean {
  const meta = nbgraderMeta(cell);
  const src = joinText(cell.source);
  return Boolean(meta?.solution) || src.split("\n").some((l) => BEGIN_HIDDEN.test(l) || BEGIN_SOLUTION.test(l));
}

/**
 * The student edition of a notebook: solution regions → stub (a solution cell without markers is a
 * solution as a whole), hidden tests removed. In an exercise notebook (any nbgrader cell) every output is
 * cleared: a later cell's output (a printed value, a plot) can give away what the solution computes.
 * A deep copy.
 */
export function studentEdition(nb: Notebook, file = "notebook"): Notebook {
  // a lecture notebook has nothing to hide: skip the deep copy (executed notebooks can be tens of MB)
  if (!nb.cells.some((c) => nbgraderMeta(c) !== null || revealsSolution(c))) return nb;
  const copy: Notebook = JSON.parse(JSON.stringify(nb));
  const exercise = copy.cells.some((c) => nbgraderMeta(c) !== null);
  copy.cells.forEach((cell, i) => {
    const where = `${file}, cell ${i + 1}`;
    const meta = nbgraderMeta(cell);
    const src = joinText(cell.source);
    const reveals = revealsSolution(cell);
    let next = src;
    if (cell.cell_type === "code") {
      const sol = stripSolutions(next, where);
      next = sol.source;
      if (meta?.solution && sol.regions === 0) next = STUB.join("\n");
      next = stripHiddenTests(next, where).source;
      if (reveals || exercise) {
        cell.outputs = [];
        cell.execution_count = null;
      }
    } else if (cell.cell_type === "markdown" && meta?.solution) {
      next = MARKDOWN_STUB;
    }
    cell.source = next;
  });
  return copy;
}

export function checkEdition(value: unknown): Edition {
  if (value === "student" || value === "instructor") return value;
  throw new Error(`--edition must be one of ${EDITIONS.join(", ")}, got "${value}"`);
}
