import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  clearOutputs,
  newCellId,
  notebookToJSON,
  readNotebook,
  writeNotebookAtomic,
  type Notebook,
} from "../../kernel-ext/notebook";

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-nb-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const v44 = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: {},
  cells: [
    { cell_type: "markdown", metadata: {}, source: ["# Title\n", "text"] },
    { cell_type: "code", metadata: { tags: ["x"] }, source: "1 + 1", outputs: [{ output_type: "stream", name: "stdout", text: "2\n" }], execution_count: 3 },
  ],
};

describe("readNotebook", () => {
  test("names the file in every error", () => {
    expect(() => readNotebook(path.join(dir, "missing.ipynb"))).toThrow(/notebook not found: .*missing\.ipynb/);
    const bad = write("bad.ipynb", '{\n "cells": [\n  1,,\n ]\n}');
    expect(() => readNotebook(bad)).toThrow(/bad\.ipynb is not valid JSON at line 3, column \d+/);
    expect(() => readNotebook(write("nocells.ipynb", '{"nbformat": 4, "metadata": {}}'))).toThrow(/nocells\.ipynb is not a Jupyter notebook: it has no "cells"/);
    expect(() => readNotebook(write("nover.ipynb", '{"cells": []}'))).toThrow(/nover\.ipynb .*"nbformat"/);
    expect(() => readNotebook(write("v3.ipynb", '{"nbformat": 3, "worksheets": []}'))).toThrow(/v3\.ipynb is nbformat 3.*nbconvert/);
    expect(() => readNotebook(write("array.ipynb", "[]"))).toThrow(/array\.ipynb is not a Jupyter notebook/);
  });

  test("upgrades 4.4 to 4.5: unique valid cell ids, code cells complete", () => {
    const nb = readNotebook(write("v44.ipynb", JSON.stringify(v44)));
    expect(nb.nbformat_minor).toBe(5);
    const ids = nb.cells.map((c) => c.id);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const dup = { ...v44, nbformat_minor: 5, cells: v44.cells.map((c) => ({ ...c, id: "same" })) };
    const fixed = readNotebook(write("dup.ipynb", JSON.stringify(dup)));
    expect(fixed.cells[0].id).toBe("same");
    expect(fixed.cells[1].id).not.toBe("same");
    expect(newCellId()).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe("writing", () => {
  test("Jupyter's layout: sorted keys, 1-space indent, split lines, trailing newline; reads back equal", () => {
    const nb = readNotebook(write("w.ipynb", JSON.stringify(v44)));
    const text = notebookToJSON(nb);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n "cells": [\n  {\n   "cell_type": "markdown",');
    expect(Object.keys(JSON.parse(text))).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
    const parsed = JSON.parse(text) as Notebook;
    expect(parsed.cells[1].source).toEqual(["1 + 1"]);
    const out = path.join(dir, "out", "w.ipynb");
    writeNotebookAtomic(out, nb);
    expect(fs.readFileSync(out, "utf8")).toBe(text);
    expect(readNotebook(out).cells.map((c) => c.id)).toEqual(nb.cells.map((c) => c.id));
  });

  test("atomic: written to a temp file in the same directory, then renamed over the target", () => {
    const target = write("atomic.ipynb", "old content");
    const nb = readNotebook(write("a-src.ipynb", JSON.stringify(v44)));
    // the real module object: the namespace import's properties are read-only getters
    const rename = jest.spyOn(require("fs") as typeof fs, "renameSync");
    try {
      writeNotebookAtomic(target, nb);
      expect(rename).toHaveBeenCalledTimes(1);
      const [from, to] = rename.mock.calls[0] as [string, string];
      expect(to).toBe(target);
      expect(path.dirname(from as string)).toBe(dir);
    } finally {
      rename.mockRestore();
    }
    expect(readNotebook(target).cells).toHaveLength(2);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("clearOutputs removes outputs, counts, execution timing and the run record", () => {
    const nb = readNotebook(write("c.ipynb", JSON.stringify(v44)));
    const code = nb.cells[1];
    if (code.cell_type !== "code") throw new Error("expected a code cell");
    code.metadata.execution = { "shell.execute_reply": "x" };
    nb.metadata.transferlab = { kernel: "k", date: "d", seconds: 1, status: "ok", cells: [] };
    clearOutputs(nb);
    expect(code.outputs).toEqual([]);
    expect(code.execution_count).toBeNull();
    expect(code.metadata).toEqual({ tags: ["x"] });
    expect(nb.metadata.transferlab).toBeUndefined();
  });
});
