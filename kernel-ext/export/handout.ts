/**
 * One notebook → one HTML handout, as a chain of small steps over the notebook (nbconvert's idea):
 * edition (student / instructor), tags (remove-* and hide-*), then rendering of cells, figures with
 * numbers and captions, a table of contents from the headings, and a footer with the run record.
 */
import type { Cell, Notebook, RunRecord } from "../notebook";
import { joinText } from "../notebook";
import { escapeHtml } from "../display/html";
import { Edition, nbgraderMeta, revealsSolution, studentEdition } from "./editions";
import { Heading, MarkdownEnv, newMarkdownEnv, renderMarkdown } from "./markdown";
import { highlightTypeScript } from "./highlight";
import { renderOutput } from "./outputs";
import { AssetMode, BASE_CSS, highlightCss, katexCss, plotlySource } from "./assets";

export type CodeMode = "show" | "fold" | "hide";
export const CODE_MODES: readonly CodeMode[] = ["show", "fold", "hide"];

export interface HandoutOptions {
  edition?: Edition;
  assets?: AssetMode;
  code?: CodeMode;
  /** the notebook's path, for messages and the page's source line */
  file?: string;
  /** with shared assets: the URL prefix of the assets folder relative to the handout (default "assets") */
  assetBase?: string;
  /** the footer's text in place of the run record (a feedback page speaks to a student: "Graded …") */
  footer?: string;
}

export interface Handout {
  html: string;
  title: string;
  headings: Heading[];
  figures: number;
  formulas: number;
  warnings: string[];
  run?: RunRecord;
}

function cellTags(cell: Cell): Set<string> {
  const tags = (cell.metadata as { tags?: unknown }).tags;
  return new Set(Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : []);
}

function captionsOf(cell: Cell): string[] {
  const c = (cell.metadata as { caption?: unknown }).caption;
  if (typeof c === "string") return [c];
  return Array.isArray(c) ? c.map(String) : [];
}

function fold(summary: string, inner: string, hiddenByTag: boolean): string {
  return `<details class="fold${hiddenByTag ? " hidden-by-tag" : ""}"><summary>${summary}</summary>${inner}</details>`;
}

/** Replace `attachment:name` image links by data URIs from the cell's attachments. */
function inlineAttachments(source: string, cell: Cell): string {
  const att = (cell as { attachments?: Record<string, Record<string, string | string[]>> }).attachments;
  if (!att) return source;
  return source.replace(/attachment:([^\s)"']+)/g, (m, name: string) => {
    const bundle = att[decodeURIComponent(name)];
    if (!bundle) return m;
    const mime = Object.keys(bundle)[0];
    return `data:${mime};base64,${joinText(bundle[mime]).replace(/\s+/g, "")}`;
  });
}

function toc(headings: Heading[]): string {
  const items = headings.filter((h) => h.level >= 2 && h.level <= 3);
  if (items.length === 0) return "";
  let html = "";
  let depth = 0;
  for (const h of items) {
    const level = h.level - 1; // h2 → 1, h3 → 2
    while (depth < level) {
      html += "<ol>";
      depth++;
    }
    while (depth > level) {
      html += "</ol>";
      depth--;
    }
    html += `<li><a href="#${h.id}">${h.number ? `<span class="section-number">${h.number}</span> ` : ""}${h.html}</a></li>`;
  }
  while (depth-- > 0) html += "</ol>";
  return html;
}

function runFooter(run: RunRecord | undefined, file: string | undefined, edition: Edition): string {
  const source = file ? ` · source <code>${escapeHtml(file)}</code>` : "";
  const ed = ` · ${edition} edition`;
  if (!run) return `<footer class="run-info">Not executed: outputs are as saved in the notebook${source}${ed}.</footer>`;
  const date = run.date ? new Date(run.date).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "unknown date";
  return `<footer class="run-info">Executed ${escapeHtml(date)} by ${escapeHtml(run.kernel ?? "unknown kernel")}` +
    ` on the ${escapeHtml(run.backend ?? "unknown")} backend in ${Number(run.seconds ?? 0).toFixed(1)} s` +
    ` — <span class="status-${run.status === "ok" ? "ok" : "failed"}">${run.status === "ok" ? "all cells ran" : "a cell failed"}</span>${source}${ed}.</footer>`;
}

