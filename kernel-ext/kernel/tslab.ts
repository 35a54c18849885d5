/** Where the tslab kernel is: resolved from this package's own dependencies, so any cwd works. */
import * as fs from "fs";
import * as path from "path";

/** Absolute path of tslab's `bin/tslab` script. */
export function tslabBin(): string {
  return path.join(path.dirname(require.resolve("tslab/package.json")), "bin", "tslab");
}

/** The installed tslab version, e.g. "1.0.22". */
export function tslabVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve("tslab/package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * The command that starts tslab's kernel; "{connection_file}" is replaced by the path of the connection
 * file, as in a kernelspec's argv. `process.execPath` rather than "node": Jupyter may start kernels with
 * a PATH where `node` is another version, or none.
 */
export function tslabKernelArgv(): string[] {
  return [process.execPath, tslabBin(), "kernel", "--config-path", "{connection_file}"];
}
