/**
 * The grader's compile service: one trusted process of ours that type-checks and compiles cells for all
 * the sandboxed kernels, so that no kernel builds a compiler of its own (TypeScript's load, ES2022's and
 * Node's declarations, then transferlab's: most of a kernel's CPU time) and identical cells are compiled
 * once. Before grading it compiles what submissions share (the source notebook and its student edition,
 * restored as every submission is, with the branches where a cell fails at run time); then it answers,
 * for each cell a kernel is about to run, with the cell's compilation after that kernel's declarations
 * (known by their hash, see kernel/compilecache.ts).
 *
 * Nothing is executed here: cells are only compiled. Student code is compiled as untrusted text; a cell
 * the service takes too long over is left to its kernel (which compiles under the cell's time limit) and
 * the service is stopped. The service also leaves TypeScript's V8 code cache in a folder the kernels may
 * read (TLAB_KERNEL_CACHE), for the cells they compile themselves.
 *
 * Run as `node precompile.js CONFIG.json` (the child; the parent is CompileService).
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { declHash, EMPTY_DECL_HASH, fromEntry, readsFiles, toEntry } from "../kernel/compilecache";
import type { Compiled } from "../kernel/compiler";
import { Compiler } from "../kernel/compiler";
import { cellOptions } from "../kernel/options";
import { loadTypeScript } from "../kernel/typescript";
import { saveCodeCache } from "../kernel/v8cache";

interface Config {
  /** the compiling folder: laid out as a sandbox's working folder (a node_modules link, nothing else) */
  cwd: string;
  /** code cells, in order, of each notebook to compile ahead */
  chains: string[][];
}

/** How long one cell may take to compile in the service before it is given up (and the service stopped). */
const COMPILE_LIMIT_MS = 20_000;

export class CompileService {
  /** cells answered from what the service had compiled / compiled on demand / left to the kernel */
  readonly stats = { shared: 0, compiled: 0, left: 0 };
  private child: ChildProcess | undefined;
  private readonly waiting = new Map<number, (answer: { entry: string | null; compiled: boolean }) => void>();
  private nextId = 1;
  private stopped: string | undefined;
  readonly ready: Promise<void>;

