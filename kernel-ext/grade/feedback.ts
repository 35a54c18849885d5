/**
 * `tlab grade feedback`: one HTML page per student and notebook through the handout exporter: their code,
 * their outputs, points and messages under each graded cell; a hidden test shows its name and pass/fail,
 * never its code or its outputs.
 */
import * as fs from "fs";
import * as path from "path";
import type { Cell, Notebook } from "../notebook";
import { joinText } from "../notebook";
import { readNotebook, writeFileAtomic } from "../notebook";
import { nbgraderMeta } from "../export/editions";
import { renderHandout } from "../export/handout";
import { withEmbeddedCjkFont } from "../export/cjkfont";
import { Gradebook, gradedNotebook, type GradeRow, type SubmissionRow } from "./gradebook";
import { gradeId } from "./checksum";
import { hasHiddenTests } from "./restore";

const md = (source: string): Cell => ({ cell_type: "markdown", id: `fb-${Math.random().toString(36).slice(2, 10)}`, metadata: {}, source });
const esc = (s: string) => s.replace(/[<>&*_`[\]\\]/g, (c) => `\\${c}`);

export function feedbackNotebook(graded: Notebook, sub: SubmissionRow, grades: GradeRow[]): Notebook {
  const byId = new Map(grades.map((g) => [g.grade_id, g]));
  const cells: Cell[] = [
    md(
      `# Feedback: ${esc(sub.notebook)}\n\nStudent **${esc(sub.student)}** · score **${sub.score} / ${sub.max_score}**` +
        (sub.status === "ok" ? "" : ` · ${sub.status}`) +
        (sub.message ? `\n\n${esc(sub.message)}` : ""),
    ),
  ];
  for (const cell of graded.cells) {
    const id = gradeId(cell);
    const g = id ? byId.get(id) : undefined;
    const c: Cell = JSON.parse(JSON.stringify(cell));
    delete (c.metadata as Record<string, unknown>).nbgrader;
    const hidden = Boolean(g?.hidden) || (nbgraderMeta(cell)?.grade && hasHiddenTests(cell));
    if (hidden && c.cell_type === "code") {
      // the graded notebook already holds the student edition's text of this cell (the visible asserts, redact.ts)
      c.source = `${joinText(c.source).replace(/\s+$/, "")}\n// … and hidden tests: their code is not shown`;
      // its outputs may quote a hidden assertion's message: the line below gives the result and the author's hint
      c.outputs = [];
    }
    cells.push(c);
    if (g) {
      const score = g.override_score ?? g.score;
      const byHand = g.override_score !== null ? " (graded by hand)" : "";
      const line = `**${esc(id)}**: ${score === null ? "not graded yet" : `${score} / ${g.max_score}`}${byHand} — ${esc(g.message)}` + (g.override_comment ? `\n\n> ${esc(g.override_comment)}` : "");
      cells.push(md(line));
    }
  }
  return { ...graded, cells, metadata: { ...graded.metadata } };
}

/**
 * The feedback page of one graded notebook: the handout exporter's page, with the glyphs of its Chinese
 * (the lecture's quotes, a student's comments) embedded as handouts carry them (cjkfont.ts), so that a page
 * opened or printed on a machine without CJK fonts shows no empty boxes.
 */
export async function feedbackPage(graded: Notebook, sub: SubmissionRow, grades: GradeRow[]): Promise<string> {
  const nb = feedbackNotebook(graded, sub, grades);
  delete (nb.metadata as Record<string, unknown>).tlab_grade;
  const when = sub.graded_at ? new Date(sub.graded_at).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "";
  const footer = `Feedback for ${sub.student} on ${sub.notebook}.ipynb: ${sub.score} of ${sub.max_score} points${when ? `, graded ${when}` : ""}. Hidden tests show their name and result, not their code.`;
  const page = renderHandout(nb, { edition: "instructor", file: `${sub.notebook}.ipynb`, footer });
  return (await withEmbeddedCjkFont(page.html)).html;
}

export async function feedback(gradebook: string, out: string): Promise<string[]> {
  const gb = new Gradebook(gradebook, { mustExist: true });
  const pages: string[] = [];
  try {
    for (const sub of gb.submissions()) {
      const file = gradedNotebook(gradebook, sub.student, sub.notebook);
      if (!fs.existsSync(file)) continue; // missing or invalid submissions: nothing ran, the export says why
      const html = await feedbackPage(readNotebook(file), sub, gb.grades(sub.student, sub.notebook));
      const target = path.join(out, sub.student, `${sub.notebook}.html`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, html);
      pages.push(target);
    }
  } finally {
    gb.close();
  }
  return pages;
}
