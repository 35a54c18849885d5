/**
 * What a failed cell reports: Jupyter's `ename`, `evalue` and `traceback`, with positions in the cell's
 * own TypeScript (In[3]:2:7) rather than in the JavaScript that ran, kernel frames left out, and the
 * failing line shown. Tracebacks are plain text: graders and exporters read them as they are.
 */
import { inspect } from "util";
import type { Diagnostic } from "./compiler";

export interface KernelError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/**
 * A position mapper for generated code: file name ("In[3]"), 1-based line and column → the cell's;
 * "wrapper" for the kernel's own lines around a cell (the frame is dropped), null when unknown.
 */
export type PositionMapper = (file: string, line: number, column: number) => { line: number; column: number } | "wrapper" | null;

/** Frames of the kernel's own machinery: noise under the user's code. */
const KERNEL_FRAME = /\((?:node:vm|node:internal[^)]*)|[\\/]kernel-ext[\\/]lib[\\/]kernel[\\/]|[\\/]tslab[\\/]dist[\\/]|^\s+at (?:node:internal|new Promise \(<anonymous>\)$)/;
const CELL_POSITION = /((?:In\[\d+\]|<[\w-]+>)):(\d+):(\d+)/g;

export class InterruptError extends Error {
  constructor(message = "the cell was interrupted") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** The error for a thrown value (an Error or anything else that was thrown). */
export function fromThrown(thrown: unknown, map: PositionMapper, sources: (file: string) => string | undefined): KernelError {
  if ((thrown as NodeJS.ErrnoException | null)?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") thrown = new InterruptError();
  if (!(thrown instanceof Error) && !isErrorLike(thrown)) {
    const text = typeof thrown === "string" ? thrown : inspect(thrown, { colors: false, depth: 2 });
    return { ename: "Error", evalue: text, traceback: [`Uncaught ${inspect(thrown, { colors: false, depth: 2 })}`] };
  }
  const e = thrown as Error;
  const ename = errorName(e);
  const evalue = String(e.message ?? "");
  const traceback: string[] = [];
  const lines = typeof e.stack === "string" ? e.stack.split("\n") : [];
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  const header = firstFrame < 0 ? lines : lines.slice(0, firstFrame);
  if (header.length && header.join("\n").includes(evalue)) {
    // a subclass that kept the name "Error": its stack says "Error: …", we say its class
    if (ename !== e.name && header[0].startsWith(e.name)) header[0] = ename + header[0].slice(e.name.length);
    traceback.push(...header);
  } else {
    traceback.push(`${ename}: ${evalue}`);
  }
  let where: { file: string; line: number } | undefined;
  for (const frame of firstFrame < 0 ? [] : lines.slice(firstFrame)) {
    if (!/^\s+at /.test(frame) || KERNEL_FRAME.test(frame)) continue;
    let wrapper = false;
    const mapped = frame.replace(CELL_POSITION, (all, file: string, l: string, c: string) => {
      const pos = map(file, Number(l), Number(c));
      if (pos === "wrapper") wrapper = true;
      if (!pos || pos === "wrapper") return all;
      where ??= { file, line: pos.line };
      return `${file}:${pos.line}:${pos.column}`;
    });
    // earlier cells' functions are called as methods of the shared exports object (a Proxy)
    if (!wrapper) traceback.push(mapped.replace(/^(\s+at )Proxy\./, "$1"));
  }
  if (where) traceback.push(...excerpt(where.file, where.line, sources(where.file)));
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== e) {
    const inner = fromThrown(cause, map, sources);
    traceback.push("", "Caused by:", ...inner.traceback);
  }
  return { ename, evalue, traceback };
}

/** TypeScript diagnostics of a cell: one error, `TypeScriptError`, with every diagnostic's line:column. */
export function fromDiagnostics(diagnostics: Diagnostic[], cell: string, src: string): KernelError {
  const lines = src.split(/\r?\n/);
  const evalue: string[] = [];
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const line = d.start.line + 1;
    const col = d.start.character + 1;
    const where = d.fileName ? `${d.fileName}:${line}:${col}` : `${line}:${col}`;
    evalue.push(`${where} - ${d.messageText}`);
    traceback.push(`${d.fileName ?? cell}:${line}:${col} - error TS${d.code}: ${d.messageText}`);
    if (!d.fileName && lines[d.start.line] !== undefined) {
      const text = lines[d.start.line];
      const gutter = String(line).length;
      const width = d.end.line === d.start.line ? Math.max(1, d.end.character - d.start.character) : Math.max(1, text.length - d.start.character);
      traceback.push(`  ${line} | ${text}`, `  ${" ".repeat(gutter)} | ${" ".repeat(d.start.character)}${"^".repeat(width)}`);
    }
  }
  return { ename: "TypeScriptError", evalue: evalue.join("\n"), traceback };
}

/** The failing line of a cell with one line of context before it. */
function excerpt(file: string, line: number, src: string | undefined): string[] {
  if (src === undefined) return [];
  const lines = src.split(/\r?\n/);
  if (line < 1 || line > lines.length) return [];
  const from = Math.max(1, line - 1);
  const width = String(line).length;
  const out = ["", `${file}, line ${line}:`];
  for (let n = from; n <= line; n++) out.push(`${n === line ? "-->" : "   "} ${String(n).padStart(width)} | ${lines[n - 1]}`);
  return out;
}

function isErrorLike(v: unknown): boolean {
  return v !== null && typeof v === "object" && typeof (v as Error).message === "string" && typeof (v as Error).stack === "string";
}

/** The name to report: a subclass that did not set `name` still reports its class. */
function errorName(e: Error): string {
  const name = typeof e.name === "string" && e.name ? e.name : "Error";
  const ctor = (e as { constructor?: { name?: string } }).constructor?.name;
  if (name === "Error" && ctor && ctor !== "Error" && ctor !== "Object") return ctor;
  return name;
}
