/**
 * Markdown cells to HTML at export time: markdown-it, with math rendered by KaTeX (inline `$…$`, display
 * `$$…$$`), GitHub-style callouts (`> [!NOTE]` …), and numbered headings with anchors that the table of
 * contents links to. One `MarkdownEnv` is shared by all cells of a notebook, so numbering and anchors
 * are unique across cells.
 */
import MarkdownIt from "markdown-it";
import katex from "katex";

export interface Heading {
  level: number;
  text: string;
  /** the heading's content as HTML (formulas rendered), for the table of contents */
  html: string;
  id: string;
  /** "2.1" for numbered headings, "" for the title */
  number: string;
}

export interface MarkdownEnv {
  headings: Heading[];
  /** per-level counters of numbered headings (levels 2..6) */
  counters: number[];
  ids: Set<string>;
  /** formulas rendered (a page with none needs no KaTeX style sheet) */
  mathCount: number;
  /** formulas KaTeX could not parse, with their source (shown in red, reported by the exporter) */
  mathErrors: string[];
}

export function newMarkdownEnv(): MarkdownEnv {
  return { headings: [], counters: [0, 0, 0, 0, 0, 0, 0], ids: new Set(), mathCount: 0, mathErrors: [] };
}

function renderMath(tex: string, displayMode: boolean, env: MarkdownEnv): string {
  env.mathCount++;
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: "html", strict: "ignore" });
  } catch (e) {
    env.mathErrors.push(`${tex}: ${(e as Error).message}`);
    return katex.renderToString(tex, { displayMode, throwOnError: false, output: "html", strict: "ignore" });
  }
}

// Inline math: `$…$` (opening `$` followed by non-space, closing `$` preceded by non-space and not followed
// by a digit: pandoc's rule, so "$5 and $10" stays text) and `$$…$$` inside a paragraph.
function mathInline(state: any, silent: boolean): boolean {
  const src: string = state.src;
  const start: number = state.pos;
  if (src[start] !== "$") return false;
  const display = src[start + 1] === "$";
  const open = display ? 2 : 1;
  if (!display && (start + 1 >= src.length || /\s/.test(src[start + 1]))) return false;
  let pos = start + open;
  while (pos < src.length) {
    if (src[pos] === "\\") {
      pos += 2;
      continue;
    }
    if (src[pos] === "$") {
      if (display) {
        if (src[pos + 1] === "$") break;
      } else if (!/\s/.test(src[pos - 1]) && !/[0-9]/.test(src[pos + 1] ?? "")) {
        break;
      }
    }
    pos++;
  }
  if (pos >= src.length) return false;
  const content = src.slice(start + open, pos);
  if (content.trim() === "") return false;
  if (!silent) {
    const token = state.push(display ? "math_display_inline" : "math_inline", "math", 0);
    token.content = content;
  }
  state.pos = pos + open;
  return true;
}

// Block math: a paragraph that starts with `$$` and ends (same or later line) with `$$`.
function mathBlock(state: any, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (state.src.slice(pos, pos + 2) !== "$$") return false;
  pos += 2;
  let firstLine = state.src.slice(pos, max);
  let lastLine = "";
  let next = startLine;
  let found = false;
  if (firstLine.trim().endsWith("$$")) {
    firstLine = firstLine.trim().slice(0, -2);
    found = true;
  }
  while (!found) {
    next++;
    if (next >= endLine) return false;
    pos = state.bMarks[next] + state.tShift[next];
    max = state.eMarks[next];
    const line = state.src.slice(pos, max);
    if (line.trim().endsWith("$$")) {
      lastLine = line.trim().slice(0, -2);
      found = true;
    }
  }
  if (silent) return true;
  state.line = next + 1;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = (firstLine + (next > startLine ? "\n" + state.getLines(startLine + 1, next, state.tShift[startLine], true) + lastLine : "")).trim();
  token.map = [startLine, state.line];
  return true;
}

const CALLOUTS: Record<string, string> = { NOTE: "Note", TIP: "Tip", IMPORTANT: "Important", WARNING: "Warning", CAUTION: "Caution" };

