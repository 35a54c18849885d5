/**
 * Peer checks with Debian's Jupyter (skipped, with the reason printed, where it is missing; .ci/run
 * installs it):
 * - jupyter_kernel_test (python3-jupyter-kernel-test) runs its KernelTests class against the kernel,
 *   every sample set filled in (tests/kernel/jupyter_kernel_test_transferlab.py): all must pass.
 * - The same notebook executed by `tlab run` (our runner) and by `jupyter nbconvert --execute` (nbclient)
 *   gives the same outputs cell by cell, ignoring what differs between any two runs (timestamps, display
 *   ids, progress timings).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installKernelspec } from "../../kernel-ext/kernel/install";
import type { CodeCell, Notebook, Output } from "../../kernel-ext/notebook";
import { runNotebook } from "../../kernel-ext/run/runner";
import { pythonWith, skipPeer } from "../helpers/peer";

const ROOT = path.resolve(__dirname, "../..");
const JUPYTER = "/usr/bin/jupyter";
let dataDir: string;
let work: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-kernel-peer-"));
  installKernelspec({ env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
  work = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-peer-"));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

test("jupyter_kernel_test: every test of its KernelTests class passes against the transferlab kernel", () => {
  const py = pythonWith("jupyter_kernel_test", "jupyter_client");
  if (!py) return void skipPeer("jupyter_kernel_test", "no python3 with jupyter_kernel_test (Debian: apt-get install python3-jupyter-kernel-test)");
  const r = spawnSync(py, [path.join(__dirname, "jupyter_kernel_test_transferlab.py")], {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, PYTHONDONTWRITEBYTECODE: "1" },
    encoding: "utf8",
    timeout: 240_000,
  });
  const report = r.stderr;
  console.log(`jupyter_kernel_test ${pythonPackageVersion(py, "jupyter_kernel_test")} against the transferlab kernel:\n${report.trim()}`);
  const results = [...report.matchAll(/^(test_\w+) \(.*\) \.\.\. (.*)$/gm)].map((m) => [m[1], m[2]]);
  expect(results.length).toBe(12);
  expect(results.filter(([, status]) => status !== "ok")).toEqual([]);
  expect(report).toMatch(/^Ran 12 tests in [\d.]+s\n\nOK$/m); // not "OK (skipped=…)"
  expect(r.status).toBe(0);
}, 300_000);

/** A notebook with one cell per kind of output (plus errors: both runs allow them). */
function peerNotebook(): Notebook {
  const cells = [
    'console.log("hello"); console.error("a warning"); 1 + 1',
    'import { show, html, markdown, progress, clearOutput } from "@transferlab/kernel-ext";\nimport * as tl from "transferlab";\nhtml("<b>bold</b>", "bold");\nmarkdown("*md*");',
    'const fig = tl.barChart(["a", "b"], [1, 2], { title: "Bars" });\nshow(fig);\nshow(tl.lineChart([1, 2, 3], [{ name: "up", y: [1, 2, 3] }], { title: "Line" }));',
    "fig",
    "const bar = progress(3, { label: 'steps', intervalMs: 0 });\nbar.tick();",
    "bar.tick(); bar.done(); 'updated the cell above'",
    'console.log("soon gone"); clearOutput(true); console.log("kept");',
    'await new Promise((r) => setTimeout(r, 50)); console.log("after a wait");',
    '({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>own bundle</i>", "text/plain": "own" }; } })',
    'function fail(): never {\n  throw new RangeError("expected failure");\n}\nfail();',
    'const wrong: number = "text";',
    "const budgets = [1, 2]; ({ budgets })",
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "transferlab", display_name: "TypeScript (transferlab)", language: "typescript" } },
    cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
  } as Notebook;
}

const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");

/** What must be equal between two runs of one notebook: outputs with run-specific details neutralised. */
function comparable(nb: Notebook): { count: number | null; outputs: unknown[] }[] {
  const scrub = (s: string) =>
    s
      .replace(/tl-(fig|progress)-[a-z0-9]+-[a-z0-9]+-\d+/g, "tl-$1-ID")
      .replace(/\[[^\]<]*(?:<|&lt;)[^\]]*it\/s\]/g, "[timing]");
  return nb.cells
    .filter((c): c is CodeCell => c.cell_type === "code")
    .map((c) => {
      const merged: Output[] = [];
      for (const o of c.outputs) {
        const last = merged[merged.length - 1];
        // consecutive stream text of one name is one output however it was chunked
        if (o.output_type === "stream" && last?.output_type === "stream" && last.name === o.name) last.text = text(last.text) + text(o.text);
        else merged.push(JSON.parse(JSON.stringify(o)) as Output);
      }
      const outputs = merged.map((o) => {
        if (o.output_type === "stream") return { ...o, text: scrub(text(o.text)) };
        if (o.output_type === "error") return o;
        const data = Object.fromEntries(
          Object.entries(o.data).map(([mime, v]) => [mime, typeof v === "string" || Array.isArray(v) ? scrub(text(v as string | string[])) : v]),
        );
        return { ...o, data };
      });
      return { count: c.execution_count, outputs };
    });
}

test("the same notebook through tlab run and through nbconvert --execute (nbclient): the same outputs, cell by cell", async () => {
  const hasNbconvert = fs.existsSync(JUPYTER) && spawnSync(JUPYTER, ["nbconvert", "--version"], { encoding: "utf8" }).status === 0;
  if (!hasNbconvert || !pythonWith("nbclient")) {
    return void skipPeer("tlab run vs nbclient", "no Jupyter nbconvert/nbclient (Debian: apt-get install jupyter-nbconvert python3-nbclient)");
  }
  const source = path.join(work, "peer.ipynb");
  fs.writeFileSync(source, JSON.stringify(peerNotebook(), null, 1));
  const ours = await runNotebook(source, { out: path.join(work, "tlab"), allowErrors: true, timeoutSec: 120 });
  expect(ours.errors.map((e) => e.ename)).toEqual(["RangeError", "TypeScriptError"]);

  const r = spawnSync(
    JUPYTER,
    ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=120", "--output-dir", path.join(work, "nbclient"), source],
    { cwd: work, env: { ...process.env, JUPYTER_DATA_DIR: dataDir }, encoding: "utf8", timeout: 240_000 },
  );
  expect(r.stderr).toMatch(/Writing \d+ bytes to .*peer\.ipynb/);
  expect(r.status).toBe(0);
  const theirs = JSON.parse(fs.readFileSync(path.join(work, "nbclient", "peer.ipynb"), "utf8")) as Notebook;
  const mine = JSON.parse(fs.readFileSync(ours.output, "utf8")) as Notebook;
  const a = comparable(mine);
  const b = comparable(theirs);
  for (let i = 0; i < a.length; i++) expect({ cell: i + 1, ...a[i] }).toEqual({ cell: i + 1, ...b[i] });
  // and the notebook shows what it should: the update reached cell 5, the clear left one line
  expect(JSON.stringify(a[4].outputs)).toContain("steps 100% 3/3");
  expect(a[6].outputs).toEqual([{ output_type: "stream", name: "stdout", text: "kept\n" }]);
  expect(nbclientLanguage(theirs)).toMatchObject({ name: "typescript", version: "5.0.4" });
}, 300_000);

function nbclientLanguage(nb: Notebook): unknown {
  return nb.metadata.language_info;
}

function pythonPackageVersion(py: string, module: string): string {
  const r = spawnSync(py, ["-c", `import ${module}; print(getattr(${module}, "__version__", "?"))`], { encoding: "utf8" });
  return r.stdout.trim();
}
