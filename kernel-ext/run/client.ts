/**
 * A Jupyter kernel client over ZeroMQ (messaging protocol 5.3): it starts the kernel process, talks to it
 * on the shell, iopub, control, stdin and heartbeat channels, and records what each execution printed as
 * nbformat outputs.
 *
 * Its default kernel is ours (kernel-ext/kernel). It still copes with plain tslab 1.0.22's defects, for
 * comparisons: errors that arrive only as stderr text (we synthesise the `error` output), and the 200 ms
 * after an error in which tslab answers every request with status "abort" (we wait and re-send the cell).
 */
import { spawn, type ChildProcess } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as zmq from "zeromq";
import type { ErrorOutput, ExecutionTimestamps, Output } from "../notebook";
import { kernelArgv } from "../kernel/argv";
import { channelAddress, createConnectionFile, pingHeartbeat, type ConnectionInfo } from "./connection";
import { replaceStderrWithError, stderrText } from "./errors";
import { decode, encode, newMessage, type Message } from "./message";
import { DisplayRegistry, OutputRecorder, type OutputEvent } from "./outputs";
import { signalKernel, track, untrack } from "./reaper";

export type ExecuteStatus = "ok" | "error" | "abort" | "timeout";

export interface StartOptions {
  /** how long the kernel may take to answer its first kernel_info_request (default 60 s) */
  startTimeoutMs?: number;
  /** "signal" sends SIGINT to the kernel's process group; "message" sends interrupt_request on control (default "signal") */
  interruptMode?: "signal" | "message";
  /**
   * "ipc": the channels are Unix domain sockets instead of loopback TCP ports (a kernel in a network
   * namespace of its own cannot reach our loopback); default "tcp"
   */
  transport?: "tcp" | "ipc";
  /** ipc: the folder for the socket files; the kernel must be able to create files there (default: a private temp folder) */
  ipcDir?: string;
}

export interface ExecuteOptions {
  /** interrupt the cell after this long (default: no limit) */
  timeoutMs?: number;
  /** every output as it arrives (streams: the new text), e.g. to show progress on a terminal */
  onOutput?: (event: OutputEvent) => void;
  /** re-sends of a cell the kernel answered with "abort"/"aborted" (default 8) */
  abortRetries?: number;
  /** wait before re-sending an aborted cell (default 250 ms, past tslab's 200 ms abort window) */
  abortDelayMs?: number;
  /** after a timeout, how long the interrupted cell may take to stop before the kernel is killed (default 10 s) */
  interruptGraceMs?: number;
  /**
   * Answer the cell's input requests (stdin channel): the request is sent with allow_stdin true. Without
   * it, allow_stdin is false and a cell that asks for input fails.
   */
  stdin?: (prompt: string, password: boolean) => string | Promise<string>;
  /** stop_on_error of the request (default false: the next cells are never aborted by this one's error) */
  stopOnError?: boolean;
  /**
   * The transferlab kernel's extension: the cell already compiled against the declarations hashed
   * `declHash` (sent as `tlab_precompiled`; the kernel uses it only if they are its own). See
   * kernel/compilecache.ts.
   */
  precompiled?: { declHash: string; compiled: unknown };
}

export interface ExecuteResult {
  status: ExecuteStatus;
  executionCount: number | null;
  /**
   * nbformat outputs. These objects stay live: a later cell's update_display_data rewrites them in place,
   * and output the kernel sends late for this request is appended, as in Jupyter.
   */
  outputs: Output[];
  durationMs: number;
  /** all the stderr text of the cell (also when an error output replaced the stderr streams) */
  stderr: string;
  /** the error output, when status is not "ok" */
  error?: ErrorOutput;
  timestamps: ExecutionTimestamps;
  /** how many times the request was sent (more than 1 after "abort" answers) */
  attempts: number;
  /**
   * Errors the kernel reported for this request after it had replied: thrown by a timer or promise the
   * cell left behind. Live, like `outputs`: it fills while later cells run (they are in `outputs` too).
   */
  lateErrors: ErrorOutput[];
  /** the transferlab kernel's hash of its declarations after this cell (execute_reply `tlab_decl_hash`) */
  declHash?: string;
  /**
   * the transferlab kernel's count of timers, sockets… the cells left pending after this one (execute_reply
   * `tlab_pending`; -1: it cannot tell): 0 means no callback is left that could report late
   */
  pending?: number;
}

