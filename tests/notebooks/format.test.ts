import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { pythonWith, skipPeer } from "../helpers/peer";
import { newMarkdownEnv, renderMarkdown } from "../../kernel-ext/export/markdown";

const ROOT = path.resolve(__dirname, "../..");
const NOTEBOOKS = path.join(ROOT, "notebooks");

function listNotebooks(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === ".ipynb_checkpoints" ? [] : listNotebooks(p);
    return e.name.endsWith(".ipynb") ? [p] : [];
  }).sort();
}

const files = listNotebooks(NOTEBOOKS);

describe("committed notebooks", () => {
  test("the lecture notebooks exist", () => {
    const names = files.map((f) => path.relative(NOTEBOOKS, f));
    expect(names).toEqual(expect.arrayContaining(["00-introduction.ipynb", "01-concepts.ipynb"]));
  });

  test.each(files.map((f) => [path.relative(ROOT, f), f]))("%s is nbformat 4.5 with outputs cleared and the transferlab kernel", (_name, file) => {
    const nb = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBeGreaterThanOrEqual(5);
    expect(nb.metadata.kernelspec.name).toBe("transferlab");
    const ids = new Set<string>();
    for (const [i, cell] of nb.cells.entries()) {
      expect(typeof cell.id).toBe("string");
      expect(ids.has(cell.id)).toBe(false);
      ids.add(cell.id);
      if (cell.cell_type === "code") {
        if (cell.outputs.length !== 0 || cell.execution_count !== null) {
          throw new Error(`${file}: cell ${i + 1} is committed with outputs; clear them (tlab strips them on run --out)`);
        }
      }
    }
  });

  // a TeX command whose backslash was read as a string escape (`\a`pprox → BEL, `\b`eta → backspace, `\f`rac → form feed)
  // leaves a control character; tabs and carriage returns have no place in Markdown cells either
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

  test.each(files.map((f) => [path.relative(ROOT, f), f]))("%s: no control character in Markdown, and KaTeX renders every formula", (_name, file) => {
    const nb = JSON.parse(fs.readFileSync(file, "utf8"));
    const env = newMarkdownEnv(); // the exporter's renderer: KaTeX with throwOnError, errors collected
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "markdown") continue;
      const text = [].concat(cell.source).join("");
      const bad = CONTROL.exec(text);
      if (bad) throw new Error(`${file}: Markdown cell ${i + 1} holds control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")} near ${JSON.stringify(text.slice(Math.max(0, bad.index - 30), bad.index + 10))}`);
      renderMarkdown(text, env);
    }
    expect(env.mathErrors).toEqual([]);
  });

  test("the formula check finds a TeX command eaten by a string escape", () => {
    const env = newMarkdownEnv();
    renderMarkdown("a factor $\\frac12 \\approx\\beta$ and $\\notacommand x$", env);
    expect(env.mathCount).toBe(2);
    expect(env.mathErrors).toHaveLength(1);
    expect(CONTROL.test("a factor $\u0007pprox\u0008eta$")).toBe(true);
    const formulas = files.reduce((n, f) => {
      const e = newMarkdownEnv();
      for (const c of JSON.parse(fs.readFileSync(f, "utf8")).cells) if (c.cell_type === "markdown") renderMarkdown([].concat(c.source).join(""), e);
      return n + e.mathCount;
    }, 0);
    expect(formulas).toBeGreaterThan(20); // the notebooks' formulas were really found and rendered
  });

  test("every notebook validates against Jupyter's own nbformat schema (peer check)", () => {
    const py = pythonWith("nbformat");
    if (!py) {
      skipPeer("nbformat.validate", "no python3 with the nbformat module (Debian: apt-get install python3-nbformat)");
      return;
    }
    const script = "import sys, nbformat\nfor f in sys.argv[1:]:\n    nbformat.validate(nbformat.read(f, as_version=4))\n    print('valid', f)";
    const r = spawnSync(py, ["-c", script, ...files], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(files.length);
  });
});
