/**
 * Kernels started ahead: while the workers run their submissions, the pool starts the next sandboxed
 * kernels, each in a fresh sandbox of its own (empty working folder, own user, own namespaces), so that a
 * worker that picks the next submission finds its kernel ready. A kernel serves exactly one submission and
 * is never reused; the pool starts no more kernels than the submissions left to run.
 */
import { KernelClient } from "../run/client";
import type { Limits } from "./limits";
import { createSandbox, type Sandbox, type SandboxOptions } from "./sandbox";

export interface PooledKernel {
  sandbox: Sandbox;
  /** started and answering, or a start failure (the submission is then recorded as crashed) */
  client: KernelClient;
  error?: Error;
}

export interface KernelPoolOptions {
  sandbox: Omit<SandboxOptions, "ahead">;
  /** kernels kept starting or ready ahead of the workers */
  ahead: number;
  /** at most this many kernels in all (the submissions that need one) */
  total: number;
  startTimeoutMs?: number;
}

export class KernelPool {
  private readonly ready: Promise<PooledKernel>[] = [];
  private started = 0;
  private closed = false;
  /** the limits the pool's kernels run under (the same for each: recorded once per run) */
  limits: Limits | undefined;

  constructor(private readonly options: KernelPoolOptions) {
    this.fill();
  }

  /**
   * The next kernel (its wall clock starts now), and another one starts in its place. Past `total`, a
   * kernel is started on demand (nothing more is started ahead).
   */
  async take(): Promise<PooledKernel> {
    if (this.closed) throw new Error("the kernel pool is closed");
    let next = this.ready.shift();
    if (!next) {
      this.started++;
      next = this.start();
    }
    this.fill();
    const kernel = await next;
    if (!kernel.error && kernel.client.pid !== undefined) {
      try {
        process.kill(kernel.client.pid, "SIGUSR1"); // the launcher: start the notebook's wall clock
      } catch {
        // gone: runNotebook reports the dead kernel
      }
    }
    return kernel;
  }

  /** Shut down the kernels nobody took and remove their sandboxes. */
  async close(): Promise<void> {
    this.closed = true;
    const left = this.ready.splice(0);
    await Promise.all(
      left.map(async (p) => {
        const k = await p;
        await k.client.shutdown();
        k.sandbox.dispose();
      }),
    );
  }

  private fill(): void {
    while (!this.closed && this.started < this.options.total && this.ready.length < this.options.ahead) {
      this.started++;
      this.ready.push(this.start());
    }
  }

  private async start(): Promise<PooledKernel> {
    const sandbox = createSandbox({ ...this.options.sandbox, ahead: true });
    this.limits ??= sandbox.limits;
    const client = new KernelClient();
    try {
      await client.start(sandbox.kernelCommand, sandbox.workDir, {}, {
        startTimeoutMs: this.options.startTimeoutMs ?? 60_000,
        transport: sandbox.transport,
        ipcDir: sandbox.ipcDir,
      });
      return { sandbox, client };
    } catch (e) {
      return { sandbox, client, error: e as Error };
    }
  }
}
