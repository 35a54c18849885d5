/**
 * Turning iopub messages into nbformat outputs the way nbclient does: consecutive stream text of one name
 * merges into one output, `clear_output` (optionally deferred with `wait`) empties the cell, and a
 * `display_id` ties outputs together so that `update_display_data` rewrites them in place, in whichever
 * earlier cell they were shown.
 */
import type { DisplayDataOutput, ExecuteResultOutput, Output, StreamOutput } from "../notebook";

type DisplayOutput = DisplayDataOutput | ExecuteResultOutput;

/** What one iopub message did to the recorded outputs (passed to `onOutput`). */
export interface OutputEvent {
  /** stream, display_data, update_display_data, execute_result, error or clear_output */
  msgType: string;
  /** the output added or changed; for streams, the merged output */
  output?: Output;
  /** for streams: only the new text */
  text?: string;
  name?: "stdout" | "stderr";
}

/** display_id → the outputs showing it; lives as long as the kernel, since any later cell may update them. */
export class DisplayRegistry {
  private readonly byId = new Map<string, DisplayOutput[]>();

  add(id: string, output: DisplayOutput): void {
    const list = this.byId.get(id);
    if (list) list.push(output);
    else this.byId.set(id, [output]);
  }

  /** Rewrite every output of `id`; returns the outputs changed (none for an unknown id, as nbclient). */
  update(id: string, data: Record<string, unknown>, metadata: Record<string, unknown>): DisplayOutput[] {
    const list = this.byId.get(id) ?? [];
    for (const out of list) {
      out.data = data;
      out.metadata = metadata;
    }
    return list;
  }

  /** Forget outputs that a clear_output removed. */
  forget(removed: Output[]): void {
    if (removed.length === 0) return;
    const gone = new Set<Output>(removed);
    for (const [id, list] of this.byId) {
      const kept = list.filter((o) => !gone.has(o));
      if (kept.length) this.byId.set(id, kept);
      else this.byId.delete(id);
    }
  }
}

/** The outputs of one execute request. */
export class OutputRecorder {
  readonly outputs: Output[] = [];
  /** true once the kernel itself sent an `error` message */
  sawError = false;
  private clearBeforeNext = false;

  constructor(private readonly displays: DisplayRegistry) {}

  /** Apply one iopub message; returns what changed, or null for messages that are not outputs. */
  handle(msgType: string, content: Record<string, unknown>): OutputEvent | null {
    switch (msgType) {
      case "clear_output":
        if (content.wait) this.clearBeforeNext = true;
        else this.clear();
        return { msgType };
      case "stream":
        return this.stream(content.name === "stderr" ? "stderr" : "stdout", String(content.text ?? ""));
      case "display_data":
      case "execute_result":
      case "update_display_data":
        return this.display(msgType, content);
      case "error": {
        this.sawError = true;
        const output: Output = {
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
        this.append(output);
        return { msgType, output };
      }
      default:
        return null;
    }
  }

  private clear(): void {
    this.displays.forget(this.outputs.splice(0));
    this.clearBeforeNext = false;
  }

  private append(output: Output): void {
    if (this.clearBeforeNext) this.clear();
    this.outputs.push(output);
  }

  private stream(name: "stdout" | "stderr", text: string): OutputEvent {
    if (this.clearBeforeNext) this.clear();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      last.text = (Array.isArray(last.text) ? last.text.join("") : last.text) + text;
      return { msgType: "stream", output: last, text, name };
    }
    const output: StreamOutput = { output_type: "stream", name, text };
    this.outputs.push(output);
    return { msgType: "stream", output, text, name };
  }

  private display(msgType: string, content: Record<string, unknown>): OutputEvent {
    const data = (content.data ?? {}) as Record<string, unknown>;
    const metadata = (content.metadata ?? {}) as Record<string, unknown>;
    const transient = (content.transient ?? {}) as { display_id?: unknown };
    const id = typeof transient.display_id === "string" && transient.display_id ? transient.display_id : undefined;
    // Like Jupyter frontends, showing an id again (display_data or update) refreshes its earlier outputs.
    const changed = id ? this.displays.update(id, data, metadata) : [];
    if (msgType === "update_display_data") return { msgType, output: changed[0] };
    const output: DisplayOutput =
      msgType === "execute_result"
        ? { output_type: "execute_result", execution_count: numberOrNull(content.execution_count), data, metadata }
        : { output_type: "display_data", data, metadata };
    this.append(output);
    if (id) this.displays.add(id, output);
    return { msgType, output };
  }
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" ? v : null;
}
