/**
 * Hidden test code never reaches a student. A student's function, called by a hidden test, can read the
 * test's source (`caller.toString()`, a stack trace, a callback's text) and print it later, in a cell whose
 * output the student gets back. So everything returned to a student (the graded notebook, the feedback
 * page, the gradebook's messages and with them the CSV and the Gradescope JSON) passes through here: an
 * output or message holding a line of a hidden test is withheld, and a leak from a student's cell is
 * flagged as tampering.
 */
import type { Cell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import { stripHiddenTests } from "../export/editions";
import { gradeId } from "./checksum";
import type { Tampering } from "./restore";

/** Shorter lines (`}`, `});`, `assert.ok(x);`) say nothing of a test and appear in ordinary output. */
const MIN_LINE = 12;
export const WITHHELD = "[withheld: this output contained hidden test code]";

/** The distinctive lines of the source's hidden-test regions (trimmed), those the student edition lacks. */
export function hiddenLines(source: Notebook): string[] {
  const lines = new Set<string>();
  for (const c of source.cells) {
    const src = joinText(c.source);
    const stripped = stripHiddenTests(src);
    if (stripped.regions === 0) continue;
    const visible = new Set(stripped.source.split("\n").map((l) => l.trim()));
    for (const l of src.split("\n")) {
      const t = l.trim();
      if (t.length >= MIN_LINE && !visible.has(t) && !/^\/\/\s*(BEGIN|END) HIDDEN TESTS$/.test(t)) lines.add(t);
    }
  }
  return [...lines];
}

export const leaks = (text: string, hidden: string[]) => hidden.length > 0 && hidden.some((l) => text.includes(l));

/** `text` or, when it holds hidden test code, the notice that replaces it. */
export const redact = (text: string, hidden: string[]) => (leaks(text, hidden) ? WITHHELD : text);

type Output = { output_type: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string; traceback?: string[] };

const outputText = (o: Output) => [joinText(o.text ?? ""), JSON.stringify(o.data ?? {}), o.evalue ?? "", (o.traceback ?? []).join("\n")].join("\n");

/**
 * The graded notebook as it may be kept and shown: hidden test cells hold their student-edition source
 * (the visible part) and outputs without hidden code; any other cell whose output holds hidden code has
 * that output withheld, and that is reported as tampering.
 */
export function redactNotebook(nb: Notebook, released: Notebook, hiddenIds: Set<string>, hidden: string[]): { notebook: Notebook; tampering: Tampering[] } {
  const releasedById = new Map(released.cells.map((c) => [gradeId(c), c] as const).filter(([id]) => id));
  const tampering: Tampering[] = [];
  const cells = nb.cells.map((cell, i): Cell => {
    if (cell.cell_type !== "code") return cell;
    const id = gradeId(cell);
    const isHidden = Boolean(id) && hiddenIds.has(id);
    const c = { ...cell, outputs: [...cell.outputs] };
    if (isHidden) c.source = releasedById.get(id)?.source ?? stripHiddenTests(joinText(cell.source)).source;
    let leaked = false;
    c.outputs = c.outputs.map((o) => {
      const out = o as Output;
      if (!leaks(outputText(out), hidden)) return o;
      leaked = true;
      return out.output_type === "error"
        ? ({ output_type: "error", ename: out.ename ?? "Error", evalue: WITHHELD, traceback: [WITHHELD] } as typeof o)
        : ({ output_type: "stream", name: "stdout", text: WITHHELD + "\n" } as typeof o);
    });
    if (leaked && !isHidden) {
      tampering.push({ grade_id: id, kind: "leak", message: `cell ${i + 1}${id ? ` ("${id}")` : ""} printed hidden test code; its output is withheld` });
    }
    return c;
  });
  return { notebook: { ...nb, cells }, tampering };
}
