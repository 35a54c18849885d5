/** Handouts of small notebooks, one feature each: tags, editions, callouts, math, errors, figures, bad input. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderHandout, exportNotebooks, handoutNames, loadNotebookChecked, withEmbeddedCjkFont, cjkCharacters, EMBEDDED_CJK_FAMILY } from "../../kernel-ext/export";
import type { Notebook, Output } from "../../kernel-ext/notebook";

type CellSpec = { type?: "code" | "markdown" | "raw"; source: string; tags?: string[]; outputs?: Output[]; metadata?: Record<string, unknown> };

function nb(cells: CellSpec[], metadata: Record<string, unknown> = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "transferlab", display_name: "TypeScript (transferlab)" }, ...metadata },
    cells: cells.map((c, i) => {
      const metadata = { ...(c.metadata ?? {}), ...(c.tags ? { tags: c.tags } : {}) };
      if ((c.type ?? "code") === "code") return { cell_type: "code", id: `c${i}`, metadata, source: c.source, outputs: c.outputs ?? [], execution_count: c.outputs ? i + 1 : null };
      return { cell_type: c.type as "markdown", id: `c${i}`, metadata, source: c.source };
    }),
  } as Notebook;
}

const stream = (text: string, name: "stdout" | "stderr" = "stdout"): Output => ({ output_type: "stream", name, text });
/** The visible text of some HTML (highlighting splits code into spans). */
const textOf = (h: string) => h.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
const html = (s: string, plain = ""): Output => ({ output_type: "display_data", data: { "text/html": s, "text/plain": plain }, metadata: {} });

