/**
 * `tlab grade merge --out ALL.sqlite SHARD.sqlite...`: shard gradebooks (shard.ts) into one, which then
 * exports, gives feedback and takes overrides as the gradebook of a single run would. The answer to
 * nbgrader's "parallel autograding" (jupyter/nbgrader#174), whose workaround is gradebooks merged by hand.
 *
 * - An existing --out is read as one more input, so merging the same shard twice changes nothing, and
 *   overrides given on the merged gradebook stay.
 * - A submission graded differently in two inputs is a conflict: the latest grading is kept in
 *   `submissions`, every version in `merge_conflicts`, and each is reported; nothing is dropped silently.
 * - Inputs graded against other source notebooks or another assignment are refused, naming the files.
 * - Nothing is written in place: the merged gradebook is built in a temporary file renamed over --out, so
 *   a merge stopped half way, or refused, leaves --out as it was.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type Database from "better-sqlite3";
import { Gradebook, gradedNotebook, sqlite, type RunRow, type SubmissionRow } from "./gradebook";
import { gradebookError, readShardMeta, writeShardMeta, type ShardMeta } from "./shard";

interface GradeRecord {
  grade_id: string;
  score: number | null;
  max_score: number;
  status: string;
  message: string;
  hidden: number;
}

interface OverrideRecord {
  student: string;
  notebook: string;
  grade_id: string;
  score: number;
  comment: string;
  at: string;
}

/** One submission as one input holds it. */
interface Version {
  file: string;
  row: SubmissionRow;
  grades: GradeRecord[];
  signature: string;
}

export interface MergeConflict {
  student: string;
  notebook: string;
  /** "result": graded differently; "override": two different manual grades of one cell */
  kind: "result" | "override";
  /** the gradebook whose version is kept in the merged one, and those whose versions are only in merge_conflicts */
  kept: string;
  others: string[];
  message: string;
}

export interface MergeResult {
  out: string;
  inputs: string[];
  submissions: number;
  /** submissions the merged gradebook did not hold before */
  added: number;
  overrides: number;
  conflicts: MergeConflict[];
  /** the shards of the split merged so far ("K/N"), and those of 1..N not among them */
  shards: string[];
  missingShards: string[];
}

/** An input read whole: its rows, grades, overrides, runs and what it says of itself. */
interface Input {
  file: string;
  meta?: ShardMeta;
  versions: Version[];
  overrides: OverrideRecord[];
  runs: RunRow[];
  conflicts: ConflictRow[];
}

interface ConflictRow {
  student: string;
  notebook: string;
  gradebook: string;
  signature: string;
  kept: number;
  version: string;
}

const CONFLICTS = `CREATE TABLE IF NOT EXISTS merge_conflicts (
  student TEXT NOT NULL, notebook TEXT NOT NULL, gradebook TEXT NOT NULL, signature TEXT NOT NULL, kept INTEGER NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (student, notebook, gradebook, signature))`;

/** What a grading found, without when or how fast: two equal signatures are the same result. */
function signature(row: SubmissionRow, grades: GradeRecord[]): string {
  const what = [row.status, row.source_hash, row.submission_hash, grades.map((g) => [g.grade_id, g.score, g.max_score, g.status, g.hidden])];
  return createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 16);
}