/** The handout of one (already executed, or not) notebook. */
export function renderHandout(notebook: Notebook, options: HandoutOptions = {}): Handout {
  const edition = options.edition ?? "student";
  const assets = options.assets ?? "inline";
  const codeMode = options.code ?? "show";
  const file = options.file ?? "notebook";
  const nb = edition === "student" ? studentEdition(notebook, file) : notebook;
  const env: MarkdownEnv = newMarkdownEnv();
  const warnings: string[] = [];
  const parts: string[] = [];
  let figures = 0;

  nb.cells.forEach((cell, i) => {
    const tags = cellTags(cell);
    if (tags.has("remove-cell")) return;
    const where = `${file}, cell ${i + 1}`;
    if (cell.cell_type === "markdown") {
      parts.push(`<div class="cell markdown">${renderMarkdown(inlineAttachments(joinText(cell.source), cell), env)}</div>`);
      return;
    }
    if (cell.cell_type === "raw") {
      const format = (cell.metadata as { format?: string }).format;
      parts.push(format === "text/html" ? `<div class="cell raw">${joinText(cell.source)}</div>` : `<div class="cell raw"><pre>${escapeHtml(joinText(cell.source))}</pre></div>`);
      return;
    }
    const isSolution = edition === "instructor" && revealsSolution(cell);
    const grade = nbgraderMeta(cell);
    let input = "";
    if (!tags.has("remove-input") && codeMode !== "hide") {
      const prompt = `<div class="prompt">In [${cell.execution_count ?? " "}]:</div>`;
      const code = `<div class="input">${prompt}<pre><code class="hljs language-typescript">${highlightTypeScript(joinText(cell.source))}</code></pre></div>`;
      const hideTag = tags.has("hide-input") || tags.has("hide-cell");
      input = hideTag || codeMode === "fold" ? fold("Show code", code, hideTag) : code;
    }
    let outputs = "";
    if (!tags.has("remove-output")) {
      const captions = captionsOf(cell);
      let cellFigure = 0;
      const rendered = cell.outputs.map((o) => {
        const r = renderOutput(o, env, where);
        warnings.push(...r.warnings);
        if (!r.figure) return r.html;
        figures++;
        const caption = captions[cellFigure] ?? r.title ?? "";
        cellFigure++;
        return `<figure class="figure" id="figure-${figures}">${r.html}<figcaption><b>Figure ${figures}.</b> ${escapeHtml(caption)}</figcaption></figure>`;
      });
      const html = rendered.join("\n");
      if (html) {
        const hideTag = tags.has("hide-output") || tags.has("hide-cell");
        outputs = `<div class="outputs">${hideTag ? fold("Show output", html, true) : html}</div>`;
      }
    }
    if (!input && !outputs) return;
    const badge = isSolution ? `<span class="solution-badge">solution${grade?.grade_id ? ` · ${escapeHtml(grade.grade_id)}` : ""}</span>` : "";
    const graded = grade?.grade && grade.points !== undefined ? ` data-points="${grade.points}"` : "";
    parts.push(`<div class="cell code${isSolution ? " solution" : ""}" id="cell-${i + 1}"${graded}>${badge}${input}${outputs}</div>`);
  });

  warnings.push(...env.mathErrors.map((e) => `${file}: formula could not be rendered: ${e}`));
  const titleHeading = env.headings.find((h) => h.level === 1);
  const title = titleHeading?.text ?? (nb.metadata as { title?: string }).title ?? file.replace(/^.*[\\/]/, "").replace(/\.ipynb$/, "");
  const run = nb.metadata.transferlab;
  const needsPlotly = parts.some((p) => p.includes("Plotly.newPlot"));
  const base = options.assetBase ?? "assets";
  const head: string[] = [
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    // nothing on this page may reach the network: the handout must work offline, and must not leak reads
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self' data: blob: 'unsafe-inline' 'unsafe-eval'">`,
    `<meta name="generator" content="transferlab tlab export">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${BASE_CSS}</style>`,
  ];
  if (assets === "inline") {
    head.push(`<style>${highlightCss()}</style>`);
    if (env.mathCount > 0) head.push(`<style>${katexCss(null)}</style>`);
    if (needsPlotly) head.push(`<script type="text/javascript">${plotlySource()}</script>`);
  } else {
    head.push(`<link rel="stylesheet" href="${base}/highlight.css">`);
    if (env.mathCount > 0) head.push(`<link rel="stylesheet" href="${base}/katex.css">`);
    if (needsPlotly) head.push(`<script type="text/javascript" src="${base}/plotly.min.js"></script>`);
  }
  const tocHtml = toc(env.headings);
  // folded cells print expanded unless a hide-* tag folded them (and browsers without ::details-content)
  const printScript = `<script>window.addEventListener("beforeprint",function(){document.querySelectorAll("details.fold:not(.hidden-by-tag)").forEach(function(d){d.setAttribute("data-was-open",d.open);d.open=true;});});` +
    `window.addEventListener("afterprint",function(){document.querySelectorAll("details[data-was-open]").forEach(function(d){d.open=d.getAttribute("data-was-open")==="true";d.removeAttribute("data-was-open");});});</script>`;
  const html = `<!DOCTYPE html>\n<html lang="en">\n<head>\n${head.join("\n")}\n</head>\n<body>\n<div class="layout">\n` +
    (tocHtml ? `<nav class="toc" aria-label="Contents"><div class="toc-title">Contents</div>${tocHtml}</nav>\n` : "") +
    `<main>\n${parts.join("\n")}\n${options.footer !== undefined ? `<footer class="run-info">${escapeHtml(options.footer)}</footer>` : runFooter(run, options.file, edition)}\n</main>\n</div>\n${printScript}\n</body>\n</html>\n`;
  return { html, title, headings: env.headings, figures, formulas: env.mathCount, warnings, run };
}
