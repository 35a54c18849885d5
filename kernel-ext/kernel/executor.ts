/**
 * Runs compiled cells, the way tslab's executor does (one `exports` object holds every top-level name of
 * every cell; each cell is a function of `exports` and `require`, run in this Node context) but reporting
 * what Jupyter needs instead of printing it: the thrown error object, the last expression's value.
 *
 * Also: require() from cells finds .ts modules the converter compiled (with directory indexes), built
 * output for sources of built projects, ES-module-only packages (imported before the cell runs), and
 * `tslab` itself; a cell can be interrupted (SIGINT while synchronous, a rejected race while awaiting);
 * an uncaught exception or unhandled rejection while the cell runs fails that cell, unless it comes from
 * code an earlier cell scheduled (each cell runs in an AsyncLocalStorage context naming it, which its
 * timers, promises and event handlers inherit).
 */
import { AsyncLocalStorage } from "async_hooks";
import Module = require("module");
import * as path from "path";
import * as vm from "vm";
import { declHash, type Precompiled } from "./compilecache";
import type { Compiled, Compiler, SideOutput } from "./compiler";
import { fromDiagnostics, fromThrown, InterruptError, type KernelError } from "./errors";
import { hardened, hideKernelModules } from "./harden";
import { interopNamespace, needsImport, requiredSpecifiers } from "./resolve";
import { SourceMap } from "./sourcemap";

export type Outcome = { ok: true; hasValue: boolean; value?: unknown } | { ok: false; error: KernelError };

/** Where a cell's code lives for stack traces; its line 1 is the wrapper, the code starts on line 2. */
const CELL_ARGS = Symbol.for("transferlab.kernel.cellArgs");

interface CellMaps {
  source: string;
  /** lines of the CommonJS code (the script has one wrapper line before and one after it) */
  lines: number;
  /** the two source maps, as JSON until a traceback needs them */
  ts?: SourceMap | string;
  cjs?: SourceMap | string;
}

export interface ExecutorHooks {
  /** a cell required "tslab": its display API must write to the current cell */
  onTslabLoaded?: (tslab: unknown) => void;
  /** text for the cell's stderr (warnings) */
  warn?: (text: string) => void;
}

export class Executor {
  /** every top-level name of every cell */
  readonly locals: Record<string, unknown>;
  private prevDecl = "";
  private readonly nodeRequire: NodeRequire;
  private readonly cellRequire: NodeRequire;
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, Module>();
  private readonly esModules = new Map<string, Record<string, unknown>>();
  private readonly cells = new Map<string, CellMaps>();
  private importer: ((specifier: string) => Promise<Record<string, unknown>>) | undefined;
  private running = false;
  private runningName: string | undefined;
  private abort: ((e: unknown) => void) | undefined;
  /** the name of the cell whose code is running, also in the callbacks it left behind */
  private readonly origin = new AsyncLocalStorage<string>();

  private compilerInstance: Compiler | undefined;

  /** `compiler` may be a function that builds it: then only a cell the cache lacks builds it */
  constructor(
    compiler: Compiler | (() => Compiler),
    private readonly cwd: string,
    private readonly hooks: ExecutorHooks = {},
  ) {
    if (typeof compiler === "function") this.makeCompiler = compiler;
    else this.compilerInstance = compiler;
    this.locals = createExports();
    this.nodeRequire = Module.createRequire(path.join(cwd, "[cell].js"));
    this.cellRequire = this.wrapRequire(this.nodeRequire, cwd);
  }

  private makeCompiler: (() => Compiler) | undefined;

  get compiler(): Compiler {
    this.compilerInstance ??= this.makeCompiler!();
    return this.compilerInstance;
  }

  /** true while a cell runs (its synchronous part or its awaited promise) */
  get busy(): boolean {
    return this.running;
  }

  /** The cell running now ("In[3]"), if one is. */
  get runningCell(): string | undefined {
    return this.running ? this.runningName : undefined;
  }

  /**
   * The cell whose code is executing at this moment, as Node tracked it through timers, promises and
   * events: in an uncaught-exception handler, the cell that scheduled the failing callback.
   */
  originOf(): string | undefined {
    return this.origin.getStore();
  }

  /** The hash of `declarations` (see compilecache.ts). */
  get declarationsHash(): string {
    return declHash(this.prevDecl);
  }

  /** The declarations of the earlier cells, as the type checker sees them. */
  get declarations(): string {
    return this.prevDecl;
  }