/** Turn `> [!NOTE]` blockquotes into callouts (runs after block parsing, before inline parsing). */
function callouts(state: any): void {
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== "blockquote_open") continue;
    const inline = tokens[i + 2];
    if (tokens[i + 1]?.type !== "paragraph_open" || inline?.type !== "inline") continue;
    const m = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i.exec(inline.content);
    if (!m) continue;
    const kind = m[1].toUpperCase();
    inline.content = inline.content.slice(m[0].length);
    tokens[i].attrSet("class", `callout callout-${kind.toLowerCase()}`);
    const title = new state.Token("html_block", "", 0);
    title.content = `<p class="callout-title">${CALLOUTS[kind]}</p>\n`;
    tokens.splice(i + 1, 0, title);
    if (inline.content.trim() === "") {
      // the marker was the whole first paragraph: drop it
      tokens.splice(i + 2, 3);
    }
  }
}

export function slugify(text: string): string {
  const slug = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "section";
}

/** Number headings (h2 → "1", h3 → "1.1" …; the h1 is the title), give each a unique id, list them. */
function headings(state: any): void {
  const env: MarkdownEnv = state.env;
  if (!env || !env.headings) return;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== "heading_open") continue;
    const level = Number(tokens[i].tag.slice(1));
    const inline = tokens[i + 1];
    // plain text for ids and titles: formulas contribute their TeX source
    const text = (inline.children ?? []).filter((t: any) => ["text", "code_inline", "math_inline"].includes(t.type)).map((t: any) => t.content).join("") || inline.content;
    let number = "";
    if (level >= 2) {
      env.counters[level]++;
      for (let l = level + 1; l < env.counters.length; l++) env.counters[l] = 0;
      number = env.counters.slice(2, level + 1).join(".");
    }
    let id = slugify(text);
    for (let k = 2; env.ids.has(id); k++) id = `${slugify(text)}-${k}`;
    env.ids.add(id);
    tokens[i].attrSet("id", id);
    // rendered once more for the table of contents: a scratch env so formulas are not counted twice
    const html = state.md.renderer.renderInline(inline.children, state.md.options, newMarkdownEnv());
    env.headings.push({ level, text, html, id, number });
    if (number) {
      const num = new state.Token("html_inline", "", 0);
      num.content = `<span class="section-number">${number}</span> `;
      inline.children.unshift(num);
    }
    const anchor = new state.Token("html_inline", "", 0);
    anchor.content = ` <a class="anchor" href="#${id}" aria-label="link to this section">¶</a>`;
    inline.children.push(anchor);
  }
}

let instance: MarkdownIt | null = null;

/** The shared markdown-it instance (html allowed: notebooks are trusted input of their author). */
export function markdown(): MarkdownIt {
  if (instance) return instance;
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("paragraph", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.core.ruler.after("block", "callouts", callouts);
  md.core.ruler.push("headings", headings);
  md.renderer.rules.math_inline = (tokens, idx, _o, env) => renderMath(tokens[idx].content, false, env as MarkdownEnv);
  md.renderer.rules.math_display_inline = (tokens, idx, _o, env) => renderMath(tokens[idx].content, true, env as MarkdownEnv);
  md.renderer.rules.math_block = (tokens, idx, _o, env) => `<div class="math-display">${renderMath(tokens[idx].content, true, env as MarkdownEnv)}</div>\n`;
  instance = md;
  return md;
}

/** Render one Markdown cell (or a text/markdown output) with the notebook's shared env. */
export function renderMarkdown(source: string, env: MarkdownEnv): string {
  return markdown().render(source, env);
}

/** Render LaTeX (a text/latex output): `$$…$$` or `\[…\]` wrappers are removed. */
export function renderLatex(source: string, env: MarkdownEnv): string {
  const tex = source.trim().replace(/^\$\$([\s\S]*)\$\$$/, "$1").replace(/^\$([\s\S]*)\$$/, "$1").replace(/^\\\[([\s\S]*)\\\]$/, "$1");
  return `<div class="math-display">${renderMath(tex, true, env)}</div>`;
}
