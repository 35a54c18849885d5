/**
 * tslab sends no `error` message: a failed cell only prints to stderr and replies status "error". These
 * helpers rebuild the nbformat `error` output Jupyter would have recorded, from that stderr text.
 *
 * Choice: the error output *replaces* the cell's stderr streams. Its traceback carries the whole stderr
 * text (minus tslab's own stack frames), so nothing is lost, the notebook does not show the message twice,
 * and exporters and graders find `output_type: "error"` where they look for it in any Jupyter notebook.
 */
import type { ErrorOutput, Output } from "../notebook";
import { joinText } from "../notebook";

/** A JavaScript error's first line as util.inspect prints it: "TypeError: msg", "Error [CODE]: msg". */
const JS_ERROR = /^((?:[A-Za-z_$][\w$]*)?(?:Error|Exception|Rejection))(?: \[[^\]]*\])?: ?(.*)$/;
/** A TypeScript diagnostic as tslab prints it: "[file ]line:col - message". */
const TS_DIAGNOSTIC = /^(?:\S+ )?\d+:\d+ - .+$/;
/** Stack frames of the kernel itself, below the user's code: noise in a notebook. */
const KERNEL_FRAME = /^\s+at .*(?:node:vm|node:internal|[\\/]tslab[\\/]dist[\\/]|sigintHandlersWrap)/;

/** ename and evalue from a failed cell's stderr. */
export function parseKernelError(stderr: string): { ename: string; evalue: string } {
  const lines = stderr.split(/\r?\n/);
  const diagnostics = lines.filter((l) => TS_DIAGNOSTIC.test(l));
  // The error that failed the cell is printed last; an earlier "X: y" line may be the user's own logging.
  let fallback: { ename: string; evalue: string } | undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = JS_ERROR.exec(lines[i]);
    if (!m) continue;
    const found = { ename: m[1], evalue: m[2] };
    if (/^\s+at /.test(lines[i + 1] ?? "")) return found; // followed by a stack: surely the thrown error
    fallback ??= found;
  }
  if (fallback) return fallback;
  if (diagnostics.length) return { ename: "TSError", evalue: diagnostics.join("\n") };
  const last = lines.filter((l) => l.trim() && !/^\s+at /.test(l)).pop();
  return { ename: "Error", evalue: last?.trim() ?? "the kernel reported an error without a message" };
}

/** The traceback lines for a stderr text: its lines without trailing blank ones and without kernel frames. */
export function tracebackLines(stderr: string): string[] {
  const kept: string[] = [];
  for (const line of stderr.replace(/\s+$/, "").split(/\r?\n/)) {
    if (!line) continue;
    if (!KERNEL_FRAME.test(line)) kept.push(line);
    // util.inspect opens the error's own properties at the end of its last frame: keep the brace
    else if (line.endsWith(" {") && kept.length) kept[kept.length - 1] += " {";
  }
  return kept;
}

/** Concatenated text of the stderr streams in `outputs`. */
export function stderrText(outputs: Output[]): string {
  return outputs
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .map((o) => joinText((o as { text: string | string[] }).text))
    .join("");
}

/**
 * Replace the stderr streams of a failed cell by one `error` output at the end (see the module comment).
 * `override` sets ename/evalue (a timeout) and adds its own first traceback line. Mutates `outputs`.
 */
export function replaceStderrWithError(
  outputs: Output[],
  override?: { ename: string; evalue: string },
): ErrorOutput {
  const stderr = stderrText(outputs);
  const parsed = override ?? parseKernelError(stderr);
  const traceback = tracebackLines(stderr);
  if (override) traceback.unshift(`${override.ename}: ${override.evalue}`);
  const error: ErrorOutput = { output_type: "error", ename: parsed.ename, evalue: parsed.evalue, traceback };
  for (let i = outputs.length - 1; i >= 0; i--) {
    const o = outputs[i];
    if (o.output_type === "stream" && o.name === "stderr") outputs.splice(i, 1);
  }
  outputs.push(error);
  return error;
}
