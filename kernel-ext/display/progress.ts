/**
 * `progress(total)`: a live progress bar, updated in place through one display id (update_display_data),
 * throttled to at most 10 updates a second so a fast loop does not flood the front end.
 */
import { emit, inKernel, newDisplayId } from "./sink";
import { escapeHtml } from "./html";

export interface ProgressOptions {
  label?: string;
  /** minimum milliseconds between two updates sent to the front end (default 100 ms: ≤ 10 updates/s) */
  intervalMs?: number;
  /** unit of one step, shown in the rate (default "it") */
  unit?: string;
}

export type ProgressInfo = Record<string, number | string>;

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function formatInfo(info: ProgressInfo): string {
  return Object.entries(info)
    .map(([k, v]) => `${k} ${typeof v === "number" ? (Number.isInteger(v) ? v : v.toPrecision(4)) : v}`)
    .join(" · ");
}

export class Progress {
  readonly total: number;
  readonly label: string;
  private readonly id = newDisplayId("tl-progress");
  private readonly intervalMs: number;
  private readonly unit: string;
  private readonly start = Date.now();
  private current = 0;
  private info: ProgressInfo = {};
  private lastSent = -Infinity;
  private sentOnce = false;
  private finished = false;
  private sentFinal = false;
  /** how many display messages were sent (for tests of the throttle) */
  updatesSent = 0;

  constructor(total: number, options: ProgressOptions = {}) {
    if (!Number.isFinite(total) || total <= 0) throw new Error(`progress(total): total must be a positive number, got ${total}`);
    this.total = total;
    this.label = options.label ?? "";
    this.intervalMs = options.intervalMs ?? 100;
    this.unit = options.unit ?? "it";
    this.send(true);
  }

  /** Advance by `steps` (default 1), with optional figures to show (loss, accuracy …). */
  tick(steps = 1, info?: ProgressInfo): void {
    this.update(this.current + steps, info);
  }

  /** Set the absolute position. */
  update(done: number, info?: ProgressInfo): void {
    if (this.finished) return;
    this.current = Math.min(done, this.total);
    if (info) this.info = { ...this.info, ...info };
    this.send(this.current >= this.total);
  }

  /** Mark finished (always sends the final state). */
  done(info?: ProgressInfo): void {
    if (this.finished) return;
    if (info) this.info = { ...this.info, ...info };
    this.current = Math.max(this.current, this.total);
    // the last tick may already have sent the final state: do not send it twice
    if (!this.sentFinal || info) this.send(true);
    this.finished = true;
  }

  /** The line shown in text form, e.g. "epochs 3/10 [4.1s<9.6s, 0.73 it/s] loss 0.41". */
  text(): string {
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = elapsed > 0 ? this.current / elapsed : 0;
    const eta = this.current > 0 ? (elapsed / this.current) * (this.total - this.current) : NaN;
    const pct = Math.round((100 * this.current) / this.total);
    const info = formatInfo(this.info);
    return `${this.label ? this.label + " " : ""}${pct}% ${this.current}/${this.total} ` +
      `[${formatDuration(elapsed)}<${formatDuration(eta)}, ${rate.toPrecision(3)} ${this.unit}/s]` + (info ? ` ${info}` : "");
  }

  private send(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.sentFinal = this.current >= this.total;
    const text = this.text();
    const pct = (100 * this.current) / this.total;
    const html =
      `<div class="transferlab-progress" style="font-family:monospace;font-size:13px">` +
      `<progress value="${this.current}" max="${this.total}" style="width:240px;vertical-align:middle"></progress> ` +
      `<span>${escapeHtml(text)}</span>` +
      `<span style="display:none">${pct.toFixed(1)}</span></div>`;
    if (!inKernel()) {
      // plain Node (scripts, CI): one line per update on stderr would be noisy; print the final state only
      if (force && this.current >= this.total) process.stderr.write(text + "\n");
      this.updatesSent++;
      return;
    }
    emit({ data: { "text/html": html, "text/plain": text }, displayId: this.id, update: this.sentOnce });
    this.sentOnce = true;
    this.updatesSent++;
  }
}

/** A live progress bar for `total` steps. */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  return new Progress(total, options);
}
