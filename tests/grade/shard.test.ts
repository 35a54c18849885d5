/**
 * `--shard K/N` and `tlab grade merge`: two shards merged give the CSV, feedback pages and Gradescope JSON
 * of a single run, row by row; merging is idempotent, keeps overrides, reports conflicts, and refuses
 * other sources, other assignments, truncated and locked gradebooks, naming the file.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Database from "better-sqlite3";
import { parseShard, shardOf } from "../../kernel-ext/grade/shard";
import { FIXTURE, RIGHT, SANDBOX_FLAGS, submission, writeSubmission } from "./helpers";
import { tlab } from "./tlab";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-shard-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The class: each kind of answer once; "gus" hands in no notebook, "eve" a broken file. */
function writeClass(subs: string): void {
  writeSubmission(subs, "ann", submission(RIGHT));
  writeSubmission(subs, "bob", submission({ square: RIGHT.square }));
  writeSubmission(subs, "cai", submission({}));
  writeSubmission(subs, "dee", submission({ ...RIGHT, square: `${RIGHT.square}\nconst oops: string = 1;` }));
  writeSubmission(subs, "eve", "{ not json");
  writeSubmission(subs, "fay", submission(RIGHT));
  fs.mkdirSync(path.join(subs, "gus"), { recursive: true });
}

const grade = (subs: string, gb: string, ...more: string[]) =>
  tlab("grade", "autograde", "--source", FIXTURE, "--submissions", subs, "--gradebook", gb, "--timeout", "20", "--workers", "2", "--json", ...SANDBOX_FLAGS, ...more);

/** Everything a student or registrar sees from a gradebook, with the times of grading taken out. */
async function exported(gb: string, dir: string): Promise<{ csv: string[]; feedback: Record<string, string>; gradescope: Record<string, unknown> }> {
  const csv = path.join(dir, "grades.csv");
  const gs = path.join(dir, "gradescope");
  const fb = path.join(dir, "feedback");
  expect((await tlab("grade", "export", "--gradebook", gb, "--csv", csv, "--gradescope", gs)).code).toBe(0);
  expect((await tlab("grade", "feedback", "--gradebook", gb, "--out", fb)).code).toBe(0);
  const graded_at = fs.readFileSync(csv, "utf8").split("\n")[0].split(",").indexOf("graded_at");
  const rows = fs.readFileSync(csv, "utf8").trimEnd().split("\n").map((l) => l.split(",").filter((_, i) => i !== graded_at).join(","));
  const files = (root: string) => fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
  const feedback = Object.fromEntries(files(fb).map((f) => [f, fs.readFileSync(path.join(fb, f), "utf8").replace(/graded \d{4}-\d\d-\d\d \d\d:\d\d UTC/g, "graded (time)")]));
  const gradescope = Object.fromEntries(files(gs).map((f) => [f, JSON.parse(fs.readFileSync(path.join(gs, f), "utf8"))]));
  return { csv: rows, feedback, gradescope };
}

const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const dump = (f: string) => {
  const db = new Database(f, { readonly: true });
  try {
    return ["submissions", "grades", "overrides", "merge_conflicts", "shard_meta"].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all());
  } finally {
    db.close();
  }
};

