/** Connection files: five free TCP ports on the loopback interface and a random signing key. */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface ConnectionInfo {
  transport: "tcp";
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
  return `${info.transport}://${info.ip}:${info[`${channel}_port`]}`;
}

/**
 * `count` distinct ports the OS reports free. All listeners stay open until every port is known, so the
 * ports differ; another process may still take one before the kernel binds it (the same small race
 * jupyter_client accepts).
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve());
      });
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Write a connection file (mode 0600: the key authorises running code) in a fresh private temp dir. */
export async function createConnectionFile(kernelName = "transferlab"): Promise<{ file: string; dir: string; info: ConnectionInfo }> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const info: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    kernel_name: kernelName,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-kernel-"));
  const file = path.join(dir, "kernel.json");
  fs.writeFileSync(file, JSON.stringify(info, null, 1), { mode: 0o600 });
  return { file, dir, info };
}
