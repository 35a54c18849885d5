/** @transferlab/kernel-ext: what notebooks import for rich display, and what the `tlab` command is built from. */
export * from "./display";
export { input, InputOptions } from "./kernel/input";
export { runSetting, bySetting, OFFICE_CALTECH_PAIRS, RunSetting } from "./setting";