describe("shards", () => {
  it("splits by a stable hash of the student id", () => {
    const ids = Array.from({ length: 300 }, (_, i) => `student-${i}`);
    const counts = [0, 0, 0];
    for (const id of ids) counts[shardOf(id, 3) - 1]++;
    // about a third each (binomial: 100 ± 3σ ≈ 100 ± 25)
    for (const c of counts) expect(Math.abs(c - 100)).toBeLessThan(25);
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/2", "3/2", "a/b", "1/0", "2"]) expect(() => parseShard(bad)).toThrow(`--shard "${bad}"`);
  });

  it("grades two shards, resumes one, and merges to what a single run gives", async () => {
    const subs = path.join(tmp, "submitted");
    writeClass(subs);
    const single = path.join(tmp, "single", "grades.sqlite");
    const s1 = path.join(tmp, "shards", "grades-1.sqlite");
    const s2 = path.join(tmp, "shards", "grades-2.sqlite");
    // (one after the other: tlab() captures the console of one command at a time)
    const b = await grade(subs, s1, "--shard", "1/2");
    const c = await grade(subs, s2, "--shard", "2/2");
    for (const r of [b, c]) expect(r.code).toBe(0);
    const students = (r: { out: string }) => (JSON.parse(r.out).results as { student: string }[]).map((x) => x.student);
    expect(students(b)).toEqual(["bob", "fay"]);
    expect(students(c)).toEqual(["ann", "cai", "dee", "eve", "gus"]);

    // a stopped shard, started again, grades only what is missing there; a new student moves no one
    const db = new Database(s2);
    db.prepare("DELETE FROM submissions WHERE student = 'dee'").run();
    db.close();
    writeSubmission(subs, "hal", submission(RIGHT)); // shardOf("hal", 2) === 2
    expect(shardOf("hal", 2)).toBe(2);
    const resumed = JSON.parse((await grade(subs, s2, "--shard", "2/2")).out);
    expect(resumed.summary).toMatchObject({ graded: 2, skipped: 4 });
    expect((await grade(subs, single)).code).toBe(0);
    expect((await grade(subs, s2, "--shard", "2/2", "--student", "bob")).err).toMatch(/--student bob is in shard 1\/2, not 2\/2/);
    // a gradebook holds one shard
    expect((await grade(subs, s2, "--shard", "1/2")).err).toMatch(/grades-2\.sqlite holds shard 2\/2, not 1\/2/);

    // the same manual grade in both
    for (const gb of [single, s1]) expect((await tlab("grade", "override", "--gradebook", gb, "--student", "bob", "--cell", "explain", "--score", "1", "--comment", "Clear.")).code).toBe(0);

    const all = path.join(tmp, "merged", "all.sqlite");
    const m = await tlab("grade", "merge", "--out", all, s1, s2, "--json");
    expect(m.code).toBe(0);
    expect(JSON.parse(m.out)).toMatchObject({ submissions: 8, added: 8, overrides: 1, conflicts: [], shards: ["1/2", "2/2"], missingShards: [] });
    const want = await exported(single, path.join(tmp, "out-single"));
    const got = await exported(all, path.join(tmp, "out-merged"));
    expect(got.csv).toEqual(want.csv);
    expect(got.csv).toHaveLength(9);
    expect(Object.keys(got.feedback)).toEqual(Object.keys(want.feedback));
    for (const f of Object.keys(want.feedback)) expect(got.feedback[f]).toEqual(want.feedback[f]);
    expect(got.gradescope).toEqual(want.gradescope);

    // idempotent: the same shards again change nothing; an override given on the merged gradebook stays
    const before = dump(all);
    expect((await tlab("grade", "merge", "--out", all, s1, s2, s2)).code).toBe(0);
    expect(dump(all)).toEqual(before);
    expect((await tlab("grade", "override", "--gradebook", all, "--student", "ann", "--cell", "explain", "--score", "0.5")).code).toBe(0);
    expect((await tlab("grade", "merge", "--out", all, s1, s2)).code).toBe(0);
    await exported(all, path.join(tmp, "out-merged"));
    expect(fs.readFileSync(path.join(tmp, "out-merged", "grades.csv"), "utf8")).toMatch(/^ann,squares,5\.5,.*explain=0\.5$/m);

    // a conflict: bob graded again, in another gradebook of shard 1, for another hand-in
    writeSubmission(subs, "bob", submission(RIGHT));
    const other = path.join(tmp, "shards", "grades-1-rerun.sqlite");
    expect((await grade(subs, other, "--shard", "1/2", "--student", "bob")).code).toBe(0);
    const conflict = await tlab("grade", "merge", "--out", all, s1, s2, other, "--json");
    expect(conflict.code).toBe(1);
    const report = JSON.parse(conflict.out);
    expect(report.conflicts).toEqual([expect.objectContaining({ student: "bob", notebook: "squares", kind: "result", kept: other, others: [s1] })]);
    const kept = new Database(all, { readonly: true });
    expect(kept.prepare("SELECT gradebook, kept FROM merge_conflicts WHERE student = 'bob' ORDER BY kept").all()).toEqual([
      { gradebook: s1, kept: 0 },
      { gradebook: other, kept: 1 },
    ]);
    // the later grading counts, the manual grade of the cell stays
    expect(kept.prepare("SELECT score FROM submissions WHERE student = 'bob'").get()).toEqual({ score: 6 });
    kept.close();
    // merged again: still reported, never silently resolved
    expect((await tlab("grade", "merge", "--out", all, s1, s2, other)).out).toMatch(/CONFLICT {2}bob {2}squares/);
  }, 300_000); // 33 s at a load average of 2-4; 156 s at 9+

  it("refuses what cannot be merged, naming the file, and loses nothing", async () => {
    const subs = path.join(tmp, "submitted");
    const s1 = path.join(tmp, "shards", "grades-1.sqlite");
    const s2 = path.join(tmp, "shards", "grades-2.sqlite");
    const all = path.join(tmp, "merged", "all.sqlite");
    const kept = sha(all);

    // another version of the source
    const changed = path.join(tmp, "changed", "squares.ipynb");
    fs.mkdirSync(path.dirname(changed), { recursive: true });
    const nb = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
    nb.cells[0].source = "# Squares and sums, second edition";
    fs.writeFileSync(changed, JSON.stringify(nb));
    const newer = path.join(tmp, "shards", "newer-2.sqlite");
    const r = await tlab("grade", "autograde", "--source", changed, "--submissions", subs, "--gradebook", newer, "--student", "ann", "--shard", "2/2", "--json", ...SANDBOX_FLAGS);
    expect(r.code).toBe(0);
    expect((await tlab("grade", "merge", "--out", all, s1, newer)).err).toMatch(new RegExp(`different source notebooks: squares in .*(grades-1|all)\\.sqlite .* and in ${newer}`));

    // another assignment (a notebook of another name)
    const cubes = path.join(tmp, "cubes", "cubes.ipynb");
    fs.mkdirSync(path.dirname(cubes), { recursive: true });
    fs.copyFileSync(FIXTURE, cubes);
    const cubesGb = path.join(tmp, "shards", "cubes-1.sqlite");
    expect((await tlab("grade", "autograde", "--source", cubes, "--submissions", subs, "--gradebook", cubesGb, "--shard", "1/2", "--student", "bob", ...SANDBOX_FLAGS)).code).toBe(0);
    expect((await tlab("grade", "merge", "--out", path.join(tmp, "x.sqlite"), s1, cubesGb)).err).toMatch(new RegExp(`different assignments: ${s1} grades squares, ${cubesGb} grades cubes`));

    // a truncated shard gradebook
    const cut = path.join(tmp, "shards", "cut.sqlite");
    fs.copyFileSync(s2, cut);
    fs.truncateSync(cut, Math.floor(fs.statSync(cut).size / 2));
    expect((await tlab("grade", "merge", "--out", all, s1, cut)).err).toMatch(new RegExp(`${cut}: not a readable gradebook, truncated or corrupt`));
    // resuming into it is refused too, before anything is graded
    expect((await grade(subs, cut, "--shard", "2/2")).err).toMatch(new RegExp(`--gradebook ${cut}: not a readable gradebook, truncated or corrupt`));
    const tiny = path.join(tmp, "shards", "tiny.sqlite");
    fs.writeFileSync(tiny, fs.readFileSync(s2).subarray(0, 50));
    expect((await tlab("grade", "merge", "--out", all, tiny)).err).toMatch(new RegExp(`${tiny}: not a readable gradebook`));

    // a locked one (a shard still writing, in exclusive locking mode)
    const locked = path.join(tmp, "shards", "locked.sqlite");
    fs.copyFileSync(s2, locked);
    const holder = new Database(locked);
    holder.pragma("locking_mode = EXCLUSIVE");
    holder.exec("BEGIN EXCLUSIVE");
    try {
      expect((await tlab("grade", "merge", "--out", all, s1, locked)).err).toMatch(new RegExp(`${locked}: locked by another process`));
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    // none of these touched the merged gradebook
    expect(sha(all)).toBe(kept);

    // bad --shard specs, and a node where the submissions folder is missing or not mounted
    for (const bad of ["0/2", "3/2", "a/b"]) {
      const e = await grade(subs, path.join(tmp, "bad.sqlite"), "--shard", bad);
      expect(e.code).toBe(2);
      expect(e.err).toContain(`--shard "${bad}"`);
    }
    expect((await grade(path.join(tmp, "nowhere"), s2, "--shard", "2/2")).err).toMatch(/--submissions .*nowhere: no such folder/);
    fs.mkdirSync(path.join(tmp, "unmounted"));
    expect((await grade(path.join(tmp, "unmounted"), s2, "--shard", "2/2")).err).toMatch(/no student folder in it \(is it mounted on this node\?\)/);
    // and shard 2's grades are all still there
    expect(JSON.parse((await grade(subs, s2, "--shard", "2/2")).out).summary).toMatchObject({ graded: 0, skipped: 6 });
  }, 120_000);
});
