/**
 * The kernel: Jupyter messaging protocol 5.3 over zeromq. Shell, stdin and iopub live on the main thread
 * with the cells; control and heartbeat on a worker thread (control.ts). Shell requests are handled one
 * at a time, in order, each between a "busy" and an "idle" status on iopub.
 *
 * Where output goes: the last execute_request that started ("the current target") receives the cells'
 * stdout, stderr and displays, also after it finished (a timer's output), as ipykernel does.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { Worker } from "worker_threads";
import * as zmq from "zeromq";
import type { DisplayMessage } from "../display";
import { channelAddress, type ConnectionInfo } from "../run/connection";
import { decode, encode, newMessage, type Header, type Message } from "../run/message";
import { Compiler } from "./compiler";
import type { ControlData } from "./control";
import { bindControl, type ControlChannel } from "./controlchannel";
import { InterruptError, type KernelError } from "./errors";
import { Executor, type Outcome } from "./executor";
import { History, type HistoryRequest } from "./history";
import { kernelInfo } from "./info";
import { IOPub } from "./iopub";
import { complete, inspect, isComplete, pagerRequest } from "./language";
import { isCompiled, type Precompiled } from "./compilecache";
import { cellOptions, findTsconfig } from "./options";
import { plainText, resultBundle } from "./result";
import { loadTypeScript, typescriptCacheUsed } from "./typescript";
import { codeCacheStats, saveCodeCache } from "./v8cache";

const DISPLAY = Symbol.for("transferlab.display");
const PLOTLY_CARRIER = Symbol.for("transferlab.plotlyCarrier");
const CLEAR_OUTPUT = Symbol.for("transferlab.clearOutput");
const INPUT = Symbol.for("transferlab.input");

/** An execute_request whose outputs we are producing. */
interface Target {
  parent: Header;
  identities: Buffer[];
  allowStdin: boolean;
}

interface Queued {
  msg: Message;
  seq: number;
}

/** cells whose late errors can still be attributed (older ones go to the current cell) */
const MAX_TARGETS = 10_000;

/**
 * Handles of the kernel's own: stdout/stderr pipes, the control thread's port, iopub's batching, the
 * compiler's file watchers (a cell's own watchers do not throw late either).
 */
const OWN_RESOURCES = new Set(["PipeWrap", "TTYWrap", "MessagePort", "Immediate", "FSEventWrap", "StatWatcher"]);

/**
 * How many timers, sockets, file operations… the cells have left pending (what may still call back, and
 * throw, after the cell): `tlab_pending` in execute_reply, so that a runner knows whether to wait for
 * late errors before shutting the kernel down. -1 when Node cannot tell.
 */
function pendingCallbacks(): number {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.();
  return info ? info.filter((t) => !OWN_RESOURCES.has(t)).length : -1;
}

type Writer = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error) => void), cb?: (e?: Error) => void) => boolean;

export class KernelServer {
  private readonly session = randomUUID();
  private readonly kernelId = randomUUID();
  private readonly info: ConnectionInfo;
  private readonly cwd = process.cwd();
  private readonly history = new History();
  private shell!: zmq.Router;
  private stdin!: zmq.Router;
  private iopubSocket!: zmq.Publisher;
  private iopub!: IOPub;
  /** the control thread (an interactive kernel) */
  private worker: Worker | undefined;
  private workerStopped: Int32Array | undefined;
  /** the control channel when this thread serves it (TLAB_CONTROL_THREAD=0: a graded kernel) */
  private control: ControlChannel | undefined;
  private compiler: Compiler | undefined;
  private executor: Executor | undefined;
  private ready: Promise<void> = Promise.resolve();
  private count = 0;
  private silentCount = 0;
  private readonly queue: Queued[] = [];
  private wake: (() => void) | undefined;
  private received = 0;
  /** execute requests received up to this sequence number are aborted (stop_on_error) */
  private abortThrough = 0;
  private current: Target | null = null;
  /** the execute_request of each cell name ("In[3]"): where a late error of that cell's callbacks goes */
  private readonly targets = new Map<string, Target>();
  /** an execute_request is being handled; an interrupt in that time stops its cell */
  private executing = false;
  private interruptPending = false;
  private shellSending: Promise<void> = Promise.resolve();
  private inputWaiter: { id: string; resolve: (v: string) => void; reject: (e: Error) => void } | undefined;
  private tslabJupyter: { lastWriteDisplayData: unknown } | undefined;
  private cacheSaveScheduled = false;
  private shuttingDown = false;
  /** start-up milestones, ms since the process started (TLAB_KERNEL_TIMING=1 logs them) */
  private readonly startup: Record<string, number> = {};
  private readonly realStdout: Writer;
  private readonly realStderr: Writer;

