/** The kernel side: where tslab is, and the "transferlab" kernelspec. */
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
export { tslabBin, tslabKernelArgv, tslabVersion } from "./tslab";
