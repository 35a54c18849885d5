/**
 * nbformat 4 notebooks: types, reading with errors that name the file, atomic writing in Jupyter's own
 * layout (sorted keys, 1-space indent, multi-line strings split into lists) so that a notebook we write
 * diffs cleanly against one Jupyter wrote.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** nbformat stores long text either as one string or as a list of lines (each keeping its "\n"). */
export type MultilineString = string | string[];
export type MimeBundle = Record<string, unknown>;
export type JSONObject = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: JSONObject;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: JSONObject;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Timestamps nbclient records per executed cell (ISO strings, kernel clock where the kernel sent one). */
export interface ExecutionTimestamps {
  "iopub.status.busy"?: string;
  "iopub.execute_input"?: string;
  "shell.execute_reply"?: string;
  "iopub.status.idle"?: string;
}
export interface CellMetadata extends JSONObject {
  execution?: ExecutionTimestamps;
}

interface CellBase {
  id: string;
  source: MultilineString;
  metadata: CellMetadata;
}
export interface CodeCell extends CellBase {
  cell_type: "code";
  outputs: Output[];
  execution_count: number | null;
}
export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  attachments?: JSONObject;
}
export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: JSONObject;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

/** What `tlab run` records about one execution, in notebook metadata under "transferlab". */
export interface RunRecord {
  kernel: string;
  backend?: string;
  date: string;
  seconds: number;
  status: "ok" | "failed";
  cells: { index: number; status: string; seconds: number }[];
}
export interface NotebookMetadata extends JSONObject {
  kernelspec?: { name: string; display_name: string; language?: string };
  language_info?: JSONObject & { name: string };
  transferlab?: RunRecord;
}
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

/** The minor version we write: 4.5 introduced cell ids. */
export const NBFORMAT_MINOR = 5;
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** A fresh cell id in Jupyter's style (8 hex digits, as `uuid4().hex[:8]`). */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** A cell's source (or any multiline string) as one string. */
export function joinText(text: MultilineString | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

/** Read and validate a notebook; upgrades 4.0–4.4 to 4.5 in memory (adds cell ids). */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`notebook not found: ${file}`);
    if (code === "EISDIR") throw new Error(`${file} is a directory, not a notebook (.ipynb file)`);
    throw new Error(`cannot read notebook ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON${jsonErrorPlace(text, (e as Error).message)}: ${(e as Error).message}`);
  }
  return parseNotebook(raw, file);
}

/** Validate an already-parsed notebook object; `file` only names it in errors. */
export function parseNotebook(raw: unknown, file = "notebook"): Notebook {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`${file} is not a Jupyter notebook: the top level is not a JSON object`);
  }
  const nb = raw as Record<string, unknown>;
  if (typeof nb.nbformat !== "number") {
    throw new Error(`${file} is not a Jupyter notebook: it has no "nbformat" version number`);
  }
  if (nb.nbformat < 4) {
    throw new Error(
      `${file} is nbformat ${nb.nbformat}; only nbformat 4 is supported ` +
        `(convert it with "jupyter nbconvert --to notebook --nbformat 4 ${file}")`,
    );
  }
  if (nb.nbformat > 4) throw new Error(`${file} is nbformat ${nb.nbformat}; only nbformat 4 is supported`);
  if (!Array.isArray(nb.cells)) throw new Error(`${file} is not a Jupyter notebook: it has no "cells" list`);
  nb.cells.forEach((cell, i) => {
    const c = cell as Record<string, unknown> | null;
    if (typeof c !== "object" || c === null || !["code", "markdown", "raw"].includes(c.cell_type as string)) {
      throw new Error(`${file}: cell ${i + 1} has no valid "cell_type" (code, markdown or raw)`);
    }
  });
  return normalise(nb as unknown as Notebook);
}

/**
 * Bring a notebook to nbformat 4.5: every cell has a unique valid id, metadata objects exist, and code
 * cells have `outputs` and `execution_count`. Mutates and returns `nb`.
 */
export function normalise(nb: Notebook): Notebook {
  nb.metadata ??= {};
  if (!(nb.nbformat_minor >= NBFORMAT_MINOR)) nb.nbformat_minor = NBFORMAT_MINOR;
  const seen = new Set<string>();
  for (const cell of nb.cells) {
    cell.metadata ??= {};
    cell.source ??= "";
    if (typeof cell.id !== "string" || !CELL_ID.test(cell.id) || seen.has(cell.id)) {
      do cell.id = newCellId();
      while (seen.has(cell.id));
    }
    seen.add(cell.id);
    if (cell.cell_type === "code") {
      cell.outputs ??= [];
      if (cell.execution_count === undefined) cell.execution_count = null;
    }
  }
  return nb;
}

/**
 * Remove outputs, execution counts and run records, as notebooks are committed. Mutates and returns `nb`.
 * Also drops the per-cell fields nbconvert's ClearOutputPreprocessor drops (execution timing, collapsed,
 * scrolled) and our own `metadata.transferlab`, which describes one run only.
 */
export function clearOutputs(nb: Notebook): Notebook {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
    for (const key of ["execution", "collapsed", "scrolled"]) delete cell.metadata[key];
  }
  delete nb.metadata.transferlab;
  return nb;
}

/** The notebook as Jupyter serialises it: sorted keys, indent 1, split lines, trailing newline. */
export function notebookToJSON(nb: Notebook): string {
  return JSON.stringify(sortKeys(splitLines(nb)), null, 1) + "\n";
}

/**
 * Write a notebook so that readers never see a half-written file: temp file in the same directory,
 * fsync, rename over the target (atomic on POSIX), then fsync the directory so the rename survives a crash.
 */
export function writeNotebookAtomic(file: string, nb: Notebook): void {
  writeFileAtomic(file, notebookToJSON(nb));
}

/** Atomic write of any text file (same steps as writeNotebookAtomic). */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = fs.openSync(tmp, "wx", 0o644);
  try {
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  }
  syncDirectory(dir);
}

function syncDirectory(dir: string): void {
  if (process.platform === "win32") return; // directories cannot be opened for fsync there
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // best effort: some file systems refuse fsync on directories
  }
}

/** " at line L, column C" of a JSON syntax error (V8's messages give a position only for some errors). */
function jsonErrorPlace(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : jsonErrorOffset(text);
  if (pos === undefined) return "";
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return ` at line ${line}, column ${column}`;
}

/** Offset of the first JSON syntax error in `text` (a small recursive-descent scan), or undefined. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "")) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === "{") {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ":") fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === "t") return void literal("true");
    if (c === "f") return void literal("false");
    if (c === "n") return void literal("null");
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!num) fail();
    i += num![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at === "number") return at;
    throw at;
  }
}

/** Python's str.splitlines(True) for the line endings notebooks contain. */
function toLines(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

const SPLIT_MIMES = new Set(["application/javascript", "image/svg+xml"]);

/** nbformat's split_lines: a deep copy with source, stream text and text MIME data as line lists. */
function splitLines(nb: Notebook): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  for (const cell of copy.cells) {
    if (typeof cell.source === "string") cell.source = toLines(cell.source);
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (out.output_type === "stream") {
        if (typeof out.text === "string") out.text = toLines(out.text);
      } else if (out.output_type === "display_data" || out.output_type === "execute_result") {
        for (const [mime, value] of Object.entries(out.data ?? {})) {
          if (typeof value === "string" && (mime.startsWith("text/") || SPLIT_MIMES.has(mime))) {
            out.data[mime] = toLines(value);
          }
        }
      }
    }
  }
  return copy;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
