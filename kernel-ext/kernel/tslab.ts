/**
 * Plain tslab's own kernel (its ZMQ server), kept as the baseline for bench/kernel.ts and comparisons;
 * the kernel we register and run is main.ts. Resolved from this package's dependencies, so any cwd works.
 */
import * as path from "path";

/** Absolute path of tslab's `bin/tslab` script. */
export function tslabBin(): string {
  return path.join(path.dirname(require.resolve("tslab/package.json")), "bin", "tslab");
}

/** The command that starts plain tslab's kernel; "{connection_file}" as in a kernelspec's argv. */
export function tslabKernelArgv(): string[] {
  return [process.execPath, tslabBin(), "kernel", "--config-path", "{connection_file}"];
}