  /**
   * Compile and run `src` as the cell named `name` ("In[3]"). With `keepDeclarations` false (silent
   * evaluation of user expressions) the cell's declarations are not kept for later cells.
   * `interrupted` says whether an interrupt arrived before the code started running. `precompiled` (from
   * the grader) is taken instead of compiling when it was made against this kernel's declarations.
   */
  async execute(src: string, name: string, keepDeclarations = true, interrupted: () => boolean = () => false, precompiled?: Precompiled): Promise<Outcome> {
    // (a precompiled cell is an ordinary one: no @module or @browser tag)
    let compiled = precompiled && precompiled.declHash === this.declarationsHash ? precompiled.compiled : undefined;
    if (!compiled) {
      // (required here, not on load: it loads TypeScript, which typescript.ts loads with a code cache)
      const meta = (require("tslab/dist/metadata") as typeof import("tslab/dist/metadata")).getCodeMetadata(src);
      if (meta.module) {
        const diagnostics = this.compiler.addModule(meta.module, src);
        return diagnostics.length ? { ok: false, error: fromDiagnostics(diagnostics, name, src) } : { ok: true, hasValue: false };
      }
      if (meta.mode === "browser") {
        return { ok: false, error: { ename: "Error", evalue: "browser cells (@browser) are not supported by this kernel", traceback: [] } };
      }
      try {
        compiled = this.compiler.convert(this.prevDecl, src);
      } catch (e) {
        return { ok: false, error: fromThrown(e, () => null, () => undefined) };
      }
    }
    for (const out of [...(compiled.sideOutputs ?? []), ...compiled.outsideOutputs]) this.addSideOutput(out);
    for (const file of compiled.staleBuilds) {
      this.hooks.warn?.(`warning: ${path.relative(this.cwd, file)} changed after it was built; cells use the built version until you run "npm run build"\n`);
    }
    if (compiled.diagnostics.length) return { ok: false, error: fromDiagnostics(compiled.diagnostics, name, src) };
    if (!compiled.output) {
      if (keepDeclarations) this.prevDecl = compiled.declOutput ?? "";
      return { ok: true, hasValue: false };
    }
    this.cells.set(name, {
      source: src,
      lines: compiled.output.split("\n").length,
      ts: compiled.maps.ts,
      cjs: compiled.maps.cjs,
    });

    this.running = true;
    this.runningName = name;
    let failed: (e: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (failed = reject));
    aborted.catch(() => undefined);
    this.abort = failed;
    try {
      await this.importEsModules(compiled.output);
      // an interrupt that came while the cell was being compiled stops it before it runs; a SIGINT
      // caught meanwhile is only reported in the event loop's poll phase, hence the turn
      await new Promise((r) => setImmediate(r));
      if (interrupted()) throw new InterruptError();
      const wrapper = compiled.hasToplevelAwait ? "(async function" : "(function";
      const code =
        `${wrapper} (exports, require, __filename, __dirname) {\n${compiled.output}\n})` +
        `.apply(undefined, globalThis[Symbol.for("transferlab.kernel.cellArgs")])`;
      if (hardened()) hideKernelModules();
      (globalThis as Record<symbol, unknown>)[CELL_ARGS] = [this.locals, this.cellRequire, path.join(this.cwd, name), this.cwd];
      const script = new vm.Script(code, { filename: name });
      const ret = this.origin.run(name, () => script.runInThisContext({ breakOnSigint: true, displayErrors: false }) as unknown);
      // an async cell runs on; a synchronous one may have left a rejected promise: one turn of the
      // event loop lets Node report it (unhandledRejection) while this cell is still the one running
      await Promise.race([compiled.hasToplevelAwait ? ret : new Promise((r) => setImmediate(r)), aborted]);
    } catch (e) {
      return { ok: false, error: this.errorOf(e) };
    } finally {
      this.running = false;
      this.runningName = undefined;
      this.abort = undefined;
      delete (globalThis as Record<symbol, unknown>)[CELL_ARGS];
    }
    if (keepDeclarations) this.prevDecl = compiled.declOutput ?? "";
    const last = compiled.lastExpressionVar;
    if (!last || !(last in this.locals)) return { ok: true, hasValue: false };
    const value = this.locals[last];
    delete this.locals[last];
    return { ok: true, hasValue: value !== undefined, value };
  }

  /** Stop the running cell's wait (a synchronous cell is stopped by SIGINT itself); false when idle. */
  interrupt(): boolean {
    if (!this.abort) return false;
    this.abort(new InterruptError());
    return true;
  }

  /** Fail the running cell with an error raised outside it (uncaught exception, unhandled rejection). */
  fail(error: unknown): boolean {
    if (!this.abort) return false;
    this.abort(error);
    return true;
  }

  /** The Jupyter error for a thrown value, positions mapped to the cells' TypeScript. */
  errorOf(thrown: unknown): KernelError {
    return fromThrown(
      thrown,
      (file, line, column) => this.cellPosition(file, line, column),
      (file) => this.cells.get(file)?.source,
    );
  }

