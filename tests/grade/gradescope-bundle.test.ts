/**
 * `tlab grade gradescope-bundle`: its run_autograder, run against a temp folder laid out as Gradescope's
 * /autograder (source/, submission/, results/), writes a results.json with Gradescope's documented fields.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradescopeBundle } from "../../kernel-ext/grade/bundles/gradescope";
import { FIXTURE, INSECURE, RIGHT, submission, writeSubmission } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-gradescope-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// https://gradescope-autograders.readthedocs.io/en/latest/specs/ (results.json)
const TOP = new Set(["score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"]);
const TEST = new Set(["score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags", "visibility", "extra_data"]);
const VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"];

/** The fields results.json may have, with their types: the problems found ([] when valid). */
function checkResults(r: Record<string, unknown>): string[] {
  const bad: string[] = [];
  for (const k of Object.keys(r)) if (!TOP.has(k)) bad.push(`unknown field ${k}`);
  if (typeof r.score !== "number") bad.push("score is not a number");
  if (r.output !== undefined && typeof r.output !== "string") bad.push("output is not a string");
  if (!Array.isArray(r.tests)) return [...bad, "tests is not an array"];
  for (const [i, t] of (r.tests as Record<string, unknown>[]).entries()) {
    for (const k of Object.keys(t)) if (!TEST.has(k)) bad.push(`tests[${i}]: unknown field ${k}`);
    if (typeof t.name !== "string") bad.push(`tests[${i}].name is not a string`);
    if (typeof t.score !== "number" || typeof t.max_score !== "number" || t.score > t.max_score || t.score < 0) bad.push(`tests[${i}]: score ${t.score} of ${t.max_score}`);
    if (t.status !== undefined && t.status !== "passed" && t.status !== "failed") bad.push(`tests[${i}].status ${t.status}`);
    if (t.visibility !== undefined && !VISIBILITY.includes(t.visibility as string)) bad.push(`tests[${i}].visibility ${t.visibility}`);
    if (t.output !== undefined && typeof t.output !== "string") bad.push(`tests[${i}].output is not a string`);
  }
  return bad;
}

function layout(name: string): string {
  const root = path.join(tmp, name);
  gradescopeBundle({ sources: [FIXTURE], out: path.join(root, "source"), includeProject: false, insecure: INSECURE, timeoutSec: 20 });
  fs.mkdirSync(path.join(root, "submission"), { recursive: true });
  return root;
}

const runAutograder = (root: string, project = ROOT) =>
  spawnSync("bash", [path.join(root, "source", "run_autograder")], { env: { ...process.env, TLAB_AUTOGRADER_ROOT: root, TLAB_PROJECT: project }, encoding: "utf8", timeout: 90_000 });

describe("tlab grade gradescope-bundle", () => {
  it("grades /autograder/submission into /autograder/results/results.json", () => {
    const root = layout("autograder");
    for (const f of ["setup.sh", "run_autograder"]) {
      expect(fs.statSync(path.join(root, "source", f)).mode & 0o111).toBeTruthy();
      expect(spawnSync("bash", ["-n", path.join(root, "source", f)]).status).toBe(0);
    }
    expect(fs.readFileSync(path.join(root, "source", "setup.sh"), "utf8")).toMatch(/setup_20\.x[\s\S]*npm ci/);
    // a student who answered the first exercise only
    fs.renameSync(writeSubmission(tmp, "upload", submission({ square: RIGHT.square })), path.join(root, "submission", "squares.ipynb"));
    const run = runAutograder(root);
    expect(run.status).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(root, "results", "results.json"), "utf8"));
    expect(checkResults(results)).toEqual([]);
    expect(results.score).toBe(2);
    expect(results.tests.map((t: { name: string; score: number; max_score: number; visibility: string }) => [t.name, t.score, t.max_score, t.visibility])).toEqual([
      ["squares: test_square", 2, 2, "after_published"],
      ["squares: test_total", 0, 3, "visible"],
      ["squares: explain", 0, 1, "visible"],
    ]);
    // no hidden test's code, and the sandbox in force said where ours was off
    expect(JSON.stringify(results)).not.toContain("square(-4)");
    if (INSECURE) expect(results.output).toMatch(/sandbox off: .*container: gradescope: a container of its own per submission/);
  }, 100_000);

  it("reports an autograder that could not grade, instead of a silent 0", () => {
    const root = layout("broken");
    fs.writeFileSync(path.join(root, "submission", "squares.ipynb"), "{}");
    expect(runAutograder(root, path.join(tmp, "no-project")).status).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(root, "results", "results.json"), "utf8"));
    expect(checkResults(results)).toEqual([]);
    expect(results).toMatchObject({ score: 0, tests: [], output: expect.stringMatching(/could not grade this submission[\s\S]*no-project/) });
  });

  it("carries the project for setup.sh, without its builds or node_modules", () => {
    const out = path.join(tmp, "full");
    gradescopeBundle({ sources: [FIXTURE], out });
    expect(fs.existsSync(path.join(out, "transferlab", "package-lock.json"))).toBe(true);
    expect(fs.existsSync(path.join(out, "transferlab", "kernel-ext", "grade", "autograde.ts"))).toBe(true);
    expect(fs.existsSync(path.join(out, "transferlab", "kernel-ext", "lib"))).toBe(false);
    expect(fs.existsSync(path.join(out, "transferlab", "node_modules"))).toBe(false);
    expect(() => gradescopeBundle({ sources: [path.join(tmp, "none.ipynb")], out })).toThrow(/--source .*none\.ipynb: no such file/);
  });
});
