/** Wrong inputs a TA meets, refused with a clear message, nothing lost (issue 14's first items). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assign, releaseEdition } from "../../kernel-ext/grade/assign";
import { autograde, listStudents } from "../../kernel-ext/grade/autograde";
import { gradeId } from "../../kernel-ext/grade/checksum";
import { restoreCells } from "../../kernel-ext/grade/restore";
import { findSubmission } from "../../kernel-ext/grade/submission";
import { validate } from "../../kernel-ext/grade/validate";
import { FIXTURE, INSECURE, RIGHT, submission, writeSubmission } from "./helpers";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-grade-inputs-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("grading inputs", () => {
  it("a roster CSV with a student column: its header is no student", () => {
    const subs = path.join(tmp, "subs-roster");
    fs.mkdirSync(path.join(subs, "ann"), { recursive: true });
    const csv = path.join(tmp, "roster.csv");
    fs.writeFileSync(csv, "name,student,email\nBob B,bob,b@x\nCid C,cid,c@x\n");
    expect(listStudents(subs, csv)).toEqual(["ann", "bob", "cid"]);
    const plain = path.join(tmp, "roster.txt");
    fs.writeFileSync(plain, "# ids\nbob, Bob B\ncid\n");
    expect(listStudents(subs, plain)).toEqual(["ann", "bob", "cid"]);
  });

  it("autograde and assign refuse a student edition or a submission given as the source, naming why", async () => {
    const rel = path.join(tmp, "released.ipynb");
    fs.writeFileSync(rel, JSON.stringify(releaseEdition(JSON.parse(fs.readFileSync(FIXTURE, "utf8")), FIXTURE)));
    const sub = writeSubmission(path.join(tmp, "subs-src"), "s1", submission(RIGHT));
    for (const f of [rel, sub]) {
      await expect(autograde({ sources: [f], submissions: path.join(tmp, "subs-src"), gradebook: path.join(tmp, "gb.sqlite"), insecure: INSECURE })).rejects.toThrow(/student edition or a submission, not the instructor's source/);
      expect(() => assign([f], path.join(tmp, "out-bad"))).toThrow(/release's checksums/);
    }
    expect(fs.existsSync(path.join(tmp, "gb.sqlite"))).toBe(false);
  });

  it("a failed assign leaves no folder behind", () => {
    const out = path.join(tmp, "release-failed");
    expect(() => assign([FIXTURE, path.join(tmp, "missing.ipynb")], out)).toThrow(/missing\.ipynb/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("validate refuses a notebook without graded cells", async () => {
    const lecture = path.resolve(__dirname, "..", "..", "notebooks", "00-introduction.ipynb");
    await expect(validate(lecture)).rejects.toThrow(/no graded test cells.*tlab run/);
  });

  it("a source the TA edited after the release blames no student; a student's own edit still does", () => {
    const edited = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
    for (const c of edited.cells) {
      if (gradeId(c) === "setup") c.source = "const data: number[] = [1, 2, 3]; // fixed after the release";
      if (gradeId(c) === "explain") c.source = "Why is `square(-x) === square(x)`? (one sentence)";
    }
    const honest = restoreCells(edited, submission(RIGHT), FIXTURE);
    expect(honest.tampering).toEqual([]);
    expect(honest.sourceChanged.sort()).toEqual(["setup"]);
    // the TA's new version is what runs
    expect(JSON.stringify(honest.notebook.cells)).toContain("fixed after the release");
    const cheat = restoreCells(edited, submission(RIGHT, (nb) => void (nb.cells.find((c) => gradeId(c) === "setup")!.source = "const data: number[] = [6];")), FIXTURE);
    expect(cheat.tampering.map((t) => `${t.grade_id}:${t.kind}`)).toEqual(["setup:edited"]);
  });

  it("a file with a copy suffix is found, with a note; two copies are ambiguous, naming both", () => {
    const dir = path.join(tmp, "copies");
    writeSubmission(dir, "a", submission(RIGHT), "squares (1).ipynb");
    writeSubmission(dir, "b", submission(RIGHT), "squares - Copy.ipynb");
    writeSubmission(dir, "b", submission(RIGHT), "squares copy 2.ipynb");
    writeSubmission(dir, "c", submission(RIGHT), "cubes.ipynb");
    expect(findSubmission(path.join(dir, "a"), "squares")).toEqual({ file: path.join(dir, "a", "squares (1).ipynb"), note: expect.stringMatching(/graded squares \(1\)\.ipynb/) });
    expect(findSubmission(path.join(dir, "b"), "squares")).toEqual({ ambiguous: expect.stringMatching(/squares - Copy\.ipynb, squares copy 2\.ipynb/) });
    expect(findSubmission(path.join(dir, "c"), "squares")).toEqual({ missing: expect.stringMatching(/no squares\.ipynb .*found cubes\.ipynb/) });
  });

  it("validate shows an answer cell's own error, and the test that depends on it says so", async () => {
    const file = writeSubmission(path.join(tmp, "validate"), "s1", submission({ ...RIGHT, square: RIGHT.square + "\nconst oops: string = 5;" }));
    const v = await validate(file, 60);
    expect(v.errors).toEqual([expect.objectContaining({ grade_id: "square", code: "TS2322", message: expect.stringMatching(/not assignable/) })]);
    const square = v.errors[0].cell;
    expect(v.grades.find((g) => g.grade_id === "test_square")!.message).toMatch(new RegExp(`depends on \`square\`, which failed in cell ${square} \\("square"\\): TS2322`));
    expect(v.grades.find((g) => g.grade_id === "test_total")!.status).toBe("passed");
  }, 120_000);

  it("validate reports a library it cannot find first, with the fix", async () => {
    const nb = submission(RIGHT);
    nb.cells.splice(1, 0, { cell_type: "code", id: "lib", metadata: {}, source: 'import * as nothere from "transferlab-not-installed";', outputs: [], execution_count: null });
    const file = writeSubmission(path.join(tmp, "validate-lib"), "s1", nb);
    const v = await validate(file, 60);
    expect(v.setup).toMatch(/cannot find the library "transferlab-not-installed" from .*: install the course kit there/);
  }, 120_000);
});
