/**
 * Execute a notebook headlessly, like nbclient: a fresh kernel, code cells in order, outputs and timing
 * recorded in the notebook, the result written atomically. Adds a run record in notebook metadata
 * (`metadata.transferlab`: kernel, TensorFlow.js backend, date, duration, per-cell status).
 */
import * as path from "path";
import {
  joinText,
  readNotebook,
  writeNotebookAtomic,
  type CodeCell,
  type ExecutionTimestamps,
  type Notebook,
  type Output,
  type RunRecord,
} from "../notebook";
import { kernelArgv } from "../kernel/argv";
import { EMPTY_DECL_HASH } from "../kernel/compilecache";
import { KernelClient, KernelDiedError, type ExecuteResult } from "./client";

export interface RunOptions {
  /** directory for the executed copy (`<out>/<name>.ipynb`); without it the notebook is rewritten in place */
  out?: string;
  /** per-cell limit in seconds (default 600; 0 = none) */
  timeoutSec?: number;
  /** added to the kernel's environment (which inherits ours: TL_QUICK, TL_FULL, TL_BACKEND pass through) */
  env?: Record<string, string>;
  /** run on after a failing cell, as nbclient's allow_errors (cells tagged "raises-exception" always may fail) */
  allowErrors?: boolean;
  /** kernel argv with "{connection_file}" (default: the transferlab kernel of this package) */
  kernelCommand?: string[];
  /** called when each code cell starts and when it is done */
  onCell?: (info: CellProgress) => void;
  /** how long the kernel may take to start (default 60 s) */
  startTimeoutSec?: number;
  /** channels over loopback TCP (default) or ZeroMQ ipc sockets in `ipcDir` (see StartOptions) */
  transport?: "tcp" | "ipc";
  ipcDir?: string;
  /**
   * A kernel already started (e.g. by a pool, ahead of time) to run this notebook in, instead of starting
   * one: the runner shuts it down at the end. kernelCommand, env and the start options are then unused.
   */
  client?: KernelClient;
  /**
   * Compiled cells to send with their requests (the transferlab kernel then skips compiling them): the
   * compilation of `src` after the declarations hashed `declHash`, if known. See kernel/compilecache.ts.
   */
  precompiled?: (declHash: string, src: string) => Precompiled | undefined | Promise<Precompiled | undefined>;
  /**
   * After the last cell, wait this long (ms) before shutting the kernel down, so that a timer or promise
   * the cells left behind can still report (a late error, see RunResult.lateErrors); not when the kernel
   * says nothing is left pending (ours does, execute_reply `tlab_pending`). Default 0.
   */
  settleMs?: number;
}

/** A cell's compilation made outside the kernel (see kernel/compilecache.ts). */
export interface Precompiled {
  declHash: string;
  compiled: unknown;
}

/** ok; error (the cell threw); timeout (interrupted); aborted (the kernel kept refusing it); died (kernel exited) */
export type CellStatus = "ok" | "error" | "timeout" | "aborted" | "died";

export interface CellProgress {
  phase: "start" | "done";
  notebook: string;
  /** 0-based among all cells */
  index: number;
  /** 1-based among all cells: the "cell N" a reader counts */
  number: number;
  /** 0-based among the code cells that run, and how many run */
  codeIndex: number;
  codeCount: number;
  status?: CellStatus;
  seconds?: number;
  executionCount?: number | null;
}

export interface CellFailure {
  notebook: string;
  cellIndex: number;
  cellNumber: number;
  status: CellStatus;
  ename: string;
  evalue: string;
  /** the error's traceback (message, stack, the failing line), or the kernel's death notice */
  error: string;
  /** one line for humans: "<notebook>, cell N: TypeError: boom" */
  message: string;
}

export interface RunResult {
  notebook: string;
  /** the file written */
  output: string;
  /** "failed" when a cell failure (or the kernel's death) stopped the run */
  status: "ok" | "failed";
  seconds: number;
  kernel: string;
  backend?: string;
  cells: { index: number; status: CellStatus; seconds: number; executionCount: number | null }[];
  /** every failing cell, in order (several only with allowErrors) */
  errors: CellFailure[];
  /** the failure that stopped the run */
  failure?: CellFailure;
  /**
   * Errors thrown after their cell had finished, by a timer or promise it left behind, as the kernel
   * attributed them (ours: to the cell that scheduled them; they fail no other cell). Each is also an
   * error output of that cell. The cell's status stays what its own run gave.
   */
  lateErrors: LateError[];
}

