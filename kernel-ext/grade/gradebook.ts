/**
 * The gradebook: SQLite through better-sqlite3. Each submission's grades are written in one transaction,
 * with WAL journaling, so a run killed half way loses nothing that was reported as graded.
 */
import * as fs from "fs";
import * as path from "path";
import type Database from "better-sqlite3";
import type { CellGrade } from "./score";

/** The version the project is tested with (package.json pins the same). */
const SQLITE = "better-sqlite3@12.6.2";

/**
 * better-sqlite3, loaded when a gradebook is opened: it is an optional peer of @transferlab/kernel-ext, since
 * only the TA's grading needs it (a student who validates does not compile a native module for nothing).
 */
export function sqlite(): typeof Database {
  try {
    return require("better-sqlite3") as typeof Database;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "MODULE_NOT_FOUND" && /better-sqlite3/.test(err.message)) {
      throw new Error(`the gradebook needs better-sqlite3, which is not installed here: npm install ${SQLITE} (an optional peer of @transferlab/kernel-ext, needed only to grade)`);
    }
    throw new Error(`the gradebook needs better-sqlite3, which failed to load (${err.message.split("\n")[0]}): reinstall it with npm install ${SQLITE}`);
  }
}

export type SubmissionStatus = "ok" | "tampered" | "timeout" | "memory" | "crashed" | "invalid" | "missing" | "error";

export interface SubmissionRow {
  student: string;
  notebook: string;
  status: SubmissionStatus;
  score: number;
  max_score: number;
  source_hash: string;
  /** sha256 of the submitted file ("" when there was none): a new hand-in is regraded */
  submission_hash: string;
  message: string;
  tampering: string;
  seconds: number;
  graded_at: string;
  /** JSON array of integrity findings (integrity.ts), "" when none */
  integrity: string;
  /** "on" when the kernel had every part of the sandbox, else "off: why" (an --insecure run) */
  sandbox: string;
}

