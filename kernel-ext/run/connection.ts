/**
 * Connection files: a random signing key and five channels, either free TCP ports on the loopback
 * interface or ZeroMQ ipc sockets (Unix domain sockets: no network at all, e.g. for a kernel in a network
 * namespace of its own).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";

export interface ConnectionInfo {
  /** "ipc": `ip` is a path prefix and channel N is the socket file `<ip>-<N>` (Jupyter's convention) */
  transport: "tcp" | "ipc";
  ip: string;
  key: string;
  signature_scheme: "hmac-sha256";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  kernel_name: string;
}

export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

export function channelAddress(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  if (info.transport === "ipc") return `ipc://${info.ip}-${port}`;
  if (info.transport !== "tcp") throw new Error(`unsupported transport "${String(info.transport)}" in the connection file (tcp or ipc)`);
  return `tcp://${info.ip}:${port}`;
}

/** Whether the kernel of `info` echoes a ping on its heartbeat channel within `timeoutMs`. */
export async function pingHeartbeat(info: ConnectionInfo, timeoutMs: number): Promise<boolean> {
  const req = new zmq.Request({ linger: 0, sendTimeout: timeoutMs, receiveTimeout: timeoutMs });
  try {
    req.connect(channelAddress(info, "hb"));
    await req.send("ping");
    const [echo] = await req.receive();
    return echo.toString() === "ping";
  } catch {
    return false;
  } finally {
    req.close();
  }
}

/** Unix domain socket paths are limited to 107 bytes on Linux (sun_path). */
const MAX_IPC_PATH = 107;

/**
 * `count` distinct ports the OS reports free. They are drawn at random below Linux's ephemeral range
 * (32768+), where the OS itself hands out the local ports of outgoing connections and of port-0 listeners:
 * taking ours from there let one kernel's port be grabbed by another kernel's client socket before the
 * kernel bound it. A port can still be taken in between (the race jupyter_client accepts);
 * KernelClient.start retries on fresh ports when that happens.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: net.Server[] = [];
  const listen = (server: net.Server, port: number) =>
    new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
  try {
    const ports: number[] = [];
    for (let tries = 0; ports.length < count; tries++) {
      const server = net.createServer();
      // after many misses (a crowded range), let the OS choose
      const wanted = tries < 50 * count ? LOW_PORT + Math.floor(Math.random() * (HIGH_PORT - LOW_PORT)) : 0;
      if (ports.includes(wanted) || !(await listen(server, wanted))) continue;
      servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

const LOW_PORT = 20000;
const HIGH_PORT = 32768;

export interface ConnectionOptions {
  /** default "tcp" */
  transport?: "tcp" | "ipc";
  /**
   * ipc only: the folder for the socket files (the kernel creates them there, so it must be able to write
   * it); default the connection file's own private folder
   */
  ipcDir?: string;
}

/** Write a connection file (mode 0600: the key authorises running code) in a fresh private temp dir. */
export async function createConnectionFile(
  kernelName = "transferlab",
  options: ConnectionOptions = {},
): Promise<{ file: string; dir: string; info: ConnectionInfo }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-kernel-"));
  const ipc = options.transport === "ipc";
  let ip = "127.0.0.1";
  if (ipc) {
    // one prefix per connection: several kernels may share an ipc folder
    ip = path.join(path.resolve(options.ipcDir ?? dir), `kernel-${randomBytes(4).toString("hex")}`);
    if (Buffer.byteLength(`${ip}-5`) > MAX_IPC_PATH) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`ipc socket path ${ip}-5 is longer than ${MAX_IPC_PATH} bytes: choose a shorter ipc folder`);
    }
  }
  // ipc channels are files: numbers 1-5 name them; tcp needs free ports
  const [shell, iopub, stdin, control, hb] = ipc ? [1, 2, 3, 4, 5] : await freePorts(5);
  const info: ConnectionInfo = {
    transport: ipc ? "ipc" : "tcp",
    ip,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    kernel_name: kernelName,
  };
  const file = path.join(dir, "kernel.json");
  fs.writeFileSync(file, JSON.stringify(info, null, 1), { mode: 0o600 });
  return { file, dir, info };
}