  /**
   * Start the service in `work` (a folder of ours, removed by close()), compiling `chains` ahead.
   * `modules`: the folder whose node_modules the kernels use; `env`: the kernels' Node settings.
   */
  constructor(
    private readonly work: string,
    chains: string[][],
    modules: string,
    env: Record<string, string>,
    /** the V8 code cache folder the kernels read */
    v8Dir: string,
  ) {
    const cwd = path.join(work, "cwd");
    fs.mkdirSync(cwd, { recursive: true });
    fs.symlinkSync(path.join(modules, "node_modules"), path.join(cwd, "node_modules"));
    const configFile = path.join(work, "config.json");
    fs.writeFileSync(configFile, JSON.stringify({ cwd, chains } satisfies Config));
    const child = spawn(process.execPath, [scriptPath(), configFile], {
      cwd,
      env: { ...env, HOME: work, TLAB_KERNEL_CACHE: v8Dir },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    // (a write to a service that died meanwhile: its exit stops the service; nothing to throw)
    child.stdin!.on("error", () => undefined);
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    let markReady!: () => void;
    let fail!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (fail = reject)));
    this.ready.catch(() => undefined);
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === "ready") return markReady();
      try {
        const m = JSON.parse(line) as { id: number; entry: string | null; compiled: boolean };
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      } catch {
        // not ours
      }
    });
    child.once("error", (e) => this.stop(`cannot start: ${e.message}`, fail));
    child.once("exit", (code, signal) => this.stop(`it exited (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-3).join(" / ")}` : ""}`, fail));
  }

  /** The service's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Why the service stopped, if it did (kernels then compile their cells themselves). */
  get stoppedBecause(): string | undefined {
    return this.stopped;
  }

  /**
   * The compilation of `src` after the declarations hashed `hash`, for a kernel working in `cwd`;
   * undefined when the service cannot tell (declarations it never produced, a cell that reads files, a
   * module cell) or took too long.
   */
  async compile(hash: string, src: string, cwd: string): Promise<Compiled | undefined> {
    if (this.stopped || !this.child?.stdin) {
      this.stats.left++;
      return undefined;
    }
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const answer = await new Promise<{ entry: string | null; compiled: boolean } | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
        // a cell that keeps the checker busy this long would hold up every kernel behind it
        this.stop(`a cell took more than ${COMPILE_LIMIT_MS / 1000} s to compile`);
      }, COMPILE_LIMIT_MS);
      this.child!.stdin!.write(`${JSON.stringify({ id, hash, src })}\n`);
    });
    clearTimeout(timer);
    if (!answer?.entry) {
      this.stats.left++;
      return undefined;
    }
    if (answer.compiled) this.stats.compiled++;
    else this.stats.shared++;
    return fromEntry(answer.entry, cwd);
  }

  async close(): Promise<void> {
    const child = this.child;
    this.stop("closed");
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  private stop(why: string, fail?: (e: Error) => void): void {
    if (this.stopped) return;
    this.stopped = why;
    fail?.(new Error(`the compile service stopped: ${why}`));
    for (const resolve of this.waiting.values()) resolve({ entry: null, compiled: false });
    this.waiting.clear();
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }
}

/** The compiled script: next to us in lib/grade, or in lib/grade when we run from the sources (tests). */
function scriptPath(): string {
  const here = path.join(__dirname, "precompile.js");
  if (fs.existsSync(here)) return here;
  return path.resolve(__dirname, "..", "lib", "grade", "precompile.js");
}

/** Ahead-of-time compilations at most: the branches (below) could otherwise grow as 2^cells. */
const BUDGET = 40;

/** The child. */
function main(): void {
  const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Config;
  const compiler = new Compiler(config.cwd, cellOptions(loadTypeScript(), config.cwd).options, "plain");
  const { getCodeMetadata } = require("tslab/dist/metadata") as typeof import("tslab/dist/metadata");
  /** every declarations text this service produced, by hash: the states a kernel can be in */
  const decls = new Map<string, string>([[EMPTY_DECL_HASH, ""]]);
  /** entries by "hash\0src" (null: not shareable) */
  const entries = new Map<string, string | null>();

  const compileOne = (prevDecl: string, src: string): { entry: string | null; compiled?: Compiled } => {
    const key = `${declHash(prevDecl)}\0${src}`;
    const known = entries.get(key);
    if (known !== undefined) return { entry: known };
    // a cell naming files is compiled by its kernel, in its sandbox: the service (root) reads no file for it
    if (readsFiles(src)) {
      entries.set(key, null);
      return { entry: null };
    }
    const meta = getCodeMetadata(src);
    // a module cell changes what later cells compile against: left to the kernel
    if (meta.module || meta.mode === "browser") {
      entries.set(key, null);
      return { entry: null };
    }
    const compiled = compiler.convert(prevDecl, src);
    const entry = toEntry(src, prevDecl, compiled, config.cwd);
    entries.set(key, entry);
    if (entry && !compiled.diagnostics.length) decls.set(declHash(compiled.declOutput ?? ""), compiled.declOutput ?? "");
    return { entry, compiled };
  };

  // Ahead of time. A cell that throws when it runs (a failing test, a stub's `throw`) leaves no
  // declarations, so the cells after it compile against others: those branches too, the likeliest first
  // (every cell succeeding; then one failing, the later ones first), within a budget.
  let compiles = 0;
  const seen = new Set<string>();
  const walk = (chain: string[], c: number, from: number, start: string): void => {
    const failures: { at: number; prevDecl: string }[] = [];
    let prevDecl = start;
    for (let i = from; i < chain.length; i++) {
      const src = chain[i];
      if (src.trim() === "") continue;
      const state = `${c}\0${i}\0${prevDecl}`;
      if (seen.has(state) || compiles >= BUDGET) return; // joins a branch compiled already
      seen.add(state);
      const r = compileOne(prevDecl, src);
      if (r.compiled) compiles++;
      if (!r.entry) return;
      const compiled = fromEntry(r.entry, config.cwd);
      // as the executor: a cell with type errors does not run and adds no declarations
      if (compiled.diagnostics.length) continue;
      const next = compiled.declOutput ?? "";
      if (next !== prevDecl) failures.push({ at: i + 1, prevDecl });
      prevDecl = next;
    }
    for (const f of failures.reverse()) walk(chain, c, f.at, f.prevDecl);
  };
  config.chains.forEach((chain, c) => walk(chain, c, 0, ""));
  saveCodeCache();
  process.stdout.write("ready\n");

  // Then on demand, one request a line.
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    const { id, hash, src } = JSON.parse(line) as { id: number; hash: string; src: string };
    const prevDecl = decls.get(hash);
    let answer: { entry: string | null; compiled: boolean } = { entry: null, compiled: false };
    if (prevDecl !== undefined) {
      try {
        const r = compileOne(prevDecl, src);
        answer = { entry: r.entry, compiled: Boolean(r.compiled) };
      } catch {
        // the converter failed on this cell: the kernel compiles it (and reports why)
      }
    }
    process.stdout.write(`${JSON.stringify({ id, ...answer })}\n`);
  });
  process.stdin.on("end", () => {
    compiler.close();
    process.exit(0);
  });
}

if (require.main === module) main();
