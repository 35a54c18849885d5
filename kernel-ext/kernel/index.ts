/** The kernel side: the transferlab kernel (main.ts, a process of its own), its kernelspec, and tslab's place. */
export {
  DISPLAY_NAME,
  KERNEL_NAME,
  installKernelspec,
  jupyterDataDir,
  kernelJson,
  kernelspecDir,
  uninstallKernelspec,
} from "./install";
export type { KernelJson, KernelspecOptions } from "./install";
export { kernelArgv, kernelMain } from "./argv";
export { kernelExtVersion, tslabVersion } from "./info";
export { typescriptVersion } from "./typescript";
export { tslabBin, tslabKernelArgv } from "./tslab";
export { input } from "./input";
export type { InputOptions } from "./input";
