/**
 * `show(value)`: the rich display of a value in a notebook cell. Plotly specs draw as figures, danfo
 * DataFrames and arrays of records as tables, tensors as a summary; anything else as text.
 */
import { inspect } from "util";
import { emit, MimeBundle } from "./sink";
import { figureBundle, isFigureSpec } from "./figure";
import { dataFrameBundle, isDataFrameLike, isRecordArray, recordsBundle, isTensorLike, tensorBundle, TableOptions } from "./table";
import { escapeHtml } from "./html";

export interface ShowOptions extends TableOptions {
  /** figure height in pixels */
  height?: number;
}

/** The MIME bundle `show` would display for `value`. */
export function bundleFor(value: unknown, options: ShowOptions = {}): MimeBundle {
  const own = ownBundle(value);
  if (own) return own;
  if (isFigureSpec(value)) return figureBundle(value, options);
  if (isDataFrameLike(value)) return dataFrameBundle(value, options);
  if (isTensorLike(value)) return tensorBundle(value, options);
  if (isRecordArray(value)) return recordsBundle(value, options);
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": inspect(value, { depth: 4, colors: false, maxArrayLength: 50 }) };
}

/** Objects may offer their own bundle through `Symbol.for("Jupyter.display")` (the Deno convention). */
function ownBundle(value: unknown): MimeBundle | null {
  if (value === null || typeof value !== "object") return null;
  const fn = (value as Record<symbol, unknown>)[Symbol.for("Jupyter.display")];
  if (typeof fn !== "function") return null;
  const bundle = fn.call(value);
  return bundle && typeof bundle === "object" ? (bundle as MimeBundle) : null;
}

/** Display `value` richly in the current cell's output. */
export function show(value: unknown, options: ShowOptions = {}): void {
  emit({ data: bundleFor(value, options) });
}

/** Display an HTML fragment (with a plain-text fallback). */
export function html(fragment: string, text?: string): void {
  emit({ data: { "text/html": fragment, "text/plain": text ?? fragment.replace(/<[^>]*>/g, "") } });
}

/** Display Markdown (rendered by the front end). */
export function markdown(md: string): void {
  emit({ data: { "text/markdown": md, "text/plain": md } });
}

/** A small key → value summary as a two-column table, e.g. the backend and timings of a training cell. */
export function summary(title: string, entries: Record<string, unknown>): void {
  const rows = Object.entries(entries)
    .map(([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k)}</th><td style="text-align:left">${escapeHtml(String(v))}</td></tr>`)
    .join("");
  emit({
    data: {
      "text/html": `<table><caption style="text-align:left"><b>${escapeHtml(title)}</b></caption>${rows}</table>`,
      "text/plain": `${title}\n` + Object.entries(entries).map(([k, v]) => `  ${k}: ${v}`).join("\n"),
    },
  });
}
