/**
 * notebooks/05-relation-based.ipynb and its exercise, executed headlessly (TL_QUICK=1), with assertions on the
 * numbers they save; the exercise's student edition must stop at the stubs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { figures, gradedPoints, readings, runExercise, runLecture } from "../helpers/notebooks";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-nb05-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("05-relation-based: the learned rules, the natural mappings both ways, and transfer at or above target-only", async () => {
  const { result, nb, saved } = await runLecture("05-relation-based", tmp);
  expect(result.status).toBe("ok");
  expect(saved.sourceRules.imdb).toContain("workedUnder(A,B) :- movie(C,A), movie(C,B), director(B).");
  expect(saved.sourceRules.uwcse.length).toBeGreaterThan(0);
  expect(saved.mappingSearch.candidates).toBe(36);
  expect(saved.chosenMapping.imdbToUwcse).toEqual({ director: "professor", genre: "hasposition", movie: "publication" });
  expect(saved.chosenMapping.uwcseToImdb.publication).toBe("movie");
  const [toUw, toImdb] = saved.curves;
  expect(toUw.direction).toBe("imdb → uwcse");
  expect(toUw.sizes).toEqual([0.25, 1, 4]);
  // mean over 5 folds, one block of UW-CSE: transfer 0.223 vs target only 0.132
  for (let i = 0; i < 3; i++) expect(toUw.transfer.aucPR[i]).toBeGreaterThan(toUw.targetOnly.aucPR[i]);
  expect(toUw.transfer.aucPR[1]).toBeGreaterThan(0.15);
  for (let i = 0; i < 3; i++) expect(toImdb.transfer.aucPR[i]).toBeGreaterThanOrEqual(toImdb.targetOnly.aucPR[i] - 0.01);
  expect(toImdb.transfer.aucPR[1]).toBeGreaterThan(0.95);
  expect(figures(nb).length).toBeGreaterThanOrEqual(2);
  // the reading is this run's: per direction, where transfer is ahead, and the numbers at the largest size
  const text = readings(nb).join(" ");
  for (const c of [toUw, toImdb]) {
    const ahead = c.sizes.filter((_: number, i: number) => c.transfer.aucPR[i] > c.targetOnly.aucPR[i]).length;
    const words = ahead === c.sizes.length ? "**better** than target-only at every size" : ahead === 0 ? "**no better** than target-only at any size" : "better than target-only at ";
    expect(text).toContain(`**${c.direction}**: transfer ranks the held-out pairs ${words}`);
    const last = c.sizes.length - 1, r3 = (v: number) => String(+v.toFixed(3));
    expect(text).toContain(`with ${c.sizes[last]} blocks ${r3(c.transfer.aucPR[last])} against ${r3(c.targetOnly.aucPR[last])}`);
  }
}, 300000);

test("exercises/05-relation-based: the instructor source runs green; the student edition stops at the stubs", async () => {
  const ex = await runExercise("05-relation-based", tmp, { timeoutSec: 300, allowErrors: true });
  expect(ex.instructor.status).toBe("ok");
  expect(gradedPoints(ex.source)).toEqual([4, 4]);
  expect(JSON.stringify(ex.student)).not.toContain("tl.logic.applyMapping(withConstant");
  expect(ex.studentRun.errors.length).toBeGreaterThanOrEqual(2);
  expect(ex.studentRun.errors.map((e) => e.error).join("\n")).toContain("not implemented");
}, 300000);
