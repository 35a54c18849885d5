/**
 * Where display messages go. Inside the tslab kernel: its current cell's display_data writer (tslab keeps
 * it in `jupyter.lastWriteDisplayData`, the same function `tslab.display` uses, but that public API sends
 * one MIME type only and we need bundles with a text/plain fallback). A kernel of our own can install
 * its writer under `Symbol.for("transferlab.display")`. Outside a kernel the text/plain part is printed.
 */
export type MimeBundle = Record<string, string>;

export interface DisplayMessage {
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  /** the display id: a later message with the same id and `update` replaces it in place */
  displayId?: string;
  update?: boolean;
}

type Writer = (msg: DisplayMessage) => void;

const CUSTOM_SINK = Symbol.for("transferlab.display");

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
  process.stdout.write((msg.data["text/plain"] ?? "") + "\n");
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
