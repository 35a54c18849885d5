/** The `tlab` command as a user runs it (the compiled bin, a child process). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "kernel-ext", "bin", "tlab.js");

function tlab(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 });
}

function notebook(cells: string[]): object {
  return {
    cells: cells.map((src, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: src })),
    metadata: { kernelspec: { name: "transferlab", display_name: "TypeScript (transferlab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

describe("tlab", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-cli-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("usage errors exit 2 and say what is wrong", () => {
    const r = tlab(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('tlab: unknown command "frobnicate"');
    expect(r.stderr).toContain("usage:");
    const k = tlab(["kernel", "reinstall"]);
    expect(k.status).toBe(2);
    expect(k.stderr).toContain('expected "install" or "uninstall", got "reinstall"');
    const t = tlab(["run", "--timeout", "soon", "x.ipynb"]);
    expect(t.status).toBe(2);
  });

  test("run on a missing file names it", () => {
    const r = tlab(["run", "nowhere.ipynb"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tlab run: nowhere.ipynb: no such file");
  });

  test("run executes into --out, prints one line per notebook, and exits 1 naming the failing cell", () => {
    const good = path.join(dir, "good.ipynb");
    const bad = path.join(dir, "bad.ipynb");
    fs.writeFileSync(good, JSON.stringify(notebook(["const a: number = 20 + 1;", "console.log(a * 2);"])));
    fs.writeFileSync(bad, JSON.stringify(notebook(["console.log('first');", "throw new RangeError('no such domain');", "console.log('never');"])));
    const out = path.join(dir, "out");
    const r = tlab(["run", good, bad, "--out", out, "--quiet"]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^good\s+2 cells\s+[\d.]+ s\s+-\s+ok$/);
    expect(lines[1]).toMatch(/^bad\s+2\/3 cells\s+[\d.]+ s\s+-\s+FAILED$/);
    expect(r.stderr).toMatch(/bad\.ipynb, cell 2: RangeError: no such domain/);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "good.ipynb"), "utf8"));
    expect(executed.cells[1].outputs[0].text.join?.("") ?? executed.cells[1].outputs[0].text).toBe("42\n");
    // the source notebooks are untouched
    expect(JSON.parse(fs.readFileSync(good, "utf8")).cells[1].outputs).toEqual([]);
  });
});
