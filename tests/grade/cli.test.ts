/** The TA's cycle through `tlab grade`: assign → validate → autograde → override → feedback → export, with --json. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURE, RIGHT, SANDBOX_FLAGS, submission, writeSubmission } from "./helpers";
import { tlab } from "./tlab";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-grade-cli-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("tlab grade", () => {
  it("runs the release → collect → autograde → feedback → export cycle", async () => {
    const rel = path.join(tmp, "release");
    expect((await tlab("grade", "assign", FIXTURE, "--out", rel)).code).toBe(0);
    expect(fs.existsSync(path.join(rel, "squares.ipynb"))).toBe(true);

    // validate: the untouched student edition fails its visible tests, a right answer passes
    const stub = await tlab("grade", "validate", path.join(rel, "squares.ipynb"));
    expect(stub.code).toBe(1);
    expect(stub.out).toMatch(/FAIL\s+test_square\s+0\/2/);
    const subs = path.join(tmp, "submitted");
    const right = writeSubmission(subs, "s1", submission(RIGHT));
    writeSubmission(subs, "s2", submission({ square: RIGHT.square }));
    const ok = await tlab("grade", "validate", right, "--json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ passed: true, score: 5, max_score: 5 });

    const gb = path.join(tmp, "gradebook.sqlite");
    const run = await tlab("grade", "autograde", "--source", FIXTURE, "--submissions", subs, "--gradebook", gb, "--timeout", "20", "--workers", "2", "--json", ...SANDBOX_FLAGS);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    expect(report.summary).toMatchObject({ graded: 2, byStatus: { ok: 2 } });
    expect(report.results.map((r: { student: string; score: number }) => [r.student, r.score])).toEqual([["s1", 5], ["s2", 2]]);
    // typed JSON: arrays as arrays
    expect(report.results[0]).toMatchObject({ tampering: [], integrity: [] });

    const over = await tlab("grade", "override", "--gradebook", gb, "--student", "s1", "--cell", "explain", "--score", "1", "--comment", "Well argued.");
    expect(over.out).toMatch(/total 6\/6/);
    expect((await tlab("grade", "override", "--gradebook", gb, "--student", "s1", "--cell", "explain", "--score", "7")).err).toMatch(/between 0 and 1/);
    // --student regrades one; the manual grade stays
    const again = await tlab("grade", "autograde", "--source", FIXTURE, "--submissions", subs, "--gradebook", gb, "--student", "s1", "--json", ...SANDBOX_FLAGS);
    expect(JSON.parse(again.out).results[0]).toMatchObject({ student: "s1", score: 6, regraded: "--student", overrides: ["explain=1"] });

    const fb = path.join(tmp, "feedback");
    expect((await tlab("grade", "feedback", "--gradebook", gb, "--submissions", subs, "--out", fb)).code).toBe(0);
    const page = fs.readFileSync(path.join(fb, "s2", "squares.html"), "utf8");
    expect(page).toContain("test_square");
    expect(page).not.toContain("square(-4)"); // the hidden test's code
    expect(page).toMatch(/not implemented/);
    expect(fs.readFileSync(path.join(fb, "s1", "squares.html"), "utf8")).toContain("Well argued.");
    expect(fs.readFileSync(path.join(fb, "s1", "squares.html"), "utf8")).toContain("(graded by hand)");

    const csv = path.join(tmp, "grades.csv");
    const gs = path.join(tmp, "gradescope");
    expect((await tlab("grade", "export", "--gradebook", gb, "--csv", csv, "--gradescope", gs)).code).toBe(0);
    expect(fs.readFileSync(csv, "utf8").split("\n").slice(0, 3)).toEqual([
      "student,notebook,score,max_score,status,message,graded_at,integrity,sandbox,overrides",
      expect.stringMatching(SANDBOX_FLAGS.length ? /^s1,squares,6,6,ok,,.*,,"?off: .*,explain=1$/ : /^s1,squares,6,6,ok,,.*,,on,explain=1$/),
      // why points were lost, in the CSV: a stub's test says so (it was an empty message)
      expect.stringMatching(/^s2,squares,2,6,ok,test_total 0\/3: Error: not implemented,.*,$/),
    ]);
    // an override can be taken back
    const cleared = await tlab("grade", "override", "--gradebook", gb, "--student", "s1", "--cell", "explain", "--clear");
    expect(cleared.out).toMatch(/override cleared.*total 5\/6/);
    expect((await tlab("grade", "override", "--gradebook", gb, "--student", "s1", "--cell", "explain", "--clear")).err).toMatch(/no override of "explain"/);
    const results = JSON.parse(fs.readFileSync(path.join(gs, "s2", "results.json"), "utf8"));
    expect(results.score).toBe(2);
    expect(results.tests[0]).toMatchObject({ name: "squares: test_square", score: 2, max_score: 2, visibility: "visible", output: "passed" });
    expect(results.tests[1]).toMatchObject({ name: "squares: test_total", score: 0, max_score: 3, output: expect.stringMatching(/not implemented/) });
  }, 300_000);

  it("grades an assignment of several notebooks and reports a missing one", async () => {
    const dir = path.join(tmp, "multi");
    const second = path.join(dir, "source", "cubes.ipynb");
    fs.mkdirSync(path.dirname(second), { recursive: true });
    fs.copyFileSync(FIXTURE, second);
    const subs = path.join(dir, "submitted");
    writeSubmission(subs, "a", submission(RIGHT));
    writeSubmission(subs, "a", submission(RIGHT), "cubes.ipynb");
    writeSubmission(subs, "b", submission(RIGHT), "cubes.ipynb");
    const run = await tlab("grade", "autograde", "--source", FIXTURE, "--source", second, "--submissions", subs, "--gradebook", path.join(dir, "gb.sqlite"), "--workers", "2", "--json", ...SANDBOX_FLAGS);
    const rows = JSON.parse(run.out).results.map((r: { student: string; notebook: string; status: string; score: number }) => `${r.student} ${r.notebook} ${r.status} ${r.score}`);
    expect(rows).toEqual(["a cubes ok 5", "a squares ok 5", "b cubes ok 5", "b squares missing 0"]);
  }, 120_000);

  it("explains usage errors", async () => {
    expect((await tlab("grade", "autograde", "--submissions", tmp)).err).toMatch(/--source is required/);
    expect((await tlab("grade", "export", "--gradebook", path.join(tmp, "none.sqlite"), "--csv", "x.csv")).err).toMatch(/no such gradebook/);
    expect((await tlab("grade", "frobnicate")).code).toBe(2);
  });
});
