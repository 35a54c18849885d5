/** How to start the transferlab kernel: the argv a kernelspec holds, and the one `tlab run` uses. */
import * as fs from "fs";
import * as path from "path";

/** kernel-ext's package directory (from lib/kernel or from the sources, as in tests). */
function packageDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "@transferlab/kernel-ext") return dir;
  }
  // compiled into another folder (bench/lib): the installed package
  try {
    return path.dirname(require.resolve("@transferlab/kernel-ext/package.json"));
  } catch {
    throw new Error(`cannot find the @transferlab/kernel-ext package above ${__dirname}`);
  }
}

/** The compiled kernel entry point, kernel-ext/lib/kernel/main.js. */
export function kernelMain(): string {
  return path.join(packageDir(), "lib", "kernel", "main.js");
}

/**
 * The command that starts the kernel; "{connection_file}" is replaced by the connection file's path.
 * `process.execPath` rather than "node": Jupyter may start kernels with a PATH where `node` is another
 * version, or none.
 */
export function kernelArgv(): string[] {
  return [process.execPath, kernelMain(), "--connection-file", "{connection_file}"];
}
