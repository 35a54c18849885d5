/**
 * The control and heartbeat channels, on a worker thread: a cell that loops forever blocks the main
 * thread, and Jupyter must still be able to interrupt it (interrupt_request → SIGINT to ourselves, which
 * stops the cell's synchronous code), shut the kernel down, and see it alive on the heartbeat.
 *
 * Worker → main: {type: "bound"}, {type: "failed", message}, {type: "shutdown", restart, parent},
 * {type: "interrupt"} (where there are no signals). Main → worker: {type: "exiting"} (shutdown began: the
 * failsafe waits longer), {type: "stop"}, answered by setting `stopped[0]` to 1 once the sockets are closed
 * (the main thread may be blocked waiting for it: a process that exits while a worker holds zeromq sockets
 * aborts in zeromq's cleanup).
 */
import { installModuleCodeCache } from "./v8cache";
// a worker is an isolate of its own: zeromq and the protocol modules compile from the caches the main thread uses
installModuleCodeCache();
import { parentPort, workerData } from "worker_threads";
import type { ConnectionInfo } from "../run/connection";
import { bindControl, type ControlChannel } from "./controlchannel";

export interface ControlData {
  connection: ConnectionInfo;
  session: string;
  kernelInfo: Record<string, unknown>;
  /** an Int32Array(1) over shared memory: 1 once the worker closed its sockets */
  stopped: SharedArrayBuffer;
}

/**
 * How long the main thread has to shut down (a cell may block it) before the worker kills the process. 1 s was
 * too short on a loaded 2-core machine: an interrupted busy cell then exited by SIGKILL instead of code 0.
 */
const SHUTDOWN_GRACE_MS = 3000;

/**
 * Once the main thread has answered (it is shutting down, so no cell holds it), its own way out (closing the
 * compiler and sockets) may take longer than the grace on a loaded machine: it then gets this long. Seen:
 * an idle kernel killed by SIGKILL after 3 s at load average 12.
 */
const EXITING_GRACE_MS = 20_000;

/** The worker's side: the channel, with the failsafes a blocked main thread needs. */
async function main(data: ControlData): Promise<void> {
  let channel: ControlChannel;
  try {
    channel = await bindControl(data.connection, data.session, data.kernelInfo);
  } catch (e) {
    parentPort!.postMessage({ type: "failed", message: (e as Error).message });
    return;
  }
  const stopped = new Int32Array(data.stopped);
  let failsafe: NodeJS.Timeout | undefined;
  parentPort!.on("message", (m: { type: string }) => {
    if (m.type === "exiting") {
      if (failsafe) {
        clearTimeout(failsafe);
        failsafe = setTimeout(() => process.kill(process.pid, "SIGKILL"), EXITING_GRACE_MS);
      }
      return;
    }
    if (m.type !== "stop") return;
    clearTimeout(failsafe); // the main thread is on its way out
    channel.close();
    Atomics.store(stopped, 0, 1);
    Atomics.notify(stopped, 0);
    parentPort!.close();
  });
  parentPort!.postMessage({ type: "bound" });
  await channel.serve({
    interrupt,
    shutdown(restart, parent) {
      parentPort!.postMessage({ type: "shutdown", restart, parent });
      interrupt(); // a cell looping forever would keep the main thread from shutting down
      failsafe = setTimeout(() => process.kill(process.pid, "SIGKILL"), SHUTDOWN_GRACE_MS);
    },
  });
}

function interrupt(): void {
  if (process.platform === "win32") parentPort!.postMessage({ type: "interrupt" });
  else process.kill(process.pid, "SIGINT");
}

if (parentPort) void main(workerData as ControlData);
