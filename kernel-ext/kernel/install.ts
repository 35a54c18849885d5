/**
 * Register the kernelspec "transferlab" with Jupyter: a directory `<data dir>/kernels/transferlab` holding
 * kernel.json (how to start the transferlab kernel with this project's node) and the launcher's logos.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kernelArgv } from "./argv";
import { kernelExtVersion, tslabVersion } from "./info";
import { LOGO_SVG, logoPng } from "./logo";
import { typescriptVersion } from "./typescript";

export const KERNEL_NAME = "transferlab";
export const DISPLAY_NAME = "TypeScript (transferlab)";

export interface KernelspecOptions {
  /** the per-user data dir rather than the system one */
  user?: boolean;
  /** install under `<prefix>/share/jupyter` (a virtualenv or conda env); wins over everything else */
  prefix?: string;
  /** environment to read JUPYTER_DATA_DIR, XDG_DATA_HOME, APPDATA, PROGRAMDATA from (default process.env) */
  env?: NodeJS.ProcessEnv;
}

export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

/**
 * The Jupyter data directory an install goes to. Order: `prefix`, then $JUPYTER_DATA_DIR (as Jupyter
 * itself, which lists kernels there first), then the user's data dir with `user`, else the system one.
 */
export function jupyterDataDir(options: KernelspecOptions = {}): string {
  const env = options.env ?? process.env;
  const home = os.homedir();
  if (options.prefix) return path.resolve(options.prefix, "share", "jupyter");
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  if (options.user) {
    if (process.platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
    if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
    return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
  }
  if (process.platform === "win32") return path.join(env.PROGRAMDATA ?? "C:\\ProgramData", "jupyter");
  return "/usr/local/share/jupyter";
}

/** Where the kernelspec directory is (or would be) for these options. */
export function kernelspecDir(options: KernelspecOptions = {}): string {
  return path.join(jupyterDataDir(options), "kernels", KERNEL_NAME);
}

/** The kernel.json we install: absolute node and kernel, so Jupyter's PATH does not matter. */
export function kernelJson(): KernelJson {
  return {
    argv: kernelArgv(),
    display_name: DISPLAY_NAME,
    language: "typescript",
    // interrupt_request on the control channel (the kernel also stops on SIGINT): works on Windows too,
    // and reaches a cell that loops forever (control runs on its own thread)
    interrupt_mode: "message",
    metadata: {
      debugger: false,
      transferlab: { version: kernelExtVersion(), typescript: typescriptVersion(), tslab: tslabVersion(), node: process.version },
    },
  };
}

/**
 * Write the kernelspec; returns its directory. Atomic: the files are written into a temporary directory
 * beside the target and renamed into place, so Jupyter never lists a half-written spec, and installing
 * again replaces the old spec whole. (Temporary names contain "~", which Jupyter's kernel names cannot.)
 */
export function installKernelspec(options: KernelspecOptions = {}): string {
  const target = kernelspecDir(options);
  const kernels = path.dirname(target);
  return withFriendlyErrors(kernels, options, () => {
    fs.mkdirSync(kernels, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(kernels, `.${KERNEL_NAME}~new-`));
    let old: string | undefined;
    try {
      fs.writeFileSync(path.join(tmp, "kernel.json"), JSON.stringify(kernelJson(), null, 1) + "\n");
      fs.writeFileSync(path.join(tmp, "logo-svg.svg"), LOGO_SVG);
      fs.writeFileSync(path.join(tmp, "logo-32x32.png"), logoPng(32));
      fs.writeFileSync(path.join(tmp, "logo-64x64.png"), logoPng(64));
      fs.chmodSync(tmp, 0o755); // mkdtemp makes it 0700: other users of a system install must read it
      if (fs.existsSync(target)) {
        old = path.join(kernels, `.${KERNEL_NAME}~old-${randomBytes(4).toString("hex")}`);
        fs.renameSync(target, old); // a directory cannot be renamed over a non-empty one: swap
      }
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        if (old) fs.renameSync(old, target);
        old = undefined;
        throw e;
      }
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    if (old) fs.rmSync(old, { recursive: true, force: true });
    return target;
  });
}

/** Remove the kernelspec; `removed` is false when there was none at that place. */
export function uninstallKernelspec(options: KernelspecOptions = {}): { path: string; removed: boolean } {
  const target = kernelspecDir(options);
  if (!fs.existsSync(target)) return { path: target, removed: false };
  return withFriendlyErrors(path.dirname(target), options, () => {
    fs.rmSync(target, { recursive: true, force: true });
    return { path: target, removed: true };
  });
}

function withFriendlyErrors<T>(dir: string, options: KernelspecOptions, work: () => T): T {
  try {
    return work();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === "EACCES" || code === "EPERM") && !options.user && !options.prefix) {
      throw new Error(`cannot write ${dir}: permission denied; use --user to install for yourself only, or --prefix`);
    }
    throw new Error(`cannot write the kernelspec in ${dir}: ${(e as Error).message}`);
  }
}
