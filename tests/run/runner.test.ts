/**
 * runNotebook end to end with the transferlab kernel. The notebooks live in a temp dir under the project,
 * so the kernel (started in the notebook's directory) resolves "tslab" and "transferlab" through its
 * node_modules.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { CodeCell, Notebook } from "../../kernel-ext/notebook";
import { runNotebook, type CellProgress } from "../../kernel-ext/run/runner";
import { pythonWith, skipPeer } from "../helpers/peer";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-run-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An nbformat 4.4 notebook (no cell ids: the runner must add them); strings are code cells. */
function writeNotebook(name: string, cells: (string | { markdown: string })[]): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: "transferlab", display_name: "TypeScript (transferlab)", language: "typescript" } },
    cells: cells.map((c) =>
      typeof c === "string"
        ? { cell_type: "code", metadata: {}, source: c, outputs: [{ output_type: "stream", name: "stdout", text: "stale\n" }], execution_count: 9 }
        : { cell_type: "markdown", metadata: {}, source: c.markdown },
    ),
  };
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
const code = (nb: Notebook, i: number) => nb.cells[i] as CodeCell;
const text = (o: unknown) => [(o as { text: string | string[] }).text].flat().join("");

/** nbformat's own validator, where Debian's Jupyter is installed. */
function validateWithNbformat(file: string): void {
  const py = pythonWith("nbformat");
  if (!py) return void skipPeer("nbformat.validate", "no python3 with nbformat");
  const r = spawnSync(py, ["-c", "import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", file], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
}

test("without allowErrors the run stops at the failing cell, names it, and writes what ran", async () => {
  const file = writeNotebook("stops.ipynb", [
    { markdown: "# A notebook" },
    "const a = 1 + 1; a",
    'console.log("hi"); console.log("env", process.env.TLAB_TEST_VAR)',
    'console.log("transferlab backend: wasm (SIMD, 1 thread)")',
    'throw new Error("boom")',
    'console.log("after")',
  ]);
  const before = fs.readFileSync(file, "utf8");
  const out = path.join(tmp, "out");
  const result = await runNotebook(file, { out, env: { TLAB_TEST_VAR: "42" } });

  expect(result.status).toBe("failed");
  expect(result.output).toBe(path.join(out, "stops.ipynb"));
  expect(result.failure).toMatchObject({ notebook: file, cellIndex: 4, cellNumber: 5, status: "error", ename: "Error", evalue: "boom" });
  expect(result.failure!.error).toContain("Error: boom");
  expect(result.failure!.error).toContain('--> 1 | throw new Error("boom")'); // the traceback points at the line
  expect(result.failure!.message).toBe(`${file}, cell 5: Error: boom`);
  expect(result.backend).toBe("wasm");
  const version = require("../../kernel-ext/package.json").version as string;
  expect(result.kernel).toBe(`transferlab ${version}`);
  expect(result.cells.map((c) => [c.index, c.status])).toEqual([[1, "ok"], [2, "ok"], [3, "ok"], [4, "error"]]);
  expect(fs.readFileSync(file, "utf8")).toBe(before); // with --out the source stays as it was

  const nb = read(result.output);
  expect(nb.nbformat).toBe(4);
  expect(nb.nbformat_minor).toBeGreaterThanOrEqual(4);
  for (const cell of nb.cells) expect(cell.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  expect(nb.cells[0]).toMatchObject({ cell_type: "markdown", source: ["# A notebook"] });
  expect(code(nb, 1).outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": ["2"] }, metadata: {} }]);
  expect(code(nb, 2).outputs.map(text)).toEqual(["hi\nenv 42\n"]);
  expect(code(nb, 1).execution_count).toBe(1);
  expect(code(nb, 2).execution_count).toBe(2);
  expect(Object.keys(code(nb, 1).metadata.execution ?? {})).toEqual(
    expect.arrayContaining(["iopub.execute_input", "shell.execute_reply", "iopub.status.busy", "iopub.status.idle"]),
  );
  expect(code(nb, 4).outputs).toMatchObject([{ output_type: "error", ename: "Error", evalue: "boom" }]);
  expect(code(nb, 5)).toMatchObject({ outputs: [], execution_count: null }); // not run: no stale output either
  expect(nb.metadata.transferlab).toMatchObject({ kernel: `transferlab ${version}`, backend: "wasm", status: "failed" });
  expect(nb.metadata.transferlab!.cells).toHaveLength(4);
  expect(Date.parse(nb.metadata.transferlab!.date)).not.toBeNaN();
  expect(nb.metadata.language_info).toMatchObject({ name: "typescript", version: "5.0.4", file_extension: ".ts" });
  expect(fs.readdirSync(out)).toEqual(["stops.ipynb"]); // no temp files left beside it
  validateWithNbformat(result.output);
}, 90_000);

test("with allowErrors every cell runs: after an error, a display update, a timeout", async () => {
  const file = writeNotebook("goes-on.ipynb", [
    'throw new Error("first")',
    'console.log("after")',
    'import * as tslab from "tslab"; const d = tslab.newDisplay(); d.html("<b>1</b>"); d.html("<b>2</b>")',
    "while (true) {}",
    'console.log("still alive")',
    "",
  ]);
  const progress: CellProgress[] = [];
  const result = await runNotebook(file, { allowErrors: true, timeoutSec: 5, onCell: (p) => progress.push(p) });

  expect(result.status).toBe("ok");
  expect(result.output).toBe(file); // no --out: in place
  expect(result.errors.map((e) => [e.cellNumber, e.status])).toEqual([[1, "error"], [4, "timeout"]]);
  expect(result.failure).toBeUndefined();
  const nb = read(file);
  expect(code(nb, 1).outputs.map(text)).toEqual(["after\n"]);
  expect(code(nb, 2).outputs).toEqual([{ output_type: "display_data", data: { "text/html": ["<b>2</b>"] }, metadata: {} }]);
  expect(code(nb, 3).outputs).toMatchObject([{ output_type: "error", ename: "CellTimeoutError" }]);
  expect((code(nb, 3).outputs[0] as { evalue: string }).evalue).toMatch(/exceeded the timeout of 5 s/);
  expect(code(nb, 4).outputs.map(text)).toEqual(["still alive\n"]);
  expect(code(nb, 5)).toMatchObject({ outputs: [], execution_count: null }); // empty cells are skipped, as nbclient
  expect(nb.metadata.transferlab!.status).toBe("ok");
  expect(progress.filter((p) => p.phase === "done").map((p) => [p.number, p.status])).toEqual([
    [1, "error"], [2, "ok"], [3, "ok"], [4, "timeout"], [5, "ok"],
  ]);
  expect(progress.every((p) => p.codeCount === 5)).toBe(true);
}, 90_000);

test("a kernel that dies stops the run, even with allowErrors, and says how it died", async () => {
  const file = writeNotebook("dies.ipynb", ['console.log("one")', "process.exit(3)", 'console.log("never")']);
  const result = await runNotebook(file, { allowErrors: true, out: path.join(tmp, "out-dies") });
  expect(result.status).toBe("failed");
  expect(result.failure).toMatchObject({ cellNumber: 2, status: "died", ename: "DeadKernelError" });
  expect(result.failure!.error).toMatch(/exit code 3/);
  const nb = read(result.output);
  expect(code(nb, 0).outputs.map(text)).toEqual(["one\n"]);
  expect(code(nb, 1).outputs).toMatchObject([{ output_type: "error", ename: "DeadKernelError" }]);
  expect(code(nb, 2).execution_count).toBeNull();
}, 90_000);

test("a notebook that cannot be read, or a kernel that cannot start, throws naming the notebook", async () => {
  await expect(runNotebook(path.join(tmp, "missing.ipynb"))).rejects.toThrow(/notebook not found: .*missing\.ipynb/);
  const file = writeNotebook("nokernel.ipynb", ["1"]);
  await expect(runNotebook(file, { kernelCommand: [process.execPath, "-e", "process.exit(2)"] })).rejects.toThrow(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the kernel failed to start.*exit code 2`),
  );
});

test("over ipc: a timer's late error is recorded against the cell that scheduled it, in the notebook and the result", async () => {
  const file = writeNotebook("late.ipynb", ['setTimeout(() => { throw new Error("too late"); }, 30);\n"scheduled"', "1 + 1"]);
  const result = await runNotebook(file, { transport: "ipc", settleMs: 500 });
  expect(result.status).toBe("ok");
  expect(result.cells.map((c) => c.status)).toEqual(["ok", "ok"]);
  expect(result.lateErrors).toEqual([
    { cellIndex: 0, cellNumber: 1, ename: "Error", evalue: "too late", message: `${file}, cell 1, after it finished: Error: too late` },
  ]);
  const nb = read(file);
  expect(code(nb, 0).outputs.map((o) => o.output_type)).toEqual(["execute_result", "error"]);
  expect(code(nb, 1).outputs.map((o) => o.output_type)).toEqual(["execute_result"]);
});

test("settles only while the cells left something pending", async () => {
  const file = writeNotebook("settle.ipynb", ["1 + 1"]);
  const t0 = Date.now();
  await runNotebook(file, { settleMs: 60_000 });
  // nothing pending: no minute's wait (the kernel said so in its reply)
  expect(Date.now() - t0).toBeLessThan(50_000);
});

test("a kernel started by the caller runs the notebook and is shut down after it", async () => {
  const { KernelClient } = await import("../../kernel-ext/run/client");
  const client = new KernelClient();
  await client.start(undefined, tmp);
  await client.execute("const warm = 41;");
  const file = writeNotebook("given.ipynb", ["warm + 1"]);
  const result = await runNotebook(file, { client });
  expect(result.status).toBe("ok");
  const out = code(read(file), 0).outputs[0] as { data: Record<string, string | string[]> };
  expect([out.data["text/plain"]].flat().join("")).toBe("42");
  expect(client.alive).toBe(false);
  await expect(runNotebook(file, { client })).rejects.toThrow(/no longer running/);
});
