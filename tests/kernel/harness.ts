/**
 * A raw Jupyter client for the kernel tests: every message the kernel sends is kept (iopub in arrival
 * order), requests go out on any channel, and shell and stdin share one routing id as in jupyter_client.
 */
import { spawn, type ChildProcess } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as zmq from "zeromq";
import { kernelArgv } from "../../kernel-ext/kernel/argv";
import { channelAddress, createConnectionFile, pingHeartbeat, type ConnectionInfo } from "../../kernel-ext/run/connection";
import { decode, encode, newMessage, type Message } from "../../kernel-ext/run/message";

export interface Exchange {
  reply: Message;
  /** iopub messages of this request, from "busy" to "idle" */
  iopub: Message[];
}

export interface StartOptions {
  cwd: string;
  env?: Record<string, string>;
  /** argv with {connection_file} (default: the transferlab kernel) */
  argv?: string[];
}

export class RawKernel {
  readonly session = randomUUID();
  readonly iopubLog: Message[] = [];
  /** what the kernel sent on stdin (input_request) */
  readonly stdinLog: Message[] = [];
  stderr = "";
  exitCode: number | null | undefined = undefined;
  /** answers input_request on stdin; default: none (the request stays unanswered) */
  onInput: ((m: Message) => string | undefined) | undefined;
  private readonly waiters = new Map<string, (m: Message) => void>();
  private readonly unclaimed = new Map<string, Message>();
  private readonly iopubListeners = new Set<() => void>();
  private sending = new Map<zmq.Socket, Promise<void>>();
  private constructor(
    readonly proc: ChildProcess,
    readonly info: ConnectionInfo,
    private readonly dir: string,
    readonly shell: zmq.Dealer,
    readonly control: zmq.Dealer,
    readonly stdin: zmq.Dealer,
    readonly iopub: zmq.Subscriber,
  ) {}

  static async start(options: StartOptions): Promise<RawKernel> {
    const { file, dir, info } = await createConnectionFile();
    const argv = (options.argv ?? kernelArgv()).map((a) => a.replace("{connection_file}", file));
    const proc = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    const routingId = `test-${randomUUID()}`;
    const shell = new zmq.Dealer({ linger: 0, routingId });
    const stdin = new zmq.Dealer({ linger: 0, routingId });
    const control = new zmq.Dealer({ linger: 0 });
    const iopub = new zmq.Subscriber({ linger: 0 });
    shell.connect(channelAddress(info, "shell"));
    stdin.connect(channelAddress(info, "stdin"));
    control.connect(channelAddress(info, "control"));
    iopub.connect(channelAddress(info, "iopub"));
    iopub.subscribe();
    const k = new RawKernel(proc, info, dir, shell, control, stdin, iopub);
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => (k.stderr += d));
    proc.stdout!.resume();
    proc.once("exit", (code) => (k.exitCode = code));
    void k.loop(shell, (m) => k.onReply(m));
    void k.loop(control, (m) => k.onReply(m));
    void k.loop(stdin, (m) => k.onStdin(m));
    void k.loop(iopub, (m) => {
      k.iopubLog.push(m);
      for (const l of k.iopubListeners) l();
    });
    // ready: a kernel_info_reply, and iopub delivering (a late subscriber misses the first messages)
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (k.exitCode !== undefined) throw new Error(`the kernel exited with ${k.exitCode}: ${k.stderr}`);
      const r = await k.send("shell", "kernel_info_request", {}).then((id) => k.waitReply(id, 5000)).catch(() => undefined);
      if (r && k.iopubLog.length > 0) break;
      if (Date.now() > deadline) throw new Error(`the kernel did not become ready: ${k.stderr}`);
      await sleep(50);
    }
    return k;
  }

  /** Send a request; resolves to its msg_id once sent. */
  async send(channel: "shell" | "control" | "stdin", type: string, content: object, parent: Message["parent_header"] = {}): Promise<string> {
    const sock = channel === "shell" ? this.shell : channel === "control" ? this.control : this.stdin;
    const msg = newMessage(type, content, this.session, parent);
    const frames = encode(this.info.key, msg);
    const prev = this.sending.get(sock) ?? Promise.resolve();
    const next = prev.then(() => sock.send(frames));
    this.sending.set(sock, next.catch(() => undefined));
    await next;
    return msg.header.msg_id;
  }

  waitReply(id: string, timeoutMs = 30_000): Promise<Message> {
    // the reply may have arrived before anyone waited for it
    const early = this.unclaimed.get(id);
    if (early) {
      this.unclaimed.delete(id);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no reply to ${id} within ${timeoutMs} ms; kernel stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.set(id, (m) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(m);
      });
    });
  }

  /** The iopub messages of request `id`, once its "idle" status arrived. */
  async waitIdle(id: string, timeoutMs = 30_000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.iopubLog.filter((m) => m.parent_header.msg_id === id);
      if (mine.some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle")) return mine;
      if (Date.now() > deadline) throw new Error(`no idle status for ${id}; got ${mine.map((m) => m.header.msg_type).join(", ")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        const l = () => {
          clearTimeout(t);
          this.iopubListeners.delete(l);
          r();
        };
        this.iopubListeners.add(l);
      });
    }
  }

  async request(type: string, content: object, channel: "shell" | "control" = "shell", timeoutMs = 30_000): Promise<Exchange> {
    const id = await this.send(channel, type, content);
    const reply = await this.waitReply(id, timeoutMs);
    const iopub = channel === "shell" ? await this.waitIdle(id, timeoutMs) : [];
    return { reply, iopub };
  }

  execute(code: string, options: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<Exchange> {
    return this.request("execute_request", executeContent(code, options), "shell", timeoutMs);
  }

  /** Outputs of an exchange, as [msg_type, content] pairs (statuses and execute_input left out). */
  static outputs(x: Exchange): [string, Record<string, unknown>][] {
    return x.iopub.filter((m) => !["status", "execute_input"].includes(m.header.msg_type)).map((m) => [m.header.msg_type, m.content]);
  }

  heartbeat(timeoutMs = 2000): Promise<boolean> {
    return pingHeartbeat(this.info, timeoutMs);
  }

  /** Resolves with the exit code once the process ended (or undefined after timeoutMs). */
  exited(timeoutMs: number): Promise<number | null | undefined> {
    if (this.exitCode !== undefined) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(undefined), timeoutMs);
      this.proc.once("exit", (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  /** Shut down politely, then make sure: kill the process group, close sockets, remove the connection file. */
  async close(): Promise<void> {
    if (this.exitCode === undefined) {
      // (a send to a kernel that is gone never completes: do not wait for it)
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((r) => (timer = setTimeout(r, 1000)));
      await Promise.race([this.send("control", "shutdown_request", { restart: false }).catch(() => undefined), gaveUp]);
      clearTimeout(timer);
      if ((await this.exited(3000)) === undefined && this.proc.pid) {
        try {
          process.kill(-this.proc.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private onReply(m: Message): void {
    const id = m.parent_header.msg_id;
    if (!id) return;
    const waiter = this.waiters.get(id);
    if (waiter) waiter(m);
    else this.unclaimed.set(id, m);
  }

  private onStdin(m: Message): void {
    this.stdinLog.push(m);
    const value = this.onInput?.(m);
    if (value === undefined) return;
    void this.send("stdin", "input_reply", { value }, m.header);
  }

  private async loop(sock: zmq.Dealer | zmq.Subscriber, handle: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        try {
          handle(decode(this.info.key, frames));
        } catch {
          // bad message: the tests check signatures elsewhere
        }
      }
    } catch {
      // closed
    }
  }
}

export function executeContent(code: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  return { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...options };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
