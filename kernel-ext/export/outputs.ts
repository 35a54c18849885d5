/**
 * Cell outputs to HTML for a handout. The richest MIME type that a static page can show wins; Plotly
 * figures keep their div + newPlot script (plotly.js itself is stripped from the output and included once
 * per page or per handout set); oversized outputs are truncated with a visible note.
 */
import type { Output } from "../notebook";
import { joinText } from "../notebook";
import { escapeHtml, scriptJson } from "../display/html";
import { MarkdownEnv, renderLatex, renderMarkdown } from "./markdown";

/** Outputs larger than this many characters are cut, with a note saying so. */
export const MAX_OUTPUT_CHARS = 10_000_000;
export const MAX_STREAM_CHARS = 1_000_000;

export interface RenderedOutput {
  html: string;
  /** a Plotly figure or an image: numbered and captioned */
  figure: boolean;
  /** the figure's own title, for a caption when the cell gives none */
  title?: string;
  warnings: string[];
}

// the plotly.js library as show() inlines it in the first figure of a kernel session or output set
const PLOTLY_LIBRARY = /<script type="text\/javascript">\/\*\*\s*\n\* plotly\.js v[\s\S]*?<\/script>\n?/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

let plotlyCounter = 0;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

function truncate(text: string, limit: number, what: string, warnings: string[]): { text: string; note: string } {
  if (text.length <= limit) return { text, note: "" };
  warnings.push(`${what} of ${(text.length / 1e6).toFixed(1)} MB truncated to ${(limit / 1e6).toFixed(1)} MB`);
  return {
    text: text.slice(0, limit),
    note: `<div class="output note">[output truncated: ${(text.length / 1e6).toFixed(1)} MB, the first ${(limit / 1e6).toFixed(1)} MB shown]</div>`,
  };
}

function plotlyFromJson(spec: { data?: unknown[]; layout?: Record<string, unknown> }): string {
  const id = `tl-export-fig-${++plotlyCounter}`;
  const height = typeof spec.layout?.height === "number" ? spec.layout.height : 450;
  return `<div id="${id}" class="transferlab-figure" style="width:100%;height:${height}px;"></div>` +
    `<script type="text/javascript">window.Plotly.newPlot(${JSON.stringify(id)},${scriptJson(spec.data ?? [])},${scriptJson({ ...(spec.layout ?? {}), height })},{responsive:true,displaylogo:false});</script>`;
}

function plotlyTitle(plain: string): string | undefined {
  const m = /^<Plotly figure: (.*), \d+ traces?>$/s.exec(plain.trim());
  return m ? m[1] : undefined;
}

/** One output as HTML. `where` names the notebook and cell for warnings. */
export function renderOutput(output: Output, env: MarkdownEnv, where: string): RenderedOutput {
  const warnings: string[] = [];
  if (output.output_type === "stream") {
    const { text, note } = truncate(stripAnsi(joinText(output.text)), MAX_STREAM_CHARS, `${where}: ${output.name} stream`, warnings);
    return { html: `<div class="output ${output.name === "stderr" ? "stderr" : "stdout"}"><pre>${escapeHtml(text)}</pre></div>${note}`, figure: false, warnings };
  }
  if (output.output_type === "error") {
    const tb = stripAnsi((output.traceback ?? []).join("\n")) || `${output.ename}: ${output.evalue}`;
    return { html: `<div class="output error"><pre>${escapeHtml(tb)}</pre></div>`, figure: false, warnings };
  }
  const data = (output.data ?? {}) as Record<string, unknown>;
  const text = (mime: string) => joinText(data[mime] as string | string[]);
  const plain = data["text/plain"] !== undefined ? text("text/plain") : "";
  if (data["text/html"] !== undefined) {
    let html = text("text/html").replace(PLOTLY_LIBRARY, "");
    const figure = html.includes("Plotly.newPlot");
    const cut = truncate(html, MAX_OUTPUT_CHARS, `${where}: text/html output`, warnings);
    html = cut.text;
    return { html: `<div class="output html">${html}</div>${cut.note}`, figure, title: figure ? plotlyTitle(plain) : undefined, warnings };
  }
  if (data["application/vnd.plotly.v1+json"] !== undefined) {
    const spec = data["application/vnd.plotly.v1+json"] as { data?: unknown[]; layout?: Record<string, unknown> };
    const t = spec.layout?.title as string | { text?: string } | undefined;
    return { html: `<div class="output html">${plotlyFromJson(spec)}</div>`, figure: true, title: typeof t === "string" ? t : t?.text, warnings };
  }
  if (data["image/svg+xml"] !== undefined) {
    return { html: `<div class="output image">${text("image/svg+xml")}</div>`, figure: true, warnings };
  }
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[mime] !== undefined) {
      const b64 = text(mime).replace(/\s+/g, "");
      return { html: `<div class="output image"><img src="data:${mime};base64,${b64}" alt="${escapeHtml(plain || "figure")}"></div>`, figure: true, warnings };
    }
  }
  if (data["text/markdown"] !== undefined) {
    return { html: `<div class="output markdown">${renderMarkdown(text("text/markdown"), env)}</div>`, figure: false, warnings };
  }
  if (data["text/latex"] !== undefined) {
    return { html: `<div class="output latex">${renderLatex(text("text/latex"), env)}</div>`, figure: false, warnings };
  }
  if (data["application/json"] !== undefined) {
    return { html: `<div class="output json"><pre>${escapeHtml(JSON.stringify(data["application/json"], null, 2))}</pre></div>`, figure: false, warnings };
  }
  const unknown = Object.keys(data).filter((m) => m !== "text/plain");
  if (data["text/plain"] !== undefined) {
    const cut = truncate(stripAnsi(plain), MAX_STREAM_CHARS, `${where}: text/plain output`, warnings);
    const note = unknown.length ? `<div class="output note">[${escapeHtml(unknown.join(", "))} shown as text: a static page cannot render it]</div>` : "";
    return { html: `<div class="output text"><pre>${escapeHtml(cut.text)}</pre></div>${cut.note}${note}`, figure: false, warnings };
  }
  if (unknown.length) warnings.push(`${where}: output of type ${unknown.join(", ")} has no text/plain fallback: not shown`);
  return { html: unknown.length ? `<div class="output note">[output of type ${escapeHtml(unknown.join(", "))} not shown]</div>` : "", figure: false, warnings };
}
