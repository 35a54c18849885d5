/** The exercise of section 12: the instructor source runs green; the student edition stops at task 1. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectReleasable, runExercise } from "../helpers/notebooks";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-negative-ex-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("exercise 08-negative-transfer: green as instructor, the student edition stops at the first test", async () => {
  const run = await runExercise("08-negative-transfer", tmp, { timeoutSec: 120 });
  expectReleasable(run, { points: [2, 3], solution: "studentTQuantile(1 - (1 - confidence)", firstTask: "test_ntg" });
}, 300_000);
