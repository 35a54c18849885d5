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

  const client = new KernelClient();
  const command = options.kernelCommand ?? kernelArgv();
  try {
    await client.start(command, path.dirname(path.resolve(file)), options.env ?? {}, {
      startTimeoutMs: (options.startTimeoutSec ?? 60) * 1000,
    });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const kernel = kernelLabel(client.kernelInfo, command);

  const result: RunResult = { notebook: file, output, status: "ok", seconds: 0, kernel, cells: [], errors: [] };
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
      const { status, res, failure } = await runCell(client, cell, file, index, timeoutMs);
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
  } finally {
    await client.shutdown();
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
): Promise<{ status: CellStatus; res?: ExecuteResult; failure?: CellFailure }> {
  let res: ExecuteResult;
  try {
    res = await client.execute(joinText(cell.source), { timeoutMs });
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