  complete(src: string, position: number) {
    return this.compiler.complete(this.prevDecl, src, position);
  }

  inspect(src: string, position: number) {
    return this.compiler.inspect(this.prevDecl, src, position);
  }

  /** Generated 1-based line and column in cell `file` → the cell's own 1-based position. */
  private cellPosition(file: string, line: number, column: number): { line: number; column: number } | "wrapper" | null {
    const maps = this.cells.get(file);
    if (!maps) return null;
    if (line < 2 || line > maps.lines + 1) return "wrapper";
    if (!maps.cjs || !maps.ts) return null;
    if (typeof maps.cjs === "string") maps.cjs = new SourceMap(maps.cjs);
    if (typeof maps.ts === "string") maps.ts = new SourceMap(maps.ts);
    // line 1 is the wrapper: the CommonJS output starts on line 2
    const esm = maps.cjs.originalPosition(line - 2, column - 1);
    if (!esm) return null;
    const ts = maps.ts.originalPosition(esm.line, esm.column);
    // the converter compiles the cell after one line of its own ("export {};")
    if (!ts || ts.line < 1) return null;
    return { line: ts.line, column: ts.column + 1 };
  }

  /** ES modules the cell requires are imported first; require() then returns their namespaces. */
  private async importEsModules(js: string): Promise<void> {
    for (const specifier of requiredSpecifiers(js)) {
      if (specifier.startsWith(".") || this.esModules.has(specifier) || !needsImport(specifier, this.nodeRequire)) continue;
      this.importer ??= this.createImporter();
      this.esModules.set(specifier, interopNamespace(await this.importer(specifier)));
    }
  }

  /** import() resolving from the kernel's folder (the cell's require does the same). */
  private createImporter(): (specifier: string) => Promise<Record<string, unknown>> {
    const loader = (vm.constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: unknown } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (loader) {
      const script = new vm.Script("(specifier) => import(specifier)", {
        filename: path.join(this.cwd, "[import].js"),
        importModuleDynamically: loader as never,
      });
      return script.runInThisContext() as (s: string) => Promise<Record<string, unknown>>;
    }
    // older Node 20: resolve to a file URL ourselves (import conditions are not needed by require.resolve here)
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<Record<string, unknown>>;
    return (specifier) => dynamicImport(require("url").pathToFileURL(this.nodeRequire.resolve(specifier)).href);
  }

  private addSideOutput(out: SideOutput): void {
    this.sideModules.delete(out.path);
    this.sideOutputs.set(out.path, out.data);
  }

  /** require() for cells and for the modules compiled from .ts files they import. */
  private wrapRequire(req: NodeRequire, dir: string): NodeRequire {
    const wrapped = ((id: string) => {
      if (id === "tslab") {
        const tslab = require("tslab") as unknown;
        this.hooks.onTslabLoaded?.(tslab);
        return tslab;
      }
      if (id.startsWith(".") || path.isAbsolute(id)) {
        const target = path.resolve(dir, id);
        const side = this.sideModule(target);
        if (side) return side.exports;
        const built = this.compiler.builds.runtimeTarget(target);
        if (built) return req(built.js);
      }
      const esm = this.esModules.get(id);
      if (esm) return esm;
      return req(id);
    }) as NodeRequire;
    // a grading kernel hides its main module (the way to its module tree: harden.ts)
    return Object.assign(wrapped, { resolve: req.resolve, cache: req.cache, main: hardened() ? undefined : req.main, extensions: req.extensions });
  }

  /** A module the converter compiled from a .ts file: "./src" finds src/index too (tslab did not). */
  private sideModule(target: string): Module | null {
    const base = target.replace(/\.(ts|tsx|js)$/, "");
    for (const file of [`${base}.js`, path.join(base, "index.js")].map((f) => f.split(path.sep).join("/"))) {
      const cached = this.sideModules.get(file);
      if (cached) return cached;
      const code = this.sideOutputs.get(file);
      if (code === undefined) continue;
      const mod = new Module(file, module);
      mod.filename = file;
      mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
      mod.require = this.wrapRequire(Module.createRequire(file), path.dirname(file));
      this.sideModules.set(file, mod);
      try {
        (mod as unknown as { _compile(src: string, file: string): void })._compile(code, file);
      } catch (e) {
        this.sideModules.delete(file);
        throw e;
      }
      return mod;
    }
    return null;
  }
}

/**
 * The shared `exports`: TypeScript's CommonJS emit defines imports with getters (defineProperty);
 * like tslab we store plain values so a later cell can redefine any name.
 */
function createExports(): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    defineProperty: (_t, prop, attrs) => {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}