/** The kernel process ended (crash, kill, out of memory, shutdown) while something waited on it. */
export class KernelDiedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
    /** what the interrupted execution had printed, if one was running */
    readonly outputs: Output[] = [],
  ) {
    super(message);
    this.name = "KernelDiedError";
  }
}

const IDLE_GRACE_MS = 5000; // a reply without its idle status: don't hang on a kernel that forgot it
const SHUTDOWN_GRACE_MS = 2000;
const TAIL_CHARS = 16384;

const PORT_ATTEMPTS = 4;
const PORT_CLASH = /EADDRINUSE|Address already in use/;

/** The kernel could not bind a port of its connection file: another process took it first. */
class PortClashError extends Error {}

export class KernelClient {
  /** content of the kernel_info_reply, once started */
  kernelInfo: Record<string, unknown> | undefined;
  /** messages dropped for a bad signature or framing (should stay 0) */
  droppedMessages = 0;

  private readonly session = randomUUID();
  private readonly displays = new DisplayRegistry();
  private readonly replyWaiters = new Map<string, (m: Message) => void>();
  private readonly iopubRoutes = new Map<string, (m: Message) => void>();
  private readonly sendChains = new Map<zmq.Socket, Promise<unknown>>();
  private child: ChildProcess | undefined;
  private info: ConnectionInfo | undefined;
  private connectionDir: string | undefined;
  private sockets: { shell: zmq.Dealer; control: zmq.Dealer; stdin: zmq.Dealer; iopub: zmq.Subscriber } | undefined;
  private stdinHandler: ((m: Message) => void) | undefined;
  private interruptMode: "signal" | "message" = "signal";
  private stderrTailText = "";
  private running = false;
  private iopubAlive = false;
  private closing = false;
  private killedBecause: string | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private exited: Promise<void> = Promise.resolve();
  private died: Promise<never> = new Promise<never>(() => undefined);
  private executions: Promise<unknown> = Promise.resolve();
  private shutdownDone: Promise<void> | undefined;