describe("renderHandout", () => {
  test("tags: remove-* drop, hide-* fold and stay folded in print", () => {
    const h = renderHandout(nb([
      { source: "const removedCell = 1;", tags: ["remove-cell"], outputs: [stream("removed-cell-output")] },
      { source: "const removedInput = 2;", tags: ["remove-input"], outputs: [stream("kept-output-1")] },
      { source: "const keptInput = 3;", tags: ["remove-output"], outputs: [stream("removed-output")] },
      { source: "const hiddenInput = 4;", tags: ["hide-input"], outputs: [stream("visible-output")] },
      { source: "const visibleInput = 5;", tags: ["hide-output"], outputs: [stream("hidden-output")] },
      { source: "const hiddenCell = 6;", tags: ["hide-cell"], outputs: [stream("hidden-cell-output")] },
    ]));
    expect(h.html).not.toContain("removedCell");
    expect(h.html).not.toContain("removed-cell-output");
    expect(h.html).not.toContain("removedInput");
    expect(h.html).toContain("kept-output-1");
    expect(h.html).toContain("keptInput");
    expect(h.html).not.toContain("removed-output");
    // folded, not removed, and marked so print keeps them folded
    expect(h.html).toMatch(/<details class="fold hidden-by-tag"><summary>Show code<\/summary>.*hiddenInput/s);
    expect(h.html).toMatch(/<details class="fold hidden-by-tag"><summary>Show output<\/summary>.*hidden-output/s);
    expect(h.html).toContain("hidden-cell-output");
  });

  test("--code fold folds every input (printed expanded); --code hide drops inputs", () => {
    const doc = nb([{ source: "const x = 1;", outputs: [stream("1")] }]);
    expect(renderHandout(doc, { code: "fold" }).html).toMatch(/<details class="fold"><summary>Show code<\/summary>/);
    const hidden = renderHandout(doc, { code: "hide" }).html;
    expect(hidden).not.toContain("const");
    expect(hidden).toContain("<pre>1</pre>");
  });

  const exercise = nb([
    { source: "function mmd(a: number[], b: number[]): number {\n  // BEGIN SOLUTION\n  return secretFormula(a, b);\n  // END SOLUTION\n}", metadata: { nbgrader: { solution: true, grade: false, grade_id: "mmd", locked: false, schema_version: 3, task: false } }, outputs: [stream("solution output 42")] },
    { source: "console.assert(mmd([1], [1]) === 0);\n// BEGIN HIDDEN TESTS\nconsole.assert(hiddenCheck());\n// END HIDDEN TESTS", metadata: { nbgrader: { solution: false, grade: true, grade_id: "test_mmd", locked: true, points: 2, schema_version: 3, task: false } }, outputs: [stream("hidden test output")] },
    { source: "const whole = wholeSolution();", metadata: { nbgrader: { solution: true, grade: false, grade_id: "whole", locked: false, schema_version: 3, task: false } } },
    { type: "markdown", source: "The answer is forty-two.", metadata: { nbgrader: { solution: true, grade: true, grade_id: "essay", points: 1, locked: false, schema_version: 3, task: false } } },
  ]);

  test("student edition (the default): stubs for solutions, no hidden tests, no revealing outputs", () => {
    const h = renderHandout(exercise).html;
    expect(h).not.toContain("secretFormula");
    expect(h).not.toContain("hiddenCheck");
    expect(h).not.toContain("HIDDEN TESTS");
    expect(h).not.toContain("wholeSolution");
    expect(h).not.toContain("forty-two");
    expect(h).not.toContain("solution output 42");
    expect(h).not.toContain("hidden test output");
    expect(h).toContain("YOUR CODE HERE");
    expect(h).toContain("not implemented");
    expect(h).toContain("YOUR ANSWER HERE");
    expect(textOf(h)).toContain("console.assert(mmd([1], [1]) === 0);"); // the visible test stays
    expect(h).not.toContain('class="outputs"'); // an exercise's student edition shows no outputs at all
  });

  test("instructor edition keeps solutions and hidden tests, marked", () => {
    const h = renderHandout(exercise, { edition: "instructor" }).html;
    expect(h).toContain("secretFormula");
    expect(h).toContain("hiddenCheck");
    expect(h).toMatch(/class="cell code solution".*solution · mmd/s);
  });

  test("an unbalanced solution marker is an error naming the cell", () => {
    const bad = nb([{ source: "// BEGIN SOLUTION\nx()", metadata: { nbgrader: { solution: true } } }]);
    expect(() => renderHandout(bad, { file: "ex.ipynb" })).toThrow('ex.ipynb, cell 1: "// BEGIN SOLUTION" on line 1 has no "// END SOLUTION"');
  });

  test("markdown: callouts, math with KaTeX, Chinese intact, dollars that are money stay text, numbered TOC", () => {
    const h = renderHandout(nb([
      { type: "markdown", source: "# 迁移学习 Title\n\n> [!WARNING]\n> 负迁移 can hurt.\n\nInline $x^2$ and it costs $5 and $10.\n\n$$\n\\mathrm{MMD}^2 = \\lVert \\mu_s - \\mu_t \\rVert^2\n$$" },
      { type: "markdown", source: "## First\n\n### Sub\n\n## Second $P(X)$" },
    ]));
    expect(h.title).toBe("迁移学习 Title");
    expect(h.html).toMatch(/<blockquote class="callout callout-warning">\s*<p class="callout-title">Warning<\/p>\s*<p>负迁移 can hurt.<\/p>/);
    expect(h.formulas).toBe(3); // x², the display formula, and P(X) in a heading
    expect((h.html.match(/class="katex"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(h.html).toContain("it costs $5 and $10.");
    expect(h.headings.map((x) => [x.number, x.id])).toEqual([["", "迁移学习-title"], ["1", "first"], ["1.1", "sub"], ["2", "second-p-x"]]);
    expect(h.html).toMatch(/<nav class="toc".*href="#first".*href="#sub".*href="#second-p-x"/s);
    expect(h.warnings).toEqual([]);
  });

  test("a formula KaTeX cannot parse is shown and reported, not fatal", () => {
    const h = renderHandout(nb([{ type: "markdown", source: "bad $\\frac{1}{$ math" }]), { file: "m.ipynb" });
    expect(h.warnings[0]).toMatch(/^m\.ipynb: formula could not be rendered: \\frac\{1\}\{/);
  });

  test("errors with their traceback (ANSI stripped), stderr styled, unknown MIME kept as text with a note", () => {
    const h = renderHandout(nb([
      { source: "boom()", outputs: [stream("careful\n", "stderr"), { output_type: "error", ename: "RangeError", evalue: "bad", traceback: ["\u001b[31mRangeError\u001b[0m: bad", "    at cell:1:1"] }] },
      { source: "x", outputs: [{ output_type: "display_data", data: { "application/x-weird": {}, "text/plain": "weird value" }, metadata: {} }] },
      { source: "y", outputs: [{ output_type: "display_data", data: { "application/x-only": {} }, metadata: {} }] },
    ]), { file: "e.ipynb" });
    expect(h.html).toContain('<div class="output stderr"><pre>careful\n</pre></div>');
    expect(h.html).toContain('<div class="output error"><pre>RangeError: bad\n    at cell:1:1</pre></div>');
    expect(h.html).toContain("weird value");
    expect(h.html).toContain("[application/x-weird shown as text: a static page cannot render it]");
    expect(h.warnings).toContain("e.ipynb, cell 3: output of type application/x-only has no text/plain fallback: not shown");
  });

  test("figures: plotly.js stripped from outputs and included once, numbered, captioned from metadata", () => {
    const lib = "<script type=\"text/javascript\">/**\n* plotly.js v3.7.0\n* FAKE-LIB-MARKER\n*/ window.Plotly = {};</script>\n";
    const fig = (id: string) => `<div id="${id}" class="transferlab-figure"></div>\n<script type="text/javascript">window.Plotly.newPlot("${id}",[],{});</script>`;
    const h = renderHandout(nb([
      { source: "show(a)", outputs: [html(lib + fig("f1"), "<Plotly figure: First title, 2 traces>")], metadata: { caption: "MMD before adaptation" } },
      { source: "show(b)", outputs: [html(lib + fig("f2"), "<Plotly figure: Second title, 1 trace>"), { output_type: "display_data", data: { "image/png": "iVBORw0KGgo=", "text/plain": "img" }, metadata: {} }] },
    ]));
    expect(h.figures).toBe(3);
    expect(h.html).toContain("<figcaption><b>Figure 1.</b> MMD before adaptation</figcaption>");
    expect(h.html).toContain("<figcaption><b>Figure 2.</b> Second title</figcaption>");
    expect(h.html).toContain('<img src="data:image/png;base64,iVBORw0KGgo="');
    expect(h.html).not.toContain("FAKE-LIB-MARKER");
    // the real library, once, in the head
    expect(h.html.split("window.Plotly = Plotly").length - 1).toBe(1);
  });

  test("a 50 MB output is truncated with a visible note", () => {
    const big = "x".repeat(50_000_000);
    const h = renderHandout(nb([{ source: "big", outputs: [stream(big)] }]), { file: "big.ipynb" });
    expect(h.html.length).toBeLessThan(3_000_000);
    expect(h.html).toContain("[output truncated: 50.0 MB, the first 1.0 MB shown]");
    expect(h.warnings[0]).toMatch(/^big\.ipynb, cell 1: stdout stream of 50\.0 MB truncated/);
  });

  test("the footer records kernel, backend, run time and date", () => {
    const h = renderHandout(nb([{ source: "1" }], { transferlab: { kernel: "tslab 1.0.22", backend: "wasm", date: "2026-11-27T10:00:00.000Z", seconds: 12.34, status: "ok", cells: [] } }));
    expect(h.html).toContain("Executed 2026-11-27 10:00:00 UTC by tslab 1.0.22 on the wasm backend in 12.3 s");
  });
});

describe("exportNotebooks", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-export-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("names: exercises and lecture notebooks of the same name get distinct handouts", () => {
    expect(handoutNames(["/p/notebooks/02-x.ipynb", "/p/notebooks/exercises/02-x.ipynb", "/a/y.ipynb", "/b/y.ipynb"]))
      .toEqual(["02-x.html", "exercises-02-x.html", "a-y.html", "b-y.html"]);
  });

  test("invalid notebooks are errors naming file and cell; the run goes on; the out dir is created", async () => {
    const good = path.join(dir, "good.ipynb");
    const bad = path.join(dir, "bad.ipynb");
    const notJson = path.join(dir, "nojson.ipynb");
    fs.writeFileSync(good, JSON.stringify(nb([{ type: "markdown", source: "# Good" }])));
    const badNb = nb([{ source: "x", outputs: [{ output_type: "stream", text: "no name" } as unknown as Output] }]);
    fs.writeFileSync(bad, JSON.stringify(badNb));
    fs.writeFileSync(notJson, "{ not json");
    const out = path.join(dir, "deep", "out");
    const r = await exportNotebooks([good, bad, notJson], { out, execute: false });
    expect(r.map((x) => Boolean(x.error))).toEqual([false, true, true]);
    expect(r[1].error).toContain("bad.ipynb: not a valid nbformat 4 notebook");
    expect(r[1].error).toContain("cell 1, output 1: must have required property 'name'");
    expect(r[2].error).toMatch(/nojson\.ipynb: not a notebook: invalid JSON/);
    expect(fs.readdirSync(out).sort()).toEqual(["assets", "good.html", "index.html"]);
    expect(() => loadNotebookChecked(path.join(dir, "missing.ipynb"))).toThrow(/missing\.ipynb: cannot read: no such file/);
  });

  test("a write that fails half way keeps the old handout", async () => {
    const file = path.join(dir, "n.ipynb");
    fs.writeFileSync(file, JSON.stringify(nb([{ type: "markdown", source: "# Version one" }])));
    await exportNotebooks([file], { out: dir, execute: false });
    const before = fs.readFileSync(path.join(dir, "n.html"), "utf8");
    expect(before).toContain("Version one");
    fs.writeFileSync(file, JSON.stringify(nb([{ type: "markdown", source: "# Version two" }])));
    // the CommonJS module object (the one the exporter calls through), not the TS namespace view
    const fsModule: typeof fs = require("fs");
    const rename = fsModule.renameSync;
    const spy = jest.spyOn(fsModule, "renameSync").mockImplementation((from, to) => {
      if (String(to).endsWith("n.html")) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return rename(from, to);
    });
    try {
      const r = await exportNotebooks([file], { out: dir, execute: false });
      expect(r[0].error?.slice(0, 300)).toContain("ENOSPC");
    } finally {
      spy.mockRestore();
    }
    expect(fs.readFileSync(path.join(dir, "n.html"), "utf8")).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });
});

describe("embedded CJK font", () => {
  const LECTURES = fs.readdirSync(path.join(__dirname, "../../notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

  test("a page gets exactly its CJK characters, one @font-face per Noto Sans SC file, none for a page without", async () => {
    const { html: page, font } = await withEmbeddedCjkFont(renderHandout(nb([{ type: "markdown", source: "# 迁移学习\n\n负迁移（negative transfer）。" }])).html);
    expect(font.characters).toBe(cjkCharacters("迁移学习负（）。").length);
    expect(font.missing).toEqual([]);
    const ranges = [...font.css.matchAll(/unicode-range:([^;]+);/g)].flatMap((m) => m[1].split(",")).map((u) => String.fromCodePoint(parseInt(u.slice(2), 16)));
    expect(ranges.sort()).toEqual(cjkCharacters("迁移学习负迁移（）。").sort());
    expect(page).toContain(`font-family:"${EMBEDDED_CJK_FAMILY}"`);
    expect(page.indexOf(font.css)).toBeLessThan(page.indexOf("</head>"));
    const plain = await withEmbeddedCjkFont(renderHandout(nb([{ type: "markdown", source: "# Transfer" }])).html);
    expect(plain.font.css).toBe("");
    expect(plain.html).not.toContain("@font-face{font-family:\"TL Noto");
  });

  test.each(LECTURES)("%s: its embedded Chinese glyphs add at most 150 KB", async (name) => {
    const notebook = loadNotebookChecked(path.join(__dirname, "../../notebooks", name));
    const { font } = await withEmbeddedCjkFont(renderHandout(notebook, { file: name }).html);
    // eslint-disable-next-line no-console
    console.log(`${name}: ${font.characters} CJK characters, ${font.fontBytes} B of woff2, ${font.cssBytes} B in the page`);
    expect(font.missing).toEqual([]);
    expect(font.cssBytes).toBeLessThanOrEqual(150_000);
  });
});
