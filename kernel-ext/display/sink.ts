/**
 * Where display messages go. In the transferlab kernel: the writer it installs under
 * `Symbol.for("transferlab.display")` (one writer per output set: a new one for each execution and
 * after each clear_output). In plain tslab: its current cell's display_data writer (tslab keeps it in
 * `jupyter.lastWriteDisplayData`, the same function `tslab.display` uses, but that public API sends one
 * MIME type only and we need bundles with a text/plain fallback). Outside a kernel the text/plain part
 * is printed.
 */
/** A MIME bundle: text types map to strings, JSON types (application/json, application/*+json) to objects. */
export type MimeBundle = Record<string, string | object>;

export interface DisplayMessage {
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  /** the display id: a later message with the same id and `update` replaces it in place */
  displayId?: string;
  update?: boolean;
}

type Writer = (msg: DisplayMessage) => void;

const CUSTOM_SINK = Symbol.for("transferlab.display");
const CLEAR_OUTPUT = Symbol.for("transferlab.clearOutput");

function tslabWriter(): Writer | null {
  let jupyter: { lastWriteDisplayData: ((data: unknown, update: boolean) => void) | null };
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    jupyter = require("tslab/dist/jupyter");
  } catch {
    return null;
  }
  const write = jupyter.lastWriteDisplayData;
  if (typeof write !== "function") return null;
  return (msg) =>
    write(
      { data: msg.data, metadata: msg.metadata ?? {}, transient: msg.displayId ? { display_id: msg.displayId } : {} },
      Boolean(msg.update),
    );
}

/** True when outputs go to a Jupyter front end (rich display), false in plain Node. */
export function inKernel(): boolean {
  return typeof (globalThis as Record<symbol, unknown>)[CUSTOM_SINK] === "function" || tslabWriter() !== null;
}

/** Send one display message to the front end, or print its text/plain part outside a kernel. */
export function emit(msg: DisplayMessage): void {
  const custom = (globalThis as Record<symbol, unknown>)[CUSTOM_SINK];
  if (typeof custom === "function") {
    (custom as Writer)(msg);
    return;
  }
  const writer = tslabWriter();
  if (writer) {
    writer(msg);
    return;
  }
  const text = msg.data["text/plain"];
  process.stdout.write((typeof text === "string" ? text : "") + "\n");
}

/**
 * Clear the cell's output (Jupyter's clear_output); with `wait`, only when the next output arrives, so
 * that an animation does not flicker. Does nothing outside the transferlab kernel (tslab has no such
 * message).
 */
export function clearOutput(wait = false): void {
  const clear = (globalThis as Record<symbol, unknown>)[CLEAR_OUTPUT];
  if (typeof clear === "function") (clear as (wait: boolean) => void)(wait);
}

/**
 * What identifies the output set display messages go to now (null outside a kernel): the transferlab
 * kernel's writer, or tslab's per-execution writer. Figures note which set carries plotly.js.
 */
export function outputSet(): unknown {
  const custom = (globalThis as Record<symbol, unknown>)[CUSTOM_SINK];
  if (typeof custom === "function") return custom;
  try {
    // only if tslab's kernel module is already loaded: loading it here would cost the whole compiler
    const file = require.resolve("tslab/dist/jupyter");
    const jupyter = require.cache[file]?.exports as { lastWriteDisplayData?: unknown } | undefined;
    return jupyter?.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Install a writer (for our own kernel, or tests); pass null to remove it. */
export function setDisplayWriter(writer: Writer | null): void {
  const g = globalThis as Record<symbol, unknown>;
  if (writer) g[CUSTOM_SINK] = writer;
  else delete g[CUSTOM_SINK];
}

let counter = 0;
/** A display id unique within this process. */
export function newDisplayId(prefix = "tl"): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${counter}`;
}
