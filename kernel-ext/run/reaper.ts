/**
 * Kernels run in their own process group (so that an interrupt or kill reaches everything they started,
 * and a Ctrl-C meant for `tlab` does not hit them twice). The price: they would outlive us. This module
 * kills the live ones when our process exits or is stopped by a signal.
 */
import type { ChildProcess } from "child_process";

const live = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;

/** Send `signal` to the kernel's whole process group (the process alone on Windows). */
export function signalKernel(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    if (process.platform === "win32") child.kill(signal);
    else process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!installed) {
    installed = true;
    process.on("exit", killAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
}

export function untrack(child: ChildProcess): void {
  live.delete(child);
}

/** Kill every kernel this process started and has not shut down (synchronous, for exit handlers). */
export function killAll(): void {
  for (const child of live) signalKernel(child, "SIGKILL");
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another handler (the CLI's) decides what the signal means, e.g. interrupt the cell first.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  // Our listener suppressed Node's default action: remove it and die by the signal as usual.
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener("exit", killAll);
  installed = false;
  process.kill(process.pid, signal);
}
