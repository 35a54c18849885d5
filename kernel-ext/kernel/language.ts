/**
 * The editor-facing requests: is_complete, complete, inspect, and the `name?` pager syntax.
 * Jupyter counts cursor positions in Unicode code points, JavaScript strings in UTF-16 units: positions
 * are converted both ways.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { printQuickInfo } from "tslab/dist/inspect";
import type { Compiler } from "./compiler";
import type { Executor } from "./executor";

export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

/**
 * complete: it parses; incomplete: it stops where more is expected ("'}' expected." at the end, an open
 * template or comment); invalid: any other syntax error. As in tslab, code ending in a blank line is
 * submitted as it is (complete, or invalid if it does not parse).
 */
export function isComplete(compiler: Compiler, code: string): Completeness {
  const ts = compiler.ts;
  if (code.trim() === "") return { status: "complete" };
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diagnostics.length === 0) return { status: "complete" };
  const forced = /(^|\n)\s*\n\s*$/.test(code);
  const tslab = compiler.isCompleteCode(code);
  const atEnd = diagnostics.every((d) => d.start >= code.trimEnd().length || isUnterminatedMultiline(ts, d));
  if (!forced && atEnd && (!tslab.completed || diagnostics.some((d) => isUnterminatedMultiline(ts, d)))) {
    return { status: "incomplete", indent: tslab.indent ?? "" };
  }
  return { status: "invalid" };
}

/** An open template literal or block comment: more lines would complete it. */
function isUnterminatedMultiline(ts: typeof TS, d: TS.Diagnostic): boolean {
  const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
  return text === "Unterminated template literal." || text === "'*/' expected.";
}

export interface CompleteReply {
  status: "ok";
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export function complete(executor: Executor, code: string, cursorPos: number): CompleteReply {
  const offset = toUtf16(code, cursorPos);
  const info = executor.complete(code, offset);
  const kinds = new Map<string, string>();
  for (const e of info.original?.entries ?? []) kinds.set(e.name, e.kind);
  const start = toCodePoints(code, info.start);
  const end = toCodePoints(code, info.end);
  return {
    status: "ok",
    matches: info.candidates,
    cursor_start: start,
    cursor_end: end,
    // JupyterLab shows the kind of each match (function, property, …)
    metadata: { _jupyter_types_experimental: info.candidates.map((text) => ({ start, end, text, type: kinds.get(text) ?? "" })) },
  };
}

export interface InspectReply {
  status: "ok";
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Type and documentation of the name at the cursor (or just before it: the cursor usually ends a name). */
export function inspect(executor: Executor, code: string, cursorPos: number): InspectReply {
  const offset = toUtf16(code, cursorPos);
  let info: TS.QuickInfo | undefined;
  for (const at of offset > 0 ? [offset, offset - 1] : [offset]) {
    info = executor.inspect(code, at);
    if (info?.kind) break;
  }
  // an unknown name gets QuickInfo of kind "" ("any"): not found
  if (!info || !info.kind) return { status: "ok", found: false, data: {}, metadata: {} };
  const text = printQuickInfo(info);
  const [signature, ...docs] = text.split("\n");
  const markdown = "```typescript\n" + signature + "\n```" + (docs.length ? "\n" + docs.join("\n") : "");
  return { status: "ok", found: true, data: { "text/plain": text, "text/markdown": markdown }, metadata: {} };
}

/** `name?` or `?name` (IPython's help syntax, not valid TypeScript): the name to show in the pager. */
export function pagerRequest(code: string): string | null {
  const m = /^\s*(?:\?{1,2}\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\?{1,2})\s*$/.exec(code);
  return m ? (m[1] ?? m[2]) : null;
}

/** Code point offset → UTF-16 offset. */
export function toUtf16(text: string, codePoints: number): number {
  let units = 0;
  for (let cp = 0; cp < codePoints && units < text.length; cp++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return units;
}

/** UTF-16 offset → code point offset. */
export function toCodePoints(text: string, units: number): number {
  return [...text.slice(0, Math.max(0, units))].length;
}
