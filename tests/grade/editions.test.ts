/** assign and restore without a kernel: student edition, checksums, restoring and tamper detection. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { joinText } from "../../kernel-ext/notebook";
import { assign } from "../../kernel-ext/grade/assign";
import { computeChecksum, gradeId } from "../../kernel-ext/grade/checksum";
import { isGuard } from "../../kernel-ext/grade/guard";
import { restoreCells } from "../../kernel-ext/grade/restore";
import { scoreCells } from "../../kernel-ext/grade/score";
import { FIXTURE, RIGHT, released, submission } from "./helpers";

const source = () => JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
const src = (nb: { cells: { source: unknown }[] }) => nb.cells.map((c) => joinText(c.source as string)).join("\n---\n");

describe("tlab grade assign", () => {
  it("writes the student edition with checksums and a README (--no-kit)", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-assign-"));
    try {
      const [file] = assign([FIXTURE], out, { kit: false });
      const nb = JSON.parse(fs.readFileSync(file, "utf8"));
      const text = src(nb);
      expect(text).not.toMatch(/BEGIN SOLUTION|HIDDEN TESTS|square\(-4\)|x \* x/);
      expect(text).toContain('throw new Error("not implemented");');
      for (const c of nb.cells) if (c.metadata.nbgrader) expect(c.metadata.nbgrader.checksum).toBe(computeChecksum(c));
      expect(fs.readFileSync(path.join(out, "README.md"), "utf8")).toMatch(/tlab grade validate/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("refuses to overwrite its source", () => {
    expect(() => assign([FIXTURE], path.dirname(FIXTURE))).toThrow(/overwrite the source/);
  });
});

describe("restoring cells", () => {
  it("puts hidden tests back and keeps the answers, with no tampering", () => {
    const r = restoreCells(source(), submission(RIGHT), FIXTURE);
    expect(r.tampering).toEqual([]);
    expect(r.hidden).toEqual(["test_square"]);
    const text = src(r.notebook);
    expect(text).toContain("square(-4)");
    expect(text).toContain("return x * x;");
  });

  it("keeps a written answer without calling it tampering", () => {
    const r = restoreCells(source(), submission({ ...RIGHT, explain: "Because (-x)² = x²." }), FIXTURE);
    expect(r.tampering).toEqual([]);
    expect(src(r.notebook)).toContain("Because (-x)² = x².");
  });

  it("records deleted and edited test and locked cells, and restores them in place", () => {
    const sub = submission(RIGHT, (nb) => {
      nb.cells = nb.cells.filter((c) => gradeId(c) !== "test_total");
      nb.cells.find((c) => gradeId(c) === "setup")!.source = "const data: number[] = [100];";
      const t = nb.cells.find((c) => gradeId(c) === "test_square")!;
      t.source = "1";
    });
    const r = restoreCells(source(), sub, FIXTURE);
    expect(r.tampering.map((t) => `${t.grade_id}:${t.kind}`).sort()).toEqual(["setup:edited", "test_square:edited", "test_total:deleted"]);
    // (the grader's guard cells sit between them: guard.ts)
    expect(r.notebook.cells.filter((c) => !isGuard(c)).map(gradeId)).toEqual(source().cells.map((c: never) => gradeId(c)));
    expect(src(r.notebook)).toContain("const data: number[] = [1, 2, 3];");
  });

  it("detects raised points on a test cell and drops forged grade cells", () => {
    const sub = submission(RIGHT, (nb) => {
      (nb.cells.find((c) => gradeId(c) === "test_total")!.metadata.nbgrader as { points: number }).points = 100;
      nb.cells.push({ cell_type: "code", id: "forged", metadata: { nbgrader: { grade: true, grade_id: "bonus", points: 50 } }, source: "1", outputs: [], execution_count: null });
    });
    const r = restoreCells(source(), sub, FIXTURE);
    expect(r.tampering.map((t) => `${t.grade_id}:${t.kind}`).sort()).toEqual(["bonus:forged", "test_total:edited"]);
    const max = scoreCells(r.notebook, null, new Set()).reduce((s, g) => s + g.max_score, 0);
    expect(max).toBe(6);
  });

  it("flags a student cell that redefines a locked cell's helper", () => {
    const r = restoreCells(source(), submission({ ...RIGHT, total: RIGHT.total + "\nconst data: number[] = [];" }), FIXTURE);
    expect(r.tampering).toEqual([{ grade_id: "total", kind: "redefined", message: 'a student cell redefines "data" from the locked cell "setup"' }]);
    expect(restoreCells(source(), submission({ ...RIGHT, total: RIGHT.total + "\nconst dataset = 1; x.data = 2; if (data == 3) {}" }), FIXTURE).tampering).toEqual([]);
  });

  it("starts with the grader's prelude, ends with its canary, a check before each test: all hidden from the feedback", () => {
    const cells = restoreCells(source(), submission(RIGHT), FIXTURE).notebook.cells;
    expect(cells[0]).toMatchObject({ id: "tlab-guard-prelude", metadata: { tags: ["tlab-grade-guard", "remove-cell"] } });
    expect(cells[cells.length - 1].id).toBe("tlab-guard-canary");
    cells.forEach((c, i) => {
      if (gradeId(c).startsWith("test_")) expect(joinText(cells[i - 1].source)).toMatch(/__tlab_guard\.check\(/);
    });
  });

  it("brings back a deleted solution cell as the stub", () => {
    const sub = released();
    sub.cells = sub.cells.filter((c) => gradeId(c) !== "square");
    const r = restoreCells(source(), sub, FIXTURE);
    expect(r.tampering).toEqual([]);
    expect(src(r.notebook)).toContain("not implemented");
  });
});
