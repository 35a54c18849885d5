/** `tlab grade export`: the gradebook as a CSV for the registrar and as Gradescope's results.json. */
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../notebook";
import type { Gradebook } from "./gradebook";

/** "kmmObjective; ? (suspicious)" from the gradebook's JSON findings. */
function integrityNames(json: string): string {
  if (!json) return "";
  const found = JSON.parse(json) as { name: string; suspicious: boolean }[];
  return [...new Set(found.map((f) => (f.suspicious ? "suspicious computed access" : f.name)))].join("; ");
}

const csvField = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  // quote per RFC 4180; a leading = + - @ is defused so a spreadsheet does not run a student's formula
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function exportCsv(gb: Gradebook, file: string): string {
  const cols = ["student", "notebook", "score", "max_score", "status", "message", "graded_at", "integrity", "sandbox", "overrides"] as const;
  const lines = [cols.join(",")];
  // integrity: the flagged names ("" when none); sandbox: "on", or "off: why" for an --insecure run;
  // overrides: the cells graded by hand, "grade_id=score; …"
  const cell = (r: ReturnType<Gradebook["submissions"]>[number], c: (typeof cols)[number]) =>
    c === "integrity" ? integrityNames(r.integrity) : c === "overrides" ? gb.overrides(r.student, r.notebook).join("; ") : r[c];
  for (const r of gb.submissions()) lines.push(cols.map((c) => csvField(cell(r, c))).join(","));
  writeFileAtomic(file, lines.join("\n") + "\n");
  return file;
}

/** Gradescope's visibility of a test (their results.json spec). */
export type GradescopeVisibility = "visible" | "hidden" | "after_due_date" | "after_published";

/**
 * One `OUT/<student>/results.json` per student (Gradescope's autograder format), every notebook's cells as
 * tests; a hidden test's visibility is `hiddenVisibility` (default "visible": its name and result only).
 */
export function exportGradescope(gb: Gradebook, dir: string, hiddenVisibility: GradescopeVisibility = "visible"): string[] {
  const byStudent = new Map<string, ReturnType<Gradebook["submissions"]>>();
  for (const r of gb.submissions()) byStudent.set(r.student, [...(byStudent.get(r.student) ?? []), r]);
  const written: string[] = [];
  for (const [student, subs] of byStudent) {
    const tests = subs.flatMap((s) =>
      gb.grades(student, s.notebook).map((g) => ({
        name: `${s.notebook}: ${g.grade_id}`,
        score: g.override_score ?? g.score ?? 0,
        max_score: g.max_score,
        status: (g.override_score ?? g.score ?? 0) >= g.max_score ? "passed" : "failed",
        // a hidden test shows only its name and pass/fail (its message says no more), like the feedback page
        visibility: g.hidden ? hiddenVisibility : "visible",
        output: [g.message, g.override_comment].filter(Boolean).join("\n"),
      })),
    );
    const result = {
      score: subs.reduce((t, s) => t + s.score, 0),
      output: subs
        .map((s) => `${s.notebook}: ${s.score}/${s.max_score} (${s.status})${s.message ? ` ${s.message}` : ""}${s.sandbox && s.sandbox !== "on" ? ` [graded with the sandbox ${s.sandbox}]` : ""}`)
        .join("\n"),
      tests,
    };
    const file = path.join(dir, student, "results.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(result, null, 2) + "\n");
    written.push(file);
  }
  return written;
}
