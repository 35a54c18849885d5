/**
 * The release as a student gets it: `tlab grade assign` of the feature-based exercise into a folder outside
 * the repository, `npm install` there (the kit's tarballs, third-party packages from npm's cache or the
 * registry), then the kit's own `tlab grade validate` on a solved notebook (full visible points), on the same
 * notebook outside the kit (the kit's libraries, said so), and on the untouched student edition (fails, and
 * says why). About 40–60 s here, most of it `npm install`.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Notebook } from "../../kernel-ext/notebook";
import { isSolution } from "../../kernel-ext/grade/checksum";

const repo = path.resolve(__dirname, "..", "..");
const SOURCE = path.join(repo, "notebooks", "exercises", "03-feature-based.ipynb");
const NAME = path.basename(SOURCE);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let work = "", kit = "";

const readNb = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as Notebook;

/** The kit's own tlab, as `npx tlab` in the kit runs it; JSON out, exit code kept. */
function kitTlab(cwd: string, ...args: string[]): { code: number; json: Record<string, unknown> } {
  const r = spawnSync(path.join(kit, "node_modules", ".bin", "tlab"), [...args, "--json"], { cwd, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, NODE_PATH: "" } });
  if (r.error) throw r.error;
  try {
    return { code: r.status ?? -1, json: JSON.parse(r.stdout) };
  } catch {
    throw new Error(`tlab ${args.join(" ")} (exit ${r.status}) printed no JSON:\n${r.stdout}\n${r.stderr}`);
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-release-"));
  if (work.startsWith(repo + path.sep)) throw new Error(`the temp folder ${work} is inside the repository`);
  kit = path.join(work, "course");
  execFileSync(process.execPath, [path.join(repo, "kernel-ext", "bin", "tlab.js"), "grade", "assign", SOURCE, "--out", kit, "--course", "AML 2026"], { cwd: work, stdio: "pipe" });
  execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: kit, stdio: "pipe" });
  // a student's solved copy: the source's answers in the released notebook
  const source = readNb(SOURCE);
  const solved = readNb(path.join(kit, NAME));
  solved.cells.forEach((c, i) => {
    if (isSolution(c) && c.cell_type === "code") c.source = source.cells[i].source;
  });
  fs.writeFileSync(path.join(kit, "solved.ipynb"), JSON.stringify(solved));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("the release is a kit: tarballs of the course's packages, a package.json on them, a README of three commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(kit, "package.json"), "utf8"));
  expect(pkg.name).toBe("aml-2026-exercises");
  expect(Object.keys(pkg.dependencies).sort()).toEqual(["@transferlab/data", "@transferlab/kernel-ext", "transferlab"]);
  for (const spec of Object.values(pkg.dependencies) as string[]) {
    expect(spec).toMatch(/^file:[\w.-]+\.tgz$/);
    expect(fs.existsSync(path.join(kit, spec.slice("file:".length)))).toBe(true);
  }
  const readme = fs.readFileSync(path.join(kit, "README.md"), "utf8");
  for (const cmd of ["npm install", "npx tlab kernel install --user", "jupyter notebook", "npx tlab grade validate"]) expect(readme).toContain(cmd);
  // installed from the kit, not linked to this repository; grading's SQLite is not installed for students
  expect(fs.lstatSync(path.join(kit, "node_modules", "transferlab")).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(kit, "node_modules", "better-sqlite3"))).toBe(false);
});

test("validate in the kit: a solved notebook gets every visible point", () => {
  const { code, json } = kitTlab(kit, "grade", "validate", "solved.ipynb");
  expect(json).toMatchObject({ passed: true, errors: [] });
  expect(json.max_score).toBeGreaterThan(0);
  expect(json.score).toBe(json.max_score);
  expect(json.setup).toBeUndefined();
  expect(json.libraries).toBeUndefined();
  expect(code).toBe(0);
});

test("validate wherever the notebook sits: outside the kit it uses the kit's libraries and says so", () => {
  const elsewhere = path.join(work, "Downloads");
  fs.mkdirSync(elsewhere);
  fs.copyFileSync(path.join(kit, "solved.ipynb"), path.join(elsewhere, NAME));
  const { code, json } = kitTlab(elsewhere, "grade", "validate", NAME);
  expect(json).toMatchObject({ passed: true, errors: [] });
  expect(json.score).toBe(json.max_score);
  expect(String(json.libraries)).toContain(path.join(kit, "node_modules"));
  expect(code).toBe(0);
});

test("validate on the untouched student edition fails, each test saying why", () => {
  const { code, json } = kitTlab(kit, "grade", "validate", NAME);
  expect(code).toBe(1);
  expect(json.passed).toBe(false);
  expect(json.score).toBe(0);
  const grades = json.grades as { grade_id: string; status: string; message: string }[];
  expect(grades.map((g) => g.status)).toEqual(["failed", "failed"]);
  for (const g of grades) expect(g.message).toMatch(/not implemented/);
});
