/**
 * The transferlab kernel process, as a kernelspec starts it:
 *   node kernel-ext/lib/kernel/main.js --connection-file {connection_file}
 * (also `-f FILE`, ipykernel's spelling). It runs in the notebook's folder, as Jupyter starts kernels.
 */
import { installModuleCodeCache } from "./v8cache";
// before the kernel's own modules load: they, zeromq and what cells require then compile from V8's cache
installModuleCodeCache();
import { forgetConnectionFile, hardened } from "./harden";
import { KernelServer } from "./server";

function connectionFile(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--connection-file" || a === "-f") return argv[i + 1];
    if (a.startsWith("--connection-file=")) return a.slice("--connection-file=".length);
  }
  return undefined;
}

async function main(): Promise<void> {
  const file = connectionFile(process.argv.slice(2));
  if (!file) {
    process.stderr.write("usage: node kernel-ext/lib/kernel/main.js --connection-file FILE (Jupyter passes it)\n");
    process.exit(2);
  }
  process.title = "transferlab-kernel";
  const server = new KernelServer(file);
  if (hardened()) forgetConnectionFile(file);
  await server.start();
}

main().catch((e: Error) => {
  process.stderr.write(`transferlab kernel: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
