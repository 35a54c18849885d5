/**
 * Tables as HTML: danfo DataFrames, arrays of records, and tensor summaries. Big tables show their head
 * and tail (like pandas) so an 1123×801 domain does not flood the notebook.
 */
import { escapeHtml } from "./html";
import { MimeBundle } from "./sink";

export interface TableOptions {
  /** rows shown at the top / bottom when the table is longer than head + tail */
  head?: number;
  tail?: number;
  /** columns shown at the left / right when wider than that */
  maxColumns?: number;
  /** digits after the decimal point for non-integers */
  digits?: number;
  caption?: string;
}

type Cell = unknown;

function formatCell(v: Cell, digits: number): string {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
    // a value that already has few decimals (e.g. rounded by the caller) is shown as it is, not padded
    const plain = String(v);
    const decimals = plain.includes(".") ? plain.length - plain.indexOf(".") - 1 : 0;
    return decimals <= digits ? plain : v.toFixed(digits);
  }
  if (v === null || v === undefined) return "";
  return String(v);
}

/** Indices shown out of n, with -1 standing for the "…" gap. */
function window(n: number, head: number, tail: number): number[] {
  if (n <= head + tail) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: head }, (_, i) => i), -1, ...Array.from({ length: tail }, (_, i) => n - tail + i)];
}

/** A table bundle from column names and row-major values. */
export function tableBundle(columns: string[], rows: Cell[][], options: TableOptions = {}, index?: (string | number)[]): MimeBundle {
  const digits = options.digits ?? 4;
  const rowIdx = window(rows.length, options.head ?? 10, options.tail ?? 5);
  const maxCols = options.maxColumns ?? 20;
  const colIdx = window(columns.length, Math.ceil(maxCols * 0.75), Math.floor(maxCols * 0.25));
  const label = (i: number) => (index ? String(index[i]) : String(i));
  const th = colIdx.map((j) => `<th>${j < 0 ? "…" : escapeHtml(columns[j])}</th>`).join("");
  const body = rowIdx
    .map((i) => {
      if (i < 0) return `<tr><th>…</th>${colIdx.map(() => "<td>…</td>").join("")}</tr>`;
      const tds = colIdx.map((j) => `<td>${j < 0 ? "…" : escapeHtml(formatCell(rows[i][j], digits))}</td>`).join("");
      return `<tr><th>${escapeHtml(label(i))}</th>${tds}</tr>`;
    })
    .join("\n");
  const shape = `${rows.length} rows × ${columns.length} columns`;
  const html =
    `<div class="transferlab-table" style="overflow-x:auto">` +
    `<table class="dataframe" border="1">` +
    (options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "") +
    `<thead><tr><th></th>${th}</tr></thead><tbody>\n${body}\n</tbody></table>` +
    `<p style="font-size:smaller;color:#666">${shape}</p></div>`;
  // text/plain: aligned columns, same window
  const textRows = [["", ...colIdx.map((j) => (j < 0 ? "…" : columns[j]))]];
  for (const i of rowIdx) {
    textRows.push(i < 0 ? ["…", ...colIdx.map(() => "…")] : [label(i), ...colIdx.map((j) => (j < 0 ? "…" : formatCell(rows[i][j], digits)))]);
  }
  const widths = textRows[0].map((_, c) => Math.max(...textRows.map((r) => r[c].length)));
  const text = textRows.map((r) => r.map((s, c) => s.padStart(widths[c])).join("  ")).join("\n") + `\n[${shape}]`;
  return { "text/html": html, "text/plain": text };
}

/** Duck-typed danfo DataFrame (avoids loading danfo just to check a type). */
export interface DataFrameLike {
  columns: string[];
  values: Cell[][];
  index: (string | number)[];
  shape: number[];
}

export function isDataFrameLike(v: unknown): v is DataFrameLike {
  if (v === null || typeof v !== "object") return false;
  const d = v as Record<string, unknown>;
  return Array.isArray(d.columns) && Array.isArray(d.values) && Array.isArray(d.shape) && d.shape.length === 2 && "index" in d;
}

export function dataFrameBundle(df: DataFrameLike, options: TableOptions = {}): MimeBundle {
  return tableBundle(df.columns.map(String), df.values, options, df.index);
}

/** An array of plain objects: the union of their keys becomes the columns. */
export function isRecordArray(v: unknown): v is Record<string, Cell>[] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => r !== null && typeof r === "object" && !Array.isArray(r) && Object.getPrototypeOf(r) === Object.prototype);
}

export function recordsBundle(records: Record<string, Cell>[], options: TableOptions = {}): MimeBundle {
  const columns: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return tableBundle(columns, records.map((r) => columns.map((c) => r[c])), { head: 50, tail: 10, ...options });
}

/** Duck-typed tf.Tensor. */
export interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
  isDisposed?: boolean;
}

export function isTensorLike(v: unknown): v is TensorLike {
  if (v === null || typeof v !== "object") return false;
  const t = v as Record<string, unknown>;
  return Array.isArray(t.shape) && typeof t.dtype === "string" && typeof t.dataSync === "function";
}

/** A tensor's shape, dtype and statistics, plus its first values as a table (2-D) or list. */
export function tensorBundle(t: TensorLike, options: TableOptions = {}): MimeBundle {
  if (t.isDisposed) return { "text/plain": `<disposed tensor ${t.dtype}[${t.shape.join("×")}]>` };
  const data = t.dataSync();
  let min = Infinity, max = -Infinity, sum = 0, nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) { nonFinite++; continue; }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const n = data.length - nonFinite;
  const stats = `Tensor ${t.dtype} [${t.shape.join(" × ") || "scalar"}]  min ${formatCell(min, 4)}  max ${formatCell(max, 4)}  mean ${formatCell(n ? sum / n : NaN, 4)}` +
    (nonFinite ? `  (${nonFinite} non-finite)` : "");
  if (t.shape.length === 2) {
    const [r, c] = t.shape;
    const shown = Math.min(r, 15);
    const rows: number[][] = [];
    const ri = window(r, 10, 5).filter((i) => i >= 0);
    for (const i of ri) rows.push(Array.from({ length: c }, (_, j) => data[i * c + j]));
    const table = tableBundle(Array.from({ length: c }, (_, j) => String(j)), rows, { ...options, head: shown, tail: 0 }, ri);
    return {
      "text/html": `<div><code>${escapeHtml(stats)}</code>${table["text/html"]}</div>`,
      "text/plain": stats,
    };
  }
  const preview = Array.from({ length: Math.min(20, data.length) }, (_, i) => formatCell(data[i], 4)).join(", ") + (data.length > 20 ? ", …" : "");
  return {
    "text/html": `<div><code>${escapeHtml(stats)}</code><pre>[${escapeHtml(preview)}]</pre></div>`,
    "text/plain": `${stats}\n[${preview}]`,
  };
}
