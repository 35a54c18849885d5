/** Headless notebook execution over the Jupyter messaging protocol. */
export { KernelClient, KernelDiedError } from "./client";
export type { ExecuteOptions, ExecuteResult, ExecuteStatus, StartOptions } from "./client";
export { runNotebook, findBackend } from "./runner";
export type { CellFailure, CellProgress, CellStatus, LateError, Precompiled, RunOptions, RunResult } from "./runner";
export type { OutputEvent } from "./outputs";
export { parseKernelError } from "./errors";
export { channelAddress, createConnectionFile, freePorts } from "./connection";
export type { ConnectionInfo, ConnectionOptions } from "./connection";