export interface LateError {
  cellIndex: number;
  cellNumber: number;
  ename: string;
  evalue: string;
  /** one line for humans: "<notebook>, cell N, after it finished: Error: boom" */
  message: string;
}

const BACKEND_LINE = /^transferlab backend: ([^\s(]+)/m;

/**
 * Run every code cell of the notebook at `file` in a fresh kernel started in the notebook's directory.
 * Cell failures are reported in the result (and the notebook is still written); a notebook that cannot
 * be read or a kernel that cannot start throws, naming the notebook.
 */
export async function runNotebook(file: string, options: RunOptions = {}): Promise<RunResult> {
  const nb = readNotebook(file);
  const output = options.out ? path.join(options.out, `${path.basename(file, ".ipynb")}.ipynb`) : file;
  const timeoutSec = options.timeoutSec ?? 600;
  const timeoutMs = timeoutSec > 0 && Number.isFinite(timeoutSec) ? timeoutSec * 1000 : undefined;
  const started = Date.now();
  const date = new Date(started).toISOString();

  for (const cell of nb.cells) if (cell.cell_type === "code") resetCell(cell);
  const toRun = nb.cells
    .map((cell, index) => ({ cell, index }))
    .filter((c): c is { cell: CodeCell; index: number } => c.cell.cell_type === "code" && shouldRun(c.cell));

  const command = options.kernelCommand ?? kernelArgv();
  let client = options.client;
  if (client && !client.alive) {
    await client.shutdown();
    throw new Error(`${file}: the kernel started for it is no longer running; its stderr:\n${client.stderrTail.slice(-2000)}`);
  }
  if (!client) {
    client = new KernelClient();
    try {
      await client.start(command, path.dirname(path.resolve(file)), options.env ?? {}, {
        startTimeoutMs: (options.startTimeoutSec ?? 60) * 1000,
        transport: options.transport,
        ipcDir: options.ipcDir,
      });
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  const kernel = kernelLabel(client.kernelInfo, command);

  const result: RunResult = { notebook: file, output, status: "ok", seconds: 0, kernel, cells: [], errors: [], lateErrors: [] };
  const ran: { index: number; res: ExecuteResult }[] = [];
  // the kernel's declarations: none in a fresh kernel; then as each reply reports (unknown: no more lookups)
  let decl: string | undefined = options.precompiled ? EMPTY_DECL_HASH : undefined;
  const notify = (info: Omit<CellProgress, "notebook" | "codeCount">) => {
    try {
      options.onCell?.({ ...info, notebook: file, codeCount: toRun.length });
    } catch {
      // a failing progress callback must not lose the run
    }
  };
  try {
    for (const [codeIndex, { cell, index }] of toRun.entries()) {
      notify({ phase: "start", index, number: index + 1, codeIndex });
      const precompiled = decl !== undefined ? await options.precompiled?.(decl, joinText(cell.source)) : undefined;
      const { status, res, failure } = await runCell(client, cell, file, index, timeoutMs, precompiled);
      if (res) ran.push({ index, res });
      decl = res?.declHash;
      const seconds = round3((res?.durationMs ?? 0) / 1000);
      result.cells.push({ index, status, seconds, executionCount: cell.execution_count });
      const backend = res && findBackend(res.outputs);
      if (backend) result.backend = backend;
      notify({ phase: "done", index, number: index + 1, codeIndex, status, seconds, executionCount: cell.execution_count });
      if (!failure) continue;
      result.errors.push(failure);
      const mayFail = options.allowErrors || hasTag(cell, "raises-exception");
      if (status === "died" || !client.alive || !mayFail) {
        result.status = "failed";
        result.failure = failure;
        break;
      }
    }
    // (our kernel says whether anything is left that could still call back; others are waited for)
    const last = ran[ran.length - 1]?.res;
    if (options.settleMs && client.alive && last && last.pending !== 0) await new Promise((r) => setTimeout(r, options.settleMs));
  } finally {
    await client.shutdown();
  }
  for (const { index, res } of ran) {
    for (const e of res.lateErrors) {
      const message = `${file}, cell ${index + 1}, after it finished: ${e.ename}: ${e.evalue.split("\n")[0]}`;
      result.lateErrors.push({ cellIndex: index, cellNumber: index + 1, ename: e.ename, evalue: e.evalue, message });
    }
  }

  result.seconds = round3((Date.now() - started) / 1000);
  recordRun(nb, result, date, client.kernelInfo);
  writeNotebookAtomic(output, nb);
  return result;
}

/** Execute one cell and store its outputs, count and timestamps in it. */
async function runCell(
  client: KernelClient,
  cell: CodeCell,
  file: string,
  index: number,
  timeoutMs: number | undefined,
  precompiled?: Precompiled,
): Promise<{ status: CellStatus; res?: ExecuteResult; failure?: CellFailure }> {
  let res: ExecuteResult;
  try {
    res = await client.execute(joinText(cell.source), { timeoutMs, ...(precompiled ? { precompiled } : {}) });
  } catch (e) {
    if (!(e instanceof KernelDiedError)) throw e;
    cell.outputs = [...e.outputs, { output_type: "error", ename: "DeadKernelError", evalue: e.message, traceback: [] }];
    return { status: "died", failure: failureOf(file, index, "died", "DeadKernelError", e.message, e.message) };
  }
  cell.outputs = res.outputs;
  cell.execution_count = res.executionCount;
  cell.metadata.execution = definedOnly(res.timestamps);
  if (res.status === "ok") return { status: "ok", res };
  const status: CellStatus = res.status === "abort" ? "aborted" : res.status;
  const ename = res.error?.ename ?? "Error";
  const evalue = res.error?.evalue ?? "";
  // the kernel's traceback; for kernels that only print errors (plain tslab), their stderr
  const traceback = res.error?.traceback.join("\n") ?? "";
  const text =
    status === "timeout"
      ? `${ename}: ${evalue}\n${res.stderr}`
      : traceback.includes(evalue) && traceback.trim()
        ? traceback
        : res.stderr || `${ename}: ${evalue}`;
  return { status, res, failure: failureOf(file, index, status, ename, evalue, text) };
}

function failureOf(file: string, index: number, status: CellStatus, ename: string, evalue: string, error: string): CellFailure {
  const first = evalue.split("\n")[0];
  return {
    notebook: file,
    cellIndex: index,
    cellNumber: index + 1,
    status,
    ename,
    evalue,
    error: error.replace(/\s+$/, ""),
    message: `${file}, cell ${index + 1}: ${ename}: ${first}`,
  };
}

/** Outputs and timing of an earlier run would be mistaken for this one's: start from a clean cell. */
function resetCell(cell: CodeCell): void {
  cell.outputs = [];
  cell.execution_count = null;
  delete cell.metadata.execution;
}

/** nbclient skips empty cells and cells tagged "skip-execution". */
function shouldRun(cell: CodeCell): boolean {
  return joinText(cell.source).trim() !== "" && !hasTag(cell, "skip-execution");
}

function hasTag(cell: CodeCell, tag: string): boolean {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) && tags.includes(tag);
}

/** The backend named in a "transferlab backend: wasm (…)" line of the cell's stdout. */
export function findBackend(outputs: Output[]): string | undefined {
  let found: string | undefined;
  for (const o of outputs) {
    if (o.output_type !== "stream" || o.name !== "stdout") continue;
    const m = BACKEND_LINE.exec(joinText(o.text));
    if (m) found = m[1];
  }
  return found;
}

function recordRun(nb: Notebook, result: RunResult, date: string, kernelInfo: Record<string, unknown> | undefined): void {
  const record: RunRecord = {
    kernel: result.kernel,
    ...(result.backend ? { backend: result.backend } : {}),
    date,
    seconds: result.seconds,
    status: result.status,
    cells: result.cells.map(({ index, status, seconds }) => ({ index, status, seconds })),
  };
  nb.metadata.transferlab = record;
  // as nbclient: the notebook says which language its outputs came from
  const info = kernelInfo?.language_info as Notebook["metadata"]["language_info"] | undefined;
  if (info && typeof info.name === "string") nb.metadata.language_info = info;
}

function kernelLabel(info: Record<string, unknown> | undefined, command: string[]): string {
  const name = info?.implementation;
  const version = info?.implementation_version;
  if (typeof name === "string") return typeof version === "string" ? `${name} ${version}` : name;
  return path.basename(command[0]);
}

function definedOnly(t: ExecutionTimestamps): ExecutionTimestamps {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as ExecutionTimestamps;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