  constructor(connectionFile: string) {
    this.info = JSON.parse(fs.readFileSync(connectionFile, "utf8")) as ConnectionInfo;
    if (this.info.signature_scheme && this.info.signature_scheme !== "hmac-sha256") {
      throw new Error(`unsupported signature scheme ${this.info.signature_scheme} (only hmac-sha256)`);
    }
    this.realStdout = process.stdout.write.bind(process.stdout) as Writer;
    this.realStderr = process.stderr.write.bind(process.stderr) as Writer;
  }

  async start(): Promise<void> {
    this.startup.modules = performance.now();
    this.shell = new zmq.Router({ linger: 200 });
    this.stdin = new zmq.Router({ linger: 0 });
    this.iopubSocket = new zmq.Publisher({ linger: 200, sendHighWaterMark: 0 });
    await Promise.all([
      this.shell.bind(channelAddress(this.info, "shell")),
      this.stdin.bind(channelAddress(this.info, "stdin")),
      this.iopubSocket.bind(channelAddress(this.info, "iopub")),
      process.env.TLAB_CONTROL_THREAD === "0" ? this.serveControlHere() : this.startWorker(),
    ]);
    // however the process ends (shutdown, a cell's process.exit), every socket is closed while JS can still run
    process.on("exit", () => {
      this.stopWorkerSync();
      this.closeSocketsSync();
    });
    this.startup.sockets = performance.now();
    this.iopub = new IOPub(this.iopubSocket, this.info.key, this.session, this.kernelId);
    void this.iopub.send("status", { execution_state: "starting" }, {});
    this.captureOutput();
    this.installGlobals();
    process.on("SIGINT", () => this.interrupt());
    process.on("uncaughtException", (e) => this.stray(e));
    process.on("unhandledRejection", (reason) => this.stray(reason));
    // (one turn of the event loop first: the "starting" status goes out before the compiler blocks a while)
    this.ready = new Promise<void>((r) => setImmediate(r)).then(() => this.createCompiler());
    void this.readShell();
    void this.readStdin();
    void this.processShell();
  }

  // ---- start-up ----

  /**
   * Control and heartbeat on this thread. Only for a client that interrupts by signal and kills a kernel
   * that does not shut down (the grader): a cell that blocks this thread also blocks its control requests.
   */
  private async serveControlHere(): Promise<void> {
    try {
      this.control = await bindControl(this.info, this.session, kernelInfo());
    } catch (e) {
      throw new Error(`cannot bind the control or heartbeat port: ${(e as Error).message}`);
    }
    void this.control.serve({
      interrupt: () => this.interrupt(),
      shutdown: (restart, parent) => void this.shutdown(restart, parent),
    });
  }