function readInput(file: string, writable: boolean): Input {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such gradebook`);
  if (fs.statSync(file).size === 0) throw new Error(`${file}: empty file, not a gradebook (truncated?): grade its shard again, then merge; nothing was written`);
  let db: Database.Database | undefined;
  try {
    db = new (sqlite())(file, { readonly: !writable, fileMustExist: true, timeout: 2000 });
    // the merged gradebook is replaced by a rename: first everything its WAL holds must be in the file we read
    if (writable) db.pragma("wal_checkpoint(TRUNCATE)");
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw Object.assign(new Error(`integrity check: ${String(check)}`), { code: "SQLITE_CORRUPT" });
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    for (const t of ["submissions", "grades"]) if (!tables.has(t)) throw new Error(`no ${t} table: not a tlab gradebook`);
    const rows = (db.prepare("SELECT * FROM submissions ORDER BY student, notebook").all() as SubmissionRow[]).map((r) => ({ ...r, integrity: r.integrity ?? "", sandbox: r.sandbox ?? "" }));
    const gradesOf = db.prepare("SELECT grade_id, score, max_score, status, message, hidden FROM grades WHERE student = ? AND notebook = ? ORDER BY rowid");
    const versions = rows.map((row) => {
      const grades = gradesOf.all(row.student, row.notebook) as GradeRecord[];
      return { file, row, grades, signature: signature(row, grades) };
    });
    const all = <T>(table: string): T[] => (tables.has(table) ? (db!.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as T[]) : []);
    return { file, meta: readShardMeta(db), versions, overrides: all<OverrideRecord>("overrides"), runs: all<RunRow>("runs"), conflicts: all<ConflictRow>("merge_conflicts") };
  } catch (e) {
    throw (e as Error).message.startsWith(file) ? e : gradebookError(file, e);
  } finally {
    db?.close();
  }
}

/** notebook → source hash of an input: what its shard recorded, else what its rows were graded against. */
function sourcesOf(input: Input): Record<string, string> {
  if (input.meta && Object.keys(input.meta.sources).length) return input.meta.sources;
  const seen: Record<string, string> = {};
  for (const { row } of input.versions) {
    if (seen[row.notebook] && seen[row.notebook] !== row.source_hash) {
      throw new Error(`${input.file}: ${row.notebook} was graded against two versions of its source (sha256 ${seen[row.notebook].slice(0, 12)}…, ${row.source_hash.slice(0, 12)}…): regrade it with the current source, then merge`);
    }
    seen[row.notebook] = row.source_hash;
  }
  return seen;
}

/** Refuse inputs of different assignments or graded against different source notebooks; the sources they share. */
function checkSameSources(inputs: Input[]): Record<string, string> {
  const known = inputs.map((i) => ({ file: i.file, sources: sourcesOf(i) })).filter((i) => Object.keys(i.sources).length);
  if (!known.length) return {};
  const first = known[0];
  const names = (s: Record<string, string>) => Object.keys(s).sort().join(", ");
  for (const other of known.slice(1)) {
    if (names(other.sources) !== names(first.sources)) {
      throw new Error(`different assignments: ${first.file} grades ${names(first.sources)}, ${other.file} grades ${names(other.sources)}; nothing was written`);
    }
    for (const nb of Object.keys(first.sources)) {
      if (other.sources[nb] !== first.sources[nb]) {
        throw new Error(
          `graded against different source notebooks: ${nb} in ${first.file} (sha256 ${first.sources[nb].slice(0, 12)}…) and in ${other.file} (sha256 ${other.sources[nb].slice(0, 12)}…): ` +
            "regrade the shard graded against the old source, then merge; nothing was written",
        );
      }
    }
  }
  return first.sources;
}

/** The shards merged ("K/N") and those missing from 1..N; inputs of different splits are refused. */
function shardsOf(inputs: Input[]): { shards: string[]; missing: string[] } {
  const specs = new Set<string>();
  for (const i of inputs) for (const s of [...(i.meta?.shard ? [i.meta.shard] : []), ...(i.meta?.merged ?? [])]) specs.add(s);
  const counts = new Set([...specs].map((s) => s.split("/")[1]));
  if (counts.size > 1) {
    const which = inputs.filter((i) => i.meta?.shard).map((i) => `${i.file} is shard ${i.meta!.shard}`);
    throw new Error(`shards of different splits (${[...counts].map((n) => `N=${n}`).join(", ")}): ${which.join(", ")}; nothing was written`);
  }
  const shards = [...specs].sort((a, b) => Number(a.split("/")[0]) - Number(b.split("/")[0]));
  const n = Number([...counts][0] ?? 0);
  const missing = Array.from({ length: n }, (_, i) => `${i + 1}/${n}`).filter((s) => !specs.has(s));
  return { shards, missing };
}

/** Copy a file through a temporary one renamed into place. */
function copyAtomic(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

export function mergeGradebooks(out: string, files: string[]): MergeResult {
  if (!files.length) throw new Error("grade merge needs at least one SHARD.sqlite");
  const outAbs = path.resolve(out);
  // the same file named twice is read once; --out itself, when named, is read as the existing merge
  const named = [...new Set(files.map((f) => path.resolve(f)))].filter((f) => f !== outAbs);
  const shown = (abs: string) => files.find((f) => path.resolve(f) === abs) ?? (abs === outAbs ? out : abs);
  const inputs = named.map((f) => readInput(shown(f), false));
  const existing = fs.existsSync(outAbs) ? readInput(out, true) : undefined;
  if (existing && fs.existsSync(`${outAbs}-wal`)) throw new Error(`${out}: open in another process (a TA's override, another merge): close it, then merge again; nothing was written`);
  // the existing merge last: a version it shares with a shard is named after the shard
  const all = existing ? [...inputs, existing] : inputs;
  const sources = checkSameSources(all);
  const { shards, missing } = shardsOf(all);

  // per submission: every distinct version; the latest grading is kept (ties: the earlier input)
  const byKey = new Map<string, Version[]>();
  for (const input of all) for (const v of input.versions) byKey.set(`${v.row.student}\0${v.row.notebook}`, [...(byKey.get(`${v.row.student}\0${v.row.notebook}`) ?? []), v]);
  const conflicts: MergeConflict[] = [];
  const conflictRows = new Map<string, ConflictRow>();
  for (const c of existing?.conflicts ?? []) conflictRows.set(`${c.student}\0${c.notebook}\0${c.gradebook}\0${c.signature}`, { ...c, kept: 0 });
  const winners: Version[] = [];
  for (const versions of [...byKey.values()]) {
    const kept = versions.reduce((a, b) => (b.row.graded_at > a.row.graded_at ? b : a));
    winners.push(kept);
    const distinct = new Map<string, Version>();
    for (const v of versions) if (!distinct.has(v.signature)) distinct.set(v.signature, v);
    // a conflict found by an earlier merge stays one while its versions are kept
    const earlier = [...conflictRows.values()].filter((c) => c.student === kept.row.student && c.notebook === kept.row.notebook);
    if (distinct.size < 2 && !earlier.some((c) => c.signature !== kept.signature)) continue;
    const others = [...distinct.values()].filter((v) => v.signature !== kept.signature);
    const describe = (v: Version) => `${v.file}: ${v.row.status} ${v.row.score}/${v.row.max_score} (graded ${v.row.graded_at})`;
    for (const v of [kept, ...others]) {
      conflictRows.set(`${v.row.student}\0${v.row.notebook}\0${v.file}\0${v.signature}`, {
        student: v.row.student,
        notebook: v.row.notebook,
        gradebook: v.file,
        signature: v.signature,
        kept: 0,
        version: JSON.stringify({ ...v.row, grades: v.grades }),
      });
    }
    // versions only an earlier merge still holds (their gradebook not among these inputs)
    const onlyEarlier = earlier.filter((c) => c.signature !== kept.signature && !others.some((o) => o.signature === c.signature));
    const otherFiles = [...new Set([...others.map((v) => v.file), ...onlyEarlier.map((c) => c.gradebook)])];
    conflicts.push({
      student: kept.row.student,
      notebook: kept.row.notebook,
      kind: "result",
      kept: kept.file,
      others: otherFiles,
      message: `graded differently: kept ${describe(kept)}; also ${[...others.map(describe), ...onlyEarlier.map((c) => `${c.gradebook} (kept by an earlier merge)`)].join("; ")}`,
    });
  }
  for (const c of conflictRows.values()) {
    const w = winners.find((v) => v.row.student === c.student && v.row.notebook === c.notebook);
    c.kept = w && w.signature === c.signature ? 1 : 0;
  }

  // overrides: all kept; two different manual grades of one cell keep the later and are reported
  const overrides = new Map<string, OverrideRecord & { file: string }>();
  for (const input of all) {
    for (const o of input.overrides) {
      const key = `${o.student}\0${o.notebook}\0${o.grade_id}`;
      const had = overrides.get(key);
      if (had && (had.score !== o.score || had.comment !== o.comment)) {
        const [kept, other] = o.at > had.at ? [{ ...o, file: input.file }, had] : [had, { ...o, file: input.file }];
        conflicts.push({
          student: o.student,
          notebook: o.notebook,
          kind: "override",
          kept: kept.file,
          others: [other.file],
          message: `${o.grade_id} graded by hand twice: kept ${kept.score} (${kept.file}, ${kept.at}); also ${other.score} (${other.file}, ${other.at})`,
        });
        overrides.set(key, kept);
      } else if (!had || o.at > had.at) overrides.set(key, { ...o, file: input.file });
    }
  }

  // the graded notebooks first (feedback is made from them), then the gradebook, each renamed into place
  for (const w of winners) {
    const from = gradedNotebook(w.file, w.row.student, w.row.notebook);
    const to = gradedNotebook(outAbs, w.row.student, w.row.notebook);
    if (path.resolve(from) !== to && fs.existsSync(from)) copyAtomic(from, to);
  }
  const tmp = path.join(path.dirname(outAbs), `.${path.basename(outAbs)}.merge-${process.pid}.tmp`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  try {
    const gb = new Gradebook(tmp);
    try {
      const db = gb.db;
      db.transaction(() => {
        const ins = db.prepare("INSERT INTO overrides VALUES (?, ?, ?, ?, ?, ?)");
        for (const o of overrides.values()) ins.run(o.student, o.notebook, o.grade_id, o.score, o.comment, o.at);
        for (const w of winners.sort((a, b) => a.row.student.localeCompare(b.row.student) || a.row.notebook.localeCompare(b.row.notebook))) {
          const { score: _s, max_score: _m, ...row } = w.row;
          // record() totals the cells with the overrides, as a single run's gradebook does
          gb.record(row, w.grades.map((g) => ({ ...g, hidden: Boolean(g.hidden) })) as Parameters<Gradebook["record"]>[1]);
        }
        const seen = new Set<string>();
        for (const input of all) {
          for (const r of input.runs) {
            const key = JSON.stringify([r.started_at, r.graded, r.sandbox]);
            if (!seen.has(key)) gb.recordRun(r);
            seen.add(key);
          }
        }
        db.exec(CONFLICTS);
        const insC = db.prepare("INSERT OR REPLACE INTO merge_conflicts VALUES (@student, @notebook, @gradebook, @signature, @kept, @version)");
        for (const c of conflictRows.values()) insC.run(c);
      })();
      writeShardMeta(db, { merged: shards, sources });
      // one file, no WAL beside it, before it is renamed over --out
      db.pragma("journal_mode = DELETE");
    } finally {
      gb.close();
    }
    for (const f of [`${outAbs}-wal`, `${outAbs}-shm`]) fs.rmSync(f, { force: true });
    fs.renameSync(tmp, outAbs);
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  }
  const before = new Set(existing?.versions.map((v) => `${v.row.student}\0${v.row.notebook}`) ?? []);
  return {
    out,
    inputs: inputs.map((i) => i.file),
    submissions: winners.length,
    added: winners.filter((w) => !before.has(`${w.row.student}\0${w.row.notebook}`)).length,
    overrides: overrides.size,
    conflicts,
    shards,
    missingShards: missing,
  };
}