  /** true between a successful start and the kernel's exit */
  get alive(): boolean {
    return this.running;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last characters the kernel process wrote to its own stderr (outside cells: startup, crashes). */
  get stderrTail(): string {
    return this.stderrTailText;
  }

  /**
   * Start the kernel: `cmd` is an argv with "{connection_file}" (default: the transferlab kernel), run in `cwd` with
   * process.env plus `env`. Resolves once the kernel answers on shell and its iopub messages reach us.
   */
  async start(
    cmd: string[] = kernelArgv(),
    cwd: string = process.cwd(),
    env: Record<string, string | undefined> = {},
    options: StartOptions = {},
  ): Promise<void> {
    if (this.child) throw new Error("this KernelClient was already started; create a new one per kernel");
    if (cmd.length === 0) throw new Error("empty kernel command");
    this.interruptMode = options.interruptMode ?? "signal";
    // Ports are chosen free, but another process can bind one before the kernel does: then start again
    // on fresh ports (seen in CI with parallel test workers).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.launch(cmd, cwd, env, options);
        return;
      } catch (e) {
        if (!(e instanceof PortClashError) || attempt >= PORT_ATTEMPTS) throw e;
        this.resetForRetry();
      }
    }
  }

  private async launch(
    cmd: string[],
    cwd: string,
    env: Record<string, string | undefined>,
    options: StartOptions,
  ): Promise<void> {
    const { file, dir, info } = await createConnectionFile("transferlab", { transport: options.transport, ipcDir: options.ipcDir });
    this.info = info;
    this.connectionDir = dir;
    const argv = cmd.map((a) => a.split("{connection_file}").join(file));
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...process.env, ...env },
      // own process group: interrupts and kills reach the kernel's children too (see reaper.ts)
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    this.child = child;
    this.running = true;
    track(child);
    this.watchProcess(child, argv);
    this.connect(info);
    try {
      await this.waitForReady(options.startTimeoutMs ?? 60_000);
    } catch (e) {
      await this.shutdown();
      if (e instanceof PortClashError) throw e;
      if (e instanceof KernelDiedError) {
        if (PORT_CLASH.test(e.stderrTail)) throw new PortClashError(e.message);
        throw new KernelDiedError(`the kernel failed to start (${argv.join(" ")}): ${e.message}`, e.exitCode, e.signal, e.stderrTail);
      }
      throw e;
    }
  }

  /** Back to the state of a new client after a start that lost its ports (the old kernel is shut down). */
  private resetForRetry(): void {
    this.child = undefined;
    this.info = undefined;
    this.connectionDir = undefined;
    this.sockets = undefined;
    this.stderrTailText = "";
    this.running = false;
    this.iopubAlive = false;
    this.closing = false;
    this.killedBecause = undefined;
    this.exitInfo = undefined;
    this.shutdownDone = undefined;
    this.replyWaiters.clear();
    this.iopubRoutes.clear();
    this.sendChains.clear();
  }

  /**
   * Execute `code` and wait until the kernel has replied on shell *and* reported idle on iopub for this
   * request, so that no trailing output is lost. Calls are queued: one execution at a time.
   * Rejects with KernelDiedError if the kernel exits meanwhile.
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const run = this.executions.then(() => this.executeNow(code, options));
    this.executions = run.catch(() => undefined);
    return run;
  }

  /** Interrupt the running cell (SIGINT to the kernel's process group, or interrupt_request). */
  async interrupt(): Promise<void> {
    if (!this.running || !this.child) return;
    if (this.interruptMode === "message") {
      await this.request(this.sockets!.control, "interrupt_request", {}, 5000);
    } else {
      signalKernel(this.child, "SIGINT");
    }
  }

  /**
   * Send a request and wait for its reply (undefined after `timeoutMs`): complete_request,
   * inspect_request, history_request … on shell, or on control.
   */
  async requestReply(
    type: string,
    content: object,
    options: { channel?: "shell" | "control"; timeoutMs?: number } = {},
  ): Promise<Message | undefined> {
    this.assertRunning();
    const sock = options.channel === "control" ? this.sockets!.control : this.sockets!.shell;
    return this.request(sock, type, content, options.timeoutMs ?? 10_000);
  }

  /** Whether the kernel answers on the heartbeat channel within `timeoutMs`. */
  async heartbeat(timeoutMs = 2000): Promise<boolean> {
    if (!this.running || !this.info) return false;
    return pingHeartbeat(this.info, timeoutMs);
  }

  /**
   * Ask the kernel to shut down; kill its process group if it is still alive after 2 s (tslab stays up
   * while user code holds timers or threads). Closes the sockets, removes the connection file. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownDone ??= this.shutdownNow();
    return this.shutdownDone;
  }

  // ---- execution ----

  private async executeNow(code: string, options: ExecuteOptions): Promise<ExecuteResult> {
    this.assertRunning();
    const started = Date.now();
    const retries = options.abortRetries ?? 8;
    let attempts = 0;
    let attempt: Attempt;
    for (;;) {
      attempts++;
      attempt = await this.attempt(code, options);
      if (!(attempt.status === "abort" || attempt.status === "aborted") || attempts > retries) break;
      await sleep(options.abortDelayMs ?? 250);
    }
    const { recorder, timestamps } = attempt;
    const outputs = recorder.outputs;
    const stderr = stderrText(outputs);
    let status: ExecuteStatus;
    let error: ErrorOutput | undefined;
    if (attempt.timedOut) {
      status = "timeout";
      const seconds = Math.round((options.timeoutMs ?? 0) / 100) / 10;
      const evalue =
        `cell execution exceeded the timeout of ${seconds} s; the kernel was interrupted` +
        (this.killedBecause ? " and, as it did not stop, killed" : "");
      // our kernel reports the interrupt itself (an error output): the timeout replaces that report
      const reported = recorder.sawError ? outputs.findIndex((o) => o.output_type === "error") : -1;
      const kernelLines = reported >= 0 ? (outputs.splice(reported, 1)[0] as ErrorOutput).traceback : [];
      error = replaceStderrWithError(outputs, { ename: "CellTimeoutError", evalue });
      error.traceback.push(...kernelLines.filter((l) => !error!.traceback.includes(l)));
    } else if (attempt.status === "ok") {
      status = "ok";
    } else {
      status = attempt.status === "error" ? "error" : "abort";
      const sent = outputs.find((o): o is ErrorOutput => o.output_type === "error");
      if (recorder.sawError && sent) error = sent;
      else if (status === "abort") {
        error = { output_type: "error", ename: "AbortedError", evalue: `the kernel aborted the cell ${attempts} times`, traceback: [] };
        outputs.push(error);
      } else error = replaceStderrWithError(outputs);
    }
    return {
      status,
      executionCount: attempt.executionCount,
      outputs,
      durationMs: Date.now() - started,
      stderr,
      error,
      timestamps,
      attempts,
      lateErrors: attempt.lateErrors,
      ...(attempt.declHash !== undefined ? { declHash: attempt.declHash } : {}),
      ...(attempt.pending !== undefined ? { pending: attempt.pending } : {}),
    };
  }

  /** Send the request once and wait for its reply and idle status (or the timeout). */
  private async attempt(code: string, options: ExecuteOptions): Promise<Attempt> {
    const sockets = this.sockets!;
    const msg = newMessage(
      "execute_request",
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: Boolean(options.stdin),
        stop_on_error: Boolean(options.stopOnError),
        ...(options.precompiled ? { tlab_precompiled: options.precompiled } : {}),
      },
      this.session,
    );
    const id = msg.header.msg_id;
    this.stdinHandler = options.stdin ? (m) => void this.answerInput(m, id, options.stdin!) : undefined;
    const recorder = new OutputRecorder(this.displays);
    const lateErrors: ErrorOutput[] = [];
    const timestamps: ExecutionTimestamps = {};
    let reply: Message | undefined;
    let onReply!: () => void;
    let onIdle!: () => void;
    const replied = new Promise<void>((r) => (onReply = r));
    const idle = new Promise<void>((r) => (onIdle = r));
    this.iopubRoutes.set(id, (m) => {
      const type = m.header.msg_type;
      const date = m.header.date || new Date().toISOString();
      if (type === "status") {
        if (m.content.execution_state === "busy") timestamps["iopub.status.busy"] ??= date;
        if (m.content.execution_state === "idle") {
          timestamps["iopub.status.idle"] = date;
          onIdle();
        }
      } else if (type === "execute_input") {
        timestamps["iopub.execute_input"] = date;
      } else {
        const event = recorder.handle(type, m.content);
        if (event && options.onOutput) {
          try {
            options.onOutput(event);
          } catch {
            // a failing progress callback must not lose the cell
          }
        }
      }
    });
    this.replyWaiters.set(id, (m) => {
      reply = m;
      // our clock: tslab dates its reply when the request arrived, not when the cell finished
      timestamps["shell.execute_reply"] = new Date().toISOString();
      onReply();
    });
    let timedOut = false;
    try {
      const sentAt = Date.now();
      await this.send(sockets.shell, encode(this.info!.key, msg));
      const limit = options.timeoutMs ?? Infinity;
      if (!(await within(this.orDeath(replied), limit - (Date.now() - sentAt)))) {
        timedOut = true;
        await this.interrupt();
        if (!(await within(this.orDeath(replied), options.interruptGraceMs ?? 10_000))) {
          await this.kill("the kernel did not stop after an interrupt, following a cell timeout");
        }
      }
      if (reply) await within(this.orDeath(idle), IDLE_GRACE_MS);
    } catch (e) {
      if (e instanceof KernelDiedError) {
        throw new KernelDiedError(e.message, e.exitCode, e.signal, e.stderrTail, recorder.outputs);
      }
      throw e;
    } finally {
      this.stdinHandler = undefined;
      this.replyWaiters.delete(id);
      // tslab sends output of callbacks that fire after the cell ended to the last request, ours to the
      // request whose cell scheduled them: keep routing it here so that it lands under this cell, as
      // Jupyter frontends show it, and keep its errors apart
      this.iopubRoutes.set(id, (m) => {
        recorder.handle(m.header.msg_type, m.content);
        if (m.header.msg_type === "error") {
          const c = m.content as { ename?: unknown; evalue?: unknown; traceback?: unknown };
          const traceback = Array.isArray(c.traceback) ? c.traceback.map(String) : [];
          lateErrors.push({ output_type: "error", ename: String(c.ename ?? "Error"), evalue: String(c.evalue ?? ""), traceback });
        }
      });
    }
    // tslab (1.0.22) timestamps the iopub "busy" but sends no execute_input: use "busy" for it.
    timestamps["iopub.execute_input"] ??= timestamps["iopub.status.busy"];
    const content = (reply?.content ?? {}) as { status?: string; execution_count?: unknown; tlab_decl_hash?: unknown; tlab_pending?: unknown };
    return {
      declHash: typeof content.tlab_decl_hash === "string" ? content.tlab_decl_hash : undefined,
      pending: typeof content.tlab_pending === "number" ? content.tlab_pending : undefined,
      status: content.status ?? "error",
      executionCount: typeof content.execution_count === "number" ? content.execution_count : null,
      recorder,
      timestamps,
      timedOut,
      lateErrors,
    };
  }

  // ---- start-up and process ----

  private connect(info: ConnectionInfo): void {
    // shell and stdin share one routing id: the kernel sends input_request to the identity of the shell
    // request (as jupyter_client does with its session id)
    const routingId = `tlab-${this.session}`;
    const shell = new zmq.Dealer({ linger: 0, routingId });
    const control = new zmq.Dealer({ linger: 0 });
    const stdin = new zmq.Dealer({ linger: 0, routingId });
    const iopub = new zmq.Subscriber({ linger: 0 });
    shell.connect(channelAddress(info, "shell"));
    control.connect(channelAddress(info, "control"));
    stdin.connect(channelAddress(info, "stdin"));
    iopub.connect(channelAddress(info, "iopub"));
    iopub.subscribe();
    this.sockets = { shell, control, stdin, iopub };
    void this.readLoop(shell, (m) => this.onReply(m));
    void this.readLoop(control, (m) => this.onReply(m));
    void this.readLoop(iopub, (m) => this.onIopub(m));
    void this.readLoop(stdin, (m) => this.stdinHandler?.(m));
  }

  /** An input_request of the running cell: answer it with the caller's stdin function. */
  private async answerInput(m: Message, executeId: string, stdin: NonNullable<ExecuteOptions["stdin"]>): Promise<void> {
    if (m.header.msg_type !== "input_request" || (m.parent_header.msg_id && m.parent_header.msg_id !== executeId)) return;
    let value: string;
    try {
      value = String(await stdin(String(m.content.prompt ?? ""), Boolean(m.content.password)));
    } catch {
      value = "";
    }
    await this.send(this.sockets!.stdin, encode(this.info!.key, newMessage("input_reply", { value }, this.session, m.header)));
  }

  /**
   * Ready = a kernel_info_reply on shell and at least one iopub message received. The second matters:
   * a subscriber that joins late misses the first messages (we saw the first cell's output vanish).
   */
  private async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = () => deadline - Date.now();
    const timeoutError = () =>
      new Error(
        `the kernel did not answer within ${Math.round(timeoutMs / 1000)} s` +
          (this.stderrTailText ? `; its stderr:\n${lastLines(this.stderrTailText)}` : ""),
      );
    // ask in short rounds so that a kernel that lost a port (it stays up, printing EADDRINUSE) is seen at once
    let reply: Message | undefined;
    while (!reply) {
      if (PORT_CLASH.test(this.stderrTailText)) throw new PortClashError(lastLines(this.stderrTailText));
      if (left() <= 0) throw timeoutError();
      reply = await this.request(this.sockets!.shell, "kernel_info_request", {}, Math.min(left(), 1000));
    }
    this.kernelInfo = reply.content;
    while (!this.iopubAlive) {
      if (left() <= 0) throw timeoutError();
      await this.request(this.sockets!.shell, "kernel_info_request", {}, left());
      for (let i = 0; i < 10 && !this.iopubAlive; i++) await sleep(25);
    }
  }

  private watchProcess(child: ChildProcess, argv: string[]): void {
    let markExited!: () => void;
    let markDied!: (e: KernelDiedError) => void;
    this.exited = new Promise<void>((r) => (markExited = r));
    this.died = new Promise<never>((_, reject) => (markDied = reject));
    this.died.catch(() => undefined); // observed through orDeath(); never unhandled
    const keep = (chunk: string) => (this.stderrTailText = (this.stderrTailText + chunk).slice(-TAIL_CHARS));
    child.stderr!.setEncoding("utf8").on("data", keep);
    // stdout is the kernel's own (not cells', which go to iopub): drain it so the pipe never blocks it
    child.stdout!.setEncoding("utf8").on("data", () => undefined);
    let closed = false;
    const streamsClosed = new Promise<void>((r) => child.once("close", () => ((closed = true), r())));
    const onEnd = async (code: number | null, signal: string | null, spawnError?: Error) => {
      if (!this.running) return;
      this.running = false;
      this.exitInfo = { code, signal };
      untrack(child);
      if (!closed && !spawnError) await within(streamsClosed, 300); // let the last stderr arrive
      markExited();
      const how = spawnError
        ? `could not be started (${argv[0]}: ${spawnError.message})`
        : this.closing
          ? "was shut down"
          : `exited (${signal ? `signal ${signal}` : `exit code ${code}`})`;
      const why = this.killedBecause ? ` after ${this.killedBecause}` : "";
      const tail = this.stderrTailText ? `; its stderr ended with:\n${lastLines(this.stderrTailText)}` : "";
      markDied(new KernelDiedError(`the kernel ${how}${why}${tail}`, code, signal, this.stderrTailText));
    };
    child.once("exit", (code, signal) => void onEnd(code, signal));
    child.once("error", (err) => void onEnd(null, null, err));
  }

  private async kill(reason: string): Promise<void> {
    this.killedBecause ??= reason;
    if (this.child) signalKernel(this.child, "SIGKILL");
    await within(this.exited, SHUTDOWN_GRACE_MS);
  }

  private async shutdownNow(): Promise<void> {
    this.closing = true;
    if (this.running && this.sockets) {
      await this.request(this.sockets.control, "shutdown_request", { restart: false }, 1000).catch(() => undefined);
      if (!(await within(this.exited, SHUTDOWN_GRACE_MS))) await this.kill("it did not shut down within 2 s");
    }
    // the group may hold processes the kernel started and left behind
    if (this.child && this.child.pid !== undefined && process.platform !== "win32") signalKernel(this.child, "SIGKILL");
    if (this.sockets) for (const s of Object.values(this.sockets)) s.close();
    if (this.connectionDir) fs.rmSync(this.connectionDir, { recursive: true, force: true });
    // ipc sockets in a folder of the caller's: a killed kernel leaves its socket files behind
    if (this.info?.transport === "ipc") for (let n = 1; n <= 5; n++) fs.rmSync(`${this.info.ip}-${n}`, { force: true });
    this.iopubRoutes.clear();
  }

  // ---- sockets ----

  private async readLoop(sock: zmq.Dealer | zmq.Subscriber, handle: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = decode(this.info!.key, frames);
        } catch {
          this.droppedMessages++;
          continue;
        }
        handle(msg);
      }
    } catch {
      // the socket was closed under a pending receive: shutting down
    }
  }

  private onReply(m: Message): void {
    const parent = m.parent_header.msg_id;
    const waiter = parent ? this.replyWaiters.get(parent) : undefined;
    waiter?.(m);
  }

  private onIopub(m: Message): void {
    this.iopubAlive = true;
    const parent = m.parent_header.msg_id;
    if (parent) this.iopubRoutes.get(parent)?.(m);
  }

  /** zeromq allows one send in flight per socket: chain them. */
  private send(sock: zmq.Dealer, frames: Buffer[]): Promise<void> {
    const previous = this.sendChains.get(sock) ?? Promise.resolve();
    const next = previous.then(() => sock.send(frames));
    this.sendChains.set(sock, next.catch(() => undefined));
    return next;
  }

  /** Send a request and wait for its reply; undefined after `timeoutMs`. */
  private async request(sock: zmq.Dealer, type: string, content: object, timeoutMs: number): Promise<Message | undefined> {
    const msg = newMessage(type, content, this.session);
    let reply: Message | undefined;
    const got = new Promise<void>((resolve) =>
      this.replyWaiters.set(msg.header.msg_id, (m) => {
        reply = m;
        resolve();
      }),
    );
    try {
      await this.send(sock, encode(this.info!.key, msg));
      await within(this.orDeath(got), timeoutMs);
      return reply;
    } finally {
      this.replyWaiters.delete(msg.header.msg_id);
    }
  }

  private orDeath<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.died]);
  }

  private assertRunning(): void {
    if (this.running) return;
    if (!this.child) throw new Error("the kernel is not started: call start() first");
    const e = this.exitInfo;
    throw new KernelDiedError(
      `the kernel is not running (${this.killedBecause ?? (this.closing ? "shut down" : `exited with ${e?.signal ?? `code ${e?.code}`}`)})`,
      e?.code ?? null,
      e?.signal ?? null,
      this.stderrTailText,
    );
  }
}

interface Attempt {
  status: string;
  executionCount: number | null;
  recorder: OutputRecorder;
  timestamps: ExecutionTimestamps;
  timedOut: boolean;
  lateErrors: ErrorOutput[];
  declHash?: string;
  pending?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether `p` settles within `ms` (rejections propagate). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms === Infinity) return p.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, ms))));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function lastLines(text: string, n = 20): string {
  return text.replace(/\s+$/, "").split("\n").slice(-n).join("\n");
}