export interface GradeRow extends Omit<CellGrade, "hidden"> {
  student: string;
  notebook: string;
  hidden: number;
  override_score: number | null;
  override_comment: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS submissions (
  student TEXT NOT NULL, notebook TEXT NOT NULL, status TEXT NOT NULL, score REAL NOT NULL, max_score REAL NOT NULL,
  source_hash TEXT NOT NULL, submission_hash TEXT NOT NULL, message TEXT NOT NULL, tampering TEXT NOT NULL, seconds REAL NOT NULL, graded_at TEXT NOT NULL,
  integrity TEXT NOT NULL DEFAULT '', sandbox TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (student, notebook));
CREATE TABLE IF NOT EXISTS grades (
  student TEXT NOT NULL, notebook TEXT NOT NULL, grade_id TEXT NOT NULL, score REAL, max_score REAL NOT NULL,
  status TEXT NOT NULL, message TEXT NOT NULL, hidden INTEGER NOT NULL,
  PRIMARY KEY (student, notebook, grade_id));
CREATE TABLE IF NOT EXISTS overrides (
  student TEXT NOT NULL, notebook TEXT NOT NULL, grade_id TEXT NOT NULL, score REAL NOT NULL, comment TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (student, notebook, grade_id));
CREATE TABLE IF NOT EXISTS runs (
  started_at TEXT NOT NULL, graded INTEGER NOT NULL, sandbox TEXT NOT NULL);
`;

/** One autograde run: when, how many submissions it graded, and what of the sandbox was on (JSON). */
export interface RunRow {
  started_at: string;
  graded: number;
  /** JSON: { user, pidNamespace, netNamespace, mountNamespace, off: [why each part is off], limits, insecure } */
  sandbox: string;
}

/**
 * Where a gradebook keeps its graded notebooks: `graded/<gradebook name>/<student>/<notebook>.ipynb` beside
 * the gradebook file. Never inside the students' submissions folder, and one folder per gradebook, so a run
 * with another gradebook overwrites none of them. They hold the student edition's text of hidden tests
 * and no hidden-test output (redact.ts); feedback pages are made from them.
 */
export function gradedNotebook(gradebook: string, student: string, notebook: string): string {
  const file = path.resolve(gradebook);
  return path.join(path.dirname(file), "graded", path.basename(file).replace(/\.[^.]*$/, ""), student, `${notebook}.ipynb`);
}

export class Gradebook {
  readonly db: Database.Database;
  constructor(readonly file: string, options: { mustExist?: boolean } = {}) {
    if (options.mustExist && !fs.existsSync(file)) throw new Error(`${file}: no such gradebook (run tlab grade autograde first)`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fresh = !fs.existsSync(file);
    this.db = new (sqlite())(file);
    // only the grader reads it: student code runs as another user where the machine allows
    if (fresh) fs.chmodSync(file, 0o600);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    this.migrate();
  }

  /** Columns later versions added, added to a gradebook written by an earlier one. */
  private migrate(): void {
    const have = new Set((this.db.prepare("PRAGMA table_info(submissions)").all() as { name: string }[]).map((c) => c.name));
    for (const col of ["integrity", "sandbox"]) if (!have.has(col)) this.db.exec(`ALTER TABLE submissions ADD COLUMN ${col} TEXT NOT NULL DEFAULT ''`);
  }

  close(): void {
    this.db.close();
  }

  submission(student: string, notebook: string): SubmissionRow | undefined {
    return this.db.prepare("SELECT * FROM submissions WHERE student = ? AND notebook = ?").get(student, notebook) as SubmissionRow | undefined;
  }

  submissions(): SubmissionRow[] {
    return this.db.prepare("SELECT * FROM submissions ORDER BY student, notebook").all() as SubmissionRow[];
  }

  grades(student: string, notebook: string): GradeRow[] {
    return this.db
      .prepare(
        `SELECT g.*, o.score AS override_score, o.comment AS override_comment FROM grades g
         LEFT JOIN overrides o USING (student, notebook, grade_id) WHERE g.student = ? AND g.notebook = ? ORDER BY g.rowid`,
      )
      .all(student, notebook) as GradeRow[];
  }

  /** Replace a submission's grades in one transaction; manual overrides stay and count in the total. */
  record(row: Omit<SubmissionRow, "score" | "max_score">, grades: CellGrade[]): SubmissionRow {
    const tx = this.db.transaction(() => {
      this.db.prepare("DELETE FROM grades WHERE student = ? AND notebook = ?").run(row.student, row.notebook);
      const ins = this.db.prepare("INSERT INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      for (const g of grades) ins.run(row.student, row.notebook, g.grade_id, g.score, g.max_score, g.status, g.message, g.hidden ? 1 : 0);
      const full: SubmissionRow = { ...row, score: 0, max_score: grades.reduce((s, g) => s + g.max_score, 0) };
      this.db
        .prepare(
          "INSERT OR REPLACE INTO submissions (student, notebook, status, score, max_score, source_hash, submission_hash, message, tampering, seconds, graded_at, integrity, sandbox) " +
            "VALUES (@student, @notebook, @status, @score, @max_score, @source_hash, @submission_hash, @message, @tampering, @seconds, @graded_at, @integrity, @sandbox)",
        )
        .run(full);
      this.retotal(row.student, row.notebook);
    });
    tx();
    return this.submission(row.student, row.notebook)!;
  }

  /** Note an autograde run, with the isolation its kernels had (e.g. whether the network was cut off). */
  recordRun(run: RunRow): void {
    this.db.prepare("INSERT INTO runs VALUES (@started_at, @graded, @sandbox)").run(run);
  }

  runs(): RunRow[] {
    return this.db.prepare("SELECT * FROM runs ORDER BY rowid").all() as RunRow[];
  }

  private retotal(student: string, notebook: string): void {
    const total = this.grades(student, notebook).reduce((s, g) => s + (g.override_score ?? g.score ?? 0), 0);
    this.db.prepare("UPDATE submissions SET score = ? WHERE student = ? AND notebook = ?").run(total, student, notebook);
  }

  /** The overrides of one submission, "grade_id=score", in cell order (for the CSV and the autograde output). */
  overrides(student: string, notebook: string): string[] {
    return this.grades(student, notebook)
      .filter((g) => g.override_score !== null)
      .map((g) => `${g.grade_id}=${g.override_score}`);
  }

  /** Remove a manual grade: the cell's score is the autograder's again. */
  clearOverride(student: string, gradeId: string, notebook?: string): { notebook: string } {
    const { notebook: nb } = this.cellOf(student, gradeId, notebook);
    this.db.transaction(() => {
      const r = this.db.prepare("DELETE FROM overrides WHERE student = ? AND notebook = ? AND grade_id = ?").run(student, nb, gradeId);
      if (r.changes === 0) throw new Error(`no override of "${gradeId}" for student "${student}" in ${nb}`);
      this.retotal(student, nb);
    })();
    return { notebook: nb };
  }

  /** The one graded cell `gradeId` of a student (its notebook, when the id alone names it), or an error saying why not. */
  private cellOf(student: string, gradeId: string, notebook?: string): { notebook: string; max_score: number } {
    const rows = this.db
      .prepare(`SELECT notebook, max_score FROM grades WHERE student = ? AND grade_id = ?${notebook ? " AND notebook = ?" : ""}`)
      .all(...(notebook ? [student, gradeId, notebook] : [student, gradeId])) as { notebook: string; max_score: number }[];
    if (rows.length === 0) throw new Error(`no cell "${gradeId}" graded for student "${student}"${notebook ? ` in ${notebook}` : ""} in ${this.file}`);
    if (rows.length > 1) throw new Error(`cell "${gradeId}" exists in ${rows.map((r) => r.notebook).join(", ")}: say which with --notebook`);
    return rows[0];
  }

  /** A manual grade for one cell; `notebook` may be omitted when the grade id names one cell only. */
  override(student: string, gradeId: string, score: number, comment: string, notebook?: string): { notebook: string; max_score: number } {
    const { notebook: nb, max_score } = this.cellOf(student, gradeId, notebook);
    if (!(score >= 0 && score <= max_score)) throw new Error(`--score must be between 0 and ${max_score} for "${gradeId}", got ${score}`);
    this.db.transaction(() => {
      this.db.prepare("INSERT OR REPLACE INTO overrides VALUES (?, ?, ?, ?, ?, ?)").run(student, nb, gradeId, score, comment, new Date().toISOString());
      this.retotal(student, nb);
    })();
    return { notebook: nb, max_score };
  }
}