  private startWorker(): Promise<void> {
    const stopped = new SharedArrayBuffer(4);
    this.workerStopped = new Int32Array(stopped);
    const data: ControlData = { connection: this.info, session: this.session, kernelInfo: kernelInfo(), stopped };
    const worker = new Worker(path.join(__dirname, "control.js"), { workerData: data });
    this.worker = worker;
    worker.on("message", (m: { type: string; restart?: boolean; parent?: Header }) => {
      if (m.type === "shutdown") void this.shutdown(Boolean(m.restart), m.parent ?? {});
      else if (m.type === "interrupt") this.interrupt();
    });
    worker.on("error", (e) => this.log(`control thread failed: ${e.stack ?? e.message}`));
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === "bound") resolve();
        else if (m.type === "failed") reject(new Error(`cannot bind the control or heartbeat port: ${m.message}`));
        else return;
        worker.off("message", onMessage);
      };
      worker.on("message", onMessage);
    });
  }

  private createCompiler(): void {
    const hooks = { onTslabLoaded: () => this.hookTslab(), warn: (text: string) => this.write("stderr", text) };
    if (process.env.TLAB_LAZY_COMPILER === "1" && !findTsconfig(this.cwd)) {
      // a grader's kernel: most cells come compiled with their request, so TypeScript is loaded only for a
      // cell that does not. (Only without a tsconfig.json: the options must not change with files cells write.)
      this.executor = new Executor(() => (this.compiler = this.buildCompiler(true)), this.cwd, hooks);
      return;
    }
    this.compiler = this.buildCompiler(false);
    this.executor = new Executor(this.compiler, this.cwd, hooks);
  }

  private buildCompiler(noConfig: boolean): Compiler {
    const ts = loadTypeScript();
    this.startup.typescript = performance.now();
    const { configFile, options, ignored } = noConfig ? { configFile: undefined, options: {}, ignored: [] } : cellOptions(ts, this.cwd);
    if (process.env.TLAB_KERNEL_DEBUG) {
      this.log(`compiler options from ${configFile ?? "(no tsconfig.json)"}: ${JSON.stringify(options)}; left out: ${ignored.join(", ") || "nothing"}`);
    }
    const compiler = new Compiler(this.cwd, options);
    this.startup.compiler = performance.now();
    return compiler;
  }

  /** stdout and stderr of cells go to iopub; before the first cell (and for our own logs) to the real streams. */
  private captureOutput(): void {
    const replace = (name: "stdout" | "stderr"): Writer =>
      (chunk, encoding, cb) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
        this.write(name, text);
        const done = typeof encoding === "function" ? encoding : cb;
        if (done) process.nextTick(done);
        return true;
      };
    process.stdout.write = replace("stdout") as typeof process.stdout.write;
    process.stderr.write = replace("stderr") as typeof process.stderr.write;
  }

  private write(name: "stdout" | "stderr", text: string): void {
    if (this.current && !this.shuttingDown) this.iopub.stream(name, text, this.current.parent);
    else (name === "stdout" ? this.realStdout : this.realStderr)(text);
  }

  private log(text: string): void {
    this.realStderr(`[transferlab kernel] ${text}\n`);
  }

  /** The cell-facing hooks: display (kernel-ext's sink), clear_output, input. */
  private installGlobals(): void {
    const g = globalThis as Record<symbol, unknown>;
    g[CLEAR_OUTPUT] = (wait: boolean) => {
      const target = this.current;
      if (!target) return;
      void this.iopub.send("clear_output", { wait: Boolean(wait) }, target.parent);
      // the output that carried plotly.js is gone: the next figure carries it again (display/figure.ts)
      if (g[PLOTLY_CARRIER] === g[DISPLAY]) delete g[PLOTLY_CARRIER];
      this.newOutputSet(target);
    };
    g[INPUT] = (prompt: string, password: boolean) => this.requestInput(String(prompt ?? ""), Boolean(password));
  }

  /** A new display writer: its identity marks an output set (display/figure.ts notes which set carries plotly.js). */
  private newOutputSet(target: Target): void {
    const send = (data: unknown, update: boolean) => {
      void this.iopub.send(update ? "update_display_data" : "display_data", data as object, target.parent);
    };
    (globalThis as Record<symbol, unknown>)[DISPLAY] = (msg: DisplayMessage) =>
      send({ data: msg.data, metadata: msg.metadata ?? {}, transient: msg.displayId ? { display_id: msg.displayId } : {} }, Boolean(msg.update));
    if (this.tslabJupyter) this.tslabJupyter.lastWriteDisplayData = send;
  }

  /** A cell imported tslab: its public display API writes through tslab/dist/jupyter's current writer. */
  private hookTslab(): void {
    if (!this.tslabJupyter) this.tslabJupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    if (this.current) this.newOutputSet(this.current);
  }

  // ---- shell ----

  private async readShell(): Promise<void> {
    try {
      for await (const frames of this.shell) {
        let msg: Message;
        try {
          msg = decode(this.info.key, frames);
        } catch {
          continue; // a bad signature: ignored, as the spec says
        }
        this.queue.push({ msg, seq: ++this.received });
        this.wake?.();
      }
    } catch {
      // closed
    }
  }

  private async processShell(): Promise<void> {
    // Nothing is answered before the compiler is built, kernel_info included: a front end then sees the
    // kernel "starting" until it really is ready, a first cell's timeout does not include the start-up,
    // and an interrupt cannot arrive for a request the kernel has not read yet.
    await this.ready.catch(() => undefined);
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
      const { msg, seq } = this.queue.shift()!;
      try {
        await this.dispatch(msg, seq);
      } catch (e) {
        this.log(`failed to handle ${msg.header.msg_type}: ${(e as Error).stack ?? e}`);
      }
    }
  }

  private async dispatch(msg: Message, seq: number): Promise<void> {
    const type = msg.header.msg_type;
    void this.iopub.send("status", { execution_state: "busy" }, msg.header);
    try {
      switch (type) {
        case "kernel_info_request":
          return this.reply(msg, "kernel_info_reply", kernelInfo());
        case "execute_request":
          return await this.execute(msg, seq);
        case "is_complete_request":
          await this.ready;
          return this.reply(msg, "is_complete_reply", isComplete(this.executor!.compiler, String(msg.content.code ?? "")));
        case "complete_request": {
          await this.ready;
          const code = String(msg.content.code ?? "");
          const pos = typeof msg.content.cursor_pos === "number" ? msg.content.cursor_pos : [...code].length;
          return this.reply(msg, "complete_reply", complete(this.executor!, code, pos));
        }
        case "inspect_request": {
          await this.ready;
          const code = String(msg.content.code ?? "");
          const pos = typeof msg.content.cursor_pos === "number" ? msg.content.cursor_pos : [...code].length;
          return this.reply(msg, "inspect_reply", inspect(this.executor!, code, pos));
        }
        case "history_request":
          return this.reply(msg, "history_reply", { status: "ok", history: this.history.query(msg.content as HistoryRequest) });
        case "comm_info_request":
          return this.reply(msg, "comm_info_reply", { status: "ok", comms: {} });
        case "comm_open":
          // no comm targets: close it at once, as ipykernel does for an unknown target
          void this.iopub.send("comm_close", { comm_id: msg.content.comm_id, data: {} }, msg.header);
          return;
        case "comm_msg":
        case "comm_close":
          return;
        case "shutdown_request": // on shell: clients of protocol < 5.0
          await this.reply(msg, "shutdown_reply", { status: "ok", restart: Boolean(msg.content.restart) });
          return void this.shutdown(Boolean(msg.content.restart), msg.header);
        default:
          this.log(`unsupported request ${type}`);
      }
    } finally {
      void this.iopub.send("status", { execution_state: "idle" }, msg.header);
    }
  }

  private reply(req: Message, type: string, content: object): Promise<void> {
    const msg = newMessage(type, content, this.session, req.header);
    msg.identities = req.identities;
    const frames = encode(this.info.key, msg);
    this.shellSending = this.shellSending.then(() => this.shell.send(frames)).catch(() => undefined);
    return this.shellSending;
  }

  // ---- execution ----

  private async execute(msg: Message, seq: number): Promise<void> {
    const c = msg.content as {
      code?: string;
      silent?: boolean;
      store_history?: boolean;
      user_expressions?: Record<string, string>;
      allow_stdin?: boolean;
      stop_on_error?: boolean;
      /** the grader's compilation of this cell (see compilecache.ts) */
      tlab_precompiled?: { declHash?: unknown; compiled?: unknown };
    };
    const pre = c.tlab_precompiled;
    const precompiled: Precompiled | undefined =
      pre && typeof pre.declHash === "string" && isCompiled(pre.compiled) ? { declHash: pre.declHash, compiled: pre.compiled } : undefined;
    const code = String(c.code ?? "");
    const silent = Boolean(c.silent);
    const storeHistory = !silent && c.store_history !== false;
    if (seq <= this.abortThrough) {
      return this.reply(msg, "execute_reply", { status: "aborted", execution_count: this.count });
    }
    if (storeHistory) this.count++;
    const count = this.count;
    if (!silent) void this.iopub.send("execute_input", { code, execution_count: count }, msg.header);
    const target: Target = { parent: msg.header, identities: msg.identities, allowStdin: Boolean(c.allow_stdin) };
    this.current = target;
    if (storeHistory) {
      this.targets.set(`In[${count}]`, target);
      if (this.targets.size > MAX_TARGETS) this.targets.delete(this.targets.keys().next().value!);
    }
    this.newOutputSet(target);
    if (storeHistory) this.history.add(count, code);

    let outcome: Outcome;
    let payload: object[] = [];
    this.executing = true;
    this.interruptPending = false;
    const interrupted = () => {
      const pending = this.interruptPending;
      this.interruptPending = false;
      return pending;
    };
    try {
      await this.ready;
      const pager = pagerRequest(code);
      if (pager) {
        const found = inspect(this.executor!, pager, [...pager].length);
        if (found.found) payload = [{ source: "page", data: found.data, start: 0 }];
        else this.write("stdout", `Object \`${pager}\` not found.\n`);
        outcome = { ok: true, hasValue: false };
      } else {
        outcome = await this.executor!.execute(code, storeHistory ? `In[${count}]` : `<silent-${++this.silentCount}>`, true, interrupted, precompiled);
      }
    } catch (e) {
      outcome = { ok: false, error: { ename: "KernelError", evalue: (e as Error).message ?? String(e), traceback: [String((e as Error).stack ?? e)] } };
    } finally {
      this.executing = false;
    }

    if (outcome.ok) {
      if (outcome.hasValue && !silent) {
        let data: Record<string, unknown>;
        try {
          data = await resultBundle(outcome.value);
        } catch (e) {
          this.write("stderr", `the display of this value failed: ${(e as Error).message}\n`);
          data = { "text/plain": plainText(outcome.value) };
        }
        void this.iopub.send("execute_result", { execution_count: count, data, metadata: {} }, msg.header);
        if (storeHistory) this.history.setOutput(count, String(data["text/plain"]));
      }
      const user_expressions = await this.userExpressions(c.user_expressions ?? {});
      // tlab_decl_hash: which declarations the next cell is checked against, for a grader that sends cells
      // compiled (compilecache.ts); tlab_pending: whether the cells left callbacks that may still throw
      await this.reply(msg, "execute_reply", { status: "ok", execution_count: count, payload, user_expressions, tlab_decl_hash: this.executor!.declarationsHash, tlab_pending: pendingCallbacks() });
    } else {
      const error: KernelError = outcome.error;
      void this.iopub.send("error", error, msg.header);
      // before the reply: a request the client sends once it has seen the error is not "queued"
      if (c.stop_on_error !== false) await this.abortQueued();
      await this.reply(msg, "execute_reply", { status: "error", execution_count: count, ...error, payload: [], user_expressions: {}, ...(this.executor ? { tlab_decl_hash: this.executor.declarationsHash } : {}), tlab_pending: pendingCallbacks() });
    }
    if (this.startup.firstCell === undefined) {
      this.startup.firstCell = performance.now();
      if (process.env.TLAB_KERNEL_TIMING) this.log(`start-up (ms since the process started): ${JSON.stringify(this.startupReport())}`);
    }
    this.scheduleCacheSave();
  }

  /**
   * Start-up milestones, rounded; typescriptCache: whether V8's code cache of TypeScript was used;
   * modulesCached: how many of the modules compiled so far came from the code cache (v8cache.ts).
   */
  private startupReport(): Record<string, number | boolean> {
    const out: Record<string, number | boolean> = {};
    for (const [k, v] of Object.entries(this.startup)) out[k] = Math.round(v);
    out.typescriptCache = typescriptCacheUsed();
    const { modules, cached } = codeCacheStats();
    out.modules = modules;
    out.modulesCached = cached;
    return out;
  }

  /** user_expressions: evaluated after the cell, each to a MIME bundle or an error. */
  private async userExpressions(exprs: Record<string, string>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, expr] of Object.entries(exprs)) {
      const r = await this.executor!.execute(String(expr), "<expression>", false);
      if (!r.ok) out[key] = { status: "error", ...r.error };
      else out[key] = { status: "ok", data: r.hasValue ? await resultBundle(r.value).catch(() => ({ "text/plain": plainText(r.value) })) : { "text/plain": "undefined" }, metadata: {} };
    }
    return out;
  }

  /**
   * stop_on_error: the execute requests already sent when a cell failed are answered "aborted". Two turns
   * of the event loop let requests waiting in the socket reach our queue first (as ipykernel flushes its
   * shell stream).
   */
  private async abortQueued(): Promise<void> {
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    this.abortThrough = this.received;
  }

  private scheduleCacheSave(): void {
    if (this.cacheSaveScheduled) return;
    this.cacheSaveScheduled = true;
    setTimeout(saveCodeCache, 500).unref();
  }

  // ---- stdin, interrupts, strays ----

  private requestInput(prompt: string, password: boolean): Promise<string> {
    const target = this.current;
    if (!target?.allowStdin) {
      return Promise.reject(new Error("input(): this front end does not accept input for this cell (its execute_request has allow_stdin false)"));
    }
    if (this.inputWaiter) return Promise.reject(new Error("input(): another input() is still waiting for its answer"));
    const msg = newMessage("input_request", { prompt, password }, this.session, target.parent);
    msg.identities = target.identities;
    return new Promise<string>((resolve, reject) => {
      this.inputWaiter = { id: msg.header.msg_id, resolve, reject };
      // the prompt follows what the cell printed before it
      void this.iopub.flush().then(() => this.stdin.send(encode(this.info.key, msg)));
    });
  }

  private async readStdin(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        let msg: Message;
        try {
          msg = decode(this.info.key, frames);
        } catch {
          continue;
        }
        const waiter = this.inputWaiter;
        if (msg.header.msg_type !== "input_reply" || !waiter) continue;
        if (msg.parent_header.msg_id && msg.parent_header.msg_id !== waiter.id) continue;
        this.inputWaiter = undefined;
        waiter.resolve(String(msg.content.value ?? ""));
      }
    } catch {
      // closed
    }
  }

  private interrupt(): void {
    const waiter = this.inputWaiter;
    this.inputWaiter = undefined;
    waiter?.reject(new InterruptError());
    if (this.executor?.interrupt()) return;
    // the cell is still being compiled (or waits for the compiler): stop it before it runs
    if (this.executing) this.interruptPending = true;
  }

  /**
   * An uncaught exception or unhandled rejection. Thrown by code of the running cell, it fails that cell.
   * Thrown by a callback an earlier cell left behind (a timer, a promise, an event handler: Node tells us
   * which cell scheduled it), it is that cell's late error: reported (an error output, its traceback
   * saying so) to that cell's request, and the running cell goes on. The kernel lives on.
   */
  private stray(e: unknown): void {
    const origin = this.executor?.originOf();
    const running = this.executor?.runningCell;
    const late = origin !== undefined && origin !== running ? this.targets.get(origin) : undefined;
    if (!late && this.executor?.fail(e)) return;
    const error = this.executor ? this.executor.errorOf(e) : { ename: "Error", evalue: String(e), traceback: [String(e)] };
    if (late) {
      const note = `(late error: thrown after ${origin} had finished, by a timer, promise or event handler it left behind${running ? `, while ${running} ran; ${running} is not failed by it` : ""})`;
      error.traceback = [note, ...error.traceback];
    }
    const target = late ?? this.current;
    if (target && !this.shuttingDown) void this.iopub.send("error", error, target.parent);
    else this.log(`uncaught: ${error.traceback.join("\n")}`);
  }

  // ---- shutdown ----

  private async shutdown(restart: boolean, parent: Partial<Header>): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.worker?.postMessage({ type: "exiting" }); // we are free: the control thread's failsafe can wait longer
    // (protocol 5.4 also broadcasts the reply, so every client learns of the shutdown)
    await this.iopub.send("shutdown_reply", { status: "ok", restart }, parent);
    try {
      this.compiler?.close();
    } catch {
      // watchers already gone
    }
    this.shell.close();
    this.stdin.close();
    this.iopubSocket.close();
    process.exit(0); // (the exit handler stops the worker)
  }

  /**
   * Close this thread's sockets on the way out. Left open, zeromq closes them in its own teardown, after Node
   * stopped running JS: rejecting the read still pending on shell or stdin then throws a C++ Napi::Error and
   * the process aborts (the likely cause of a SIGABRT seen once in CI after a cell's process.exit(3)). Queued
   * iopub messages still go out within the linger.
   */
  private closeSocketsSync(): void {
    for (const socket of [this.shell, this.stdin, this.iopubSocket]) {
      try {
        if (!socket.closed) socket.close();
      } catch {
        // already closed by shutdown
      }
    }
    this.control?.close();
  }

  /**
   * Make the control thread close its zeromq sockets, waiting for it (at most 5 s: the thread may be starved
   * on a loaded machine): a process that exits while a worker holds them aborts in zeromq's cleanup (SIGABRT
   * instead of the exit code). Blocking is fine here: it runs on the way out, also from process.exit() in a cell.
   */
  private stopWorkerSync(): void {
    if (!this.worker || !this.workerStopped || Atomics.load(this.workerStopped, 0) === 1) return;
    this.worker.postMessage({ type: "stop" });
    Atomics.wait(this.workerStopped, 0, 0, 5000);
  }
}
