/** Submissions for the grader's tests: the released fixture with some cells replaced. */
import * as fs from "fs";
import * as path from "path";
import type { Notebook } from "../../kernel-ext/notebook";
import { releaseEdition } from "../../kernel-ext/grade/assign";
import { gradeId } from "../../kernel-ext/grade/checksum";
import { fullyIsolated, isolation } from "../../kernel-ext/grade/sandbox";

export const FIXTURE = path.join(__dirname, "fixtures", "squares.ipynb");
export const RIGHT = {
  square: "function square(x: number): number {\n  return x * x;\n}",
  total: "function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}",
};

export function released(): Notebook {
  return releaseEdition(JSON.parse(fs.readFileSync(FIXTURE, "utf8")), FIXTURE);
}

/** A submission: `cells` maps a grade id to its new source; `edit` may change the notebook further. */
export function submission(cells: Record<string, string>, edit?: (nb: Notebook) => void): Notebook {
  const nb = released();
  for (const c of nb.cells) {
    const id = gradeId(c);
    if (id in cells) c.source = cells[id];
  }
  edit?.(nb);
  return nb;
}

export function writeSubmission(dir: string, student: string, content: Notebook | string | Buffer, name = "squares.ipynb"): string {
  const file = path.join(dir, student, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 1));
  return file;
}

/**
 * Grading refuses where student code cannot be isolated (not root on Linux); the tests then grade with
 * `insecure` and their isolation checks print SKIPPED. CI runs as root: there every isolation check runs.
 */
export const ISOLATION = isolation();
export const INSECURE = !fullyIsolated(ISOLATION);
export const SANDBOX_FLAGS = INSECURE ? ["--insecure"] : [];

/** Print why an isolation check cannot run here (jest has no "skipped with a reason"). */
export function skipped(what: string): void {
  console.log(`SKIPPED ${what}: ${ISOLATION.off.join("; ") || "isolation off"}`);
}
