/**
 * Cells to JavaScript with tslab's converter (type checking against the declarations of earlier cells,
 * exports of every top-level name, the last expression kept), used as a library: we load our own
 * instance of tslab/dist/converter.js whose `require("@tslab/typescript-for-tslab")` gets a thin view
 * of TypeScript with four hooks, because the converter builds its compiler options and watch host
 * internally:
 *
 * - createWatchCompilerHost: the project's cell options are merged in (see options.ts); rootDir is the
 *   file system root rather than the notebook folder, so imports of .ts files outside it compile; and
 *   the builder's emit is wrapped to put output paths back where the converter expects them, to keep
 *   source maps, and to add a transformer that fixes shorthand properties naming an earlier cell's
 *   variable.
 * - transpileModule (the converter's ES module → CommonJS step): also emits a source map.
 * - sys: the file system as the checker should see it (built projects' sources behind their .d.ts,
 *   ES-module-only packages with "types": see resolve.ts); no file watchers on node_modules and
 *   TypeScript's own libraries (hundreds of them, and they do not change under a running kernel); the
 *   working directory is the kernel's.
 */
import * as fs from "fs";
import Module = require("module");
import * as path from "path";
import type * as TS from "@tslab/typescript-for-tslab";
import type { CompletionInfo, Converter, ConvertResult, Diagnostic, SideOutput } from "tslab/dist/converter";
import { BuildOutputs, packageJsonForChecker } from "./resolve";
import { plainBuilderFactory } from "./plainbuilder";
import { loadTypeScript, tslabDir, type TypeScript } from "./typescript";

type ConverterModule = typeof import("tslab/dist/converter");
export type { CompletionInfo, Diagnostic, SideOutput };

export interface Compiled extends ConvertResult {
  /** source maps: TypeScript → ES module (the converter's emit) and ES module → CommonJS */
  maps: { ts?: string; cjs?: string };
  /** .ts files outside the kernel's folder that the cell imports, as CommonJS (absolute .js paths) */
  outsideOutputs: SideOutput[];
  /** sources whose build output (which the cell uses) is older than they are */
  staleBuilds: string[];
}

interface Capture {
  tsMap?: string;
  cjsMap?: string;
  outside: SideOutput[];
  stale: Set<string>;
}

const OUT_DIR = "outDir"; // the converter's (relative) outDir
const SOURCE = /(?<!\.d)\.(ts|tsx)$/;
const NO_WATCH: TS.FileWatcher = { close: () => undefined };

export class Compiler {
  readonly ts: TypeScript;
  readonly builds: BuildOutputs;
  /** the virtual file a cell is compiled as (TypeScript's normalised path) */
  readonly cellFile: string;
  private readonly declFile: string;
  private readonly cellJs: string;
  private readonly root: string;
  private readonly module: ConverterModule;
  private converter: Converter;
  private capture: Capture | null = null;
  private readonly warnedStale = new Set<string>();
  private readonly declarationCache = new Map<string, { dts: string; source: string; stale: boolean } | null>();

  constructor(
    readonly cwd: string,
    options: TS.CompilerOptions,
    /** "plain": no builder state between cells (plainbuilder.ts; the grader's compile service) */
    private readonly builder: "semantic" | "plain" = "semantic",
  ) {
    const ts = (this.ts = loadTypeScript());
    this.builds = new BuildOutputs(ts);
    this.root = path.parse(cwd).root;
    const norm = (p: string) => p.split(path.sep).join("/");
    this.cellFile = norm(path.join(cwd, "__tslab__.ts"));
    this.declFile = norm(path.join(cwd, "__prev__.d.ts"));
    this.cellJs = path.join(cwd, "__tslab__.js");
    this.module = loadConverterModule(this.typescriptView(options));
    this.converter = this.module.createConverter({ isJS: false, isBrowser: false });
  }

  /**
   * Run a converter call; if it throws, the converter may be stuck mid-rebuild (its debounce timer
   * left pending), and every later call would fail: start a fresh one, then rethrow.
   */
  private guarded<T>(call: () => T): T {
    try {
      return call();
    } catch (e) {
      try {
        this.converter.close();
      } catch {
        // already broken
      }
      this.converter = this.module.createConverter({ isJS: false, isBrowser: false });
      throw e;
    }
  }

  /** Compile a cell against the declarations of the earlier ones. */
  convert(prevDecl: string, src: string): Compiled {
    const capture: Capture = { outside: [], stale: new Set() };
    this.capture = capture;
    try {
      const result = this.guarded(() => this.converter.convert(prevDecl, src));
      const stale = [...capture.stale].filter((f) => !this.warnedStale.has(f));
      for (const f of stale) this.warnedStale.add(f);
      return { ...result, maps: { ts: capture.tsMap, cjs: capture.cjsMap }, outsideOutputs: capture.outside, staleBuilds: stale };
    } finally {
      this.capture = null;
    }
  }

  complete(prevDecl: string, src: string, position: number): CompletionInfo {
    return this.guarded(() => this.converter.complete(prevDecl, src, position));
  }

  inspect(prevDecl: string, src: string, position: number): TS.QuickInfo | undefined {
    return this.guarded(() => this.converter.inspect(prevDecl, src, position));
  }

  /** A tslab `/** @module name *\/` cell: an in-memory module other cells can import. */
  addModule(name: string, src: string): Diagnostic[] {
    return this.guarded(() => this.converter.addModule(name, src));
  }

  /** tslab's completeness check (with its indentation rule), on the same TypeScript. */
  isCompleteCode(src: string): { completed: boolean; indent?: string } {
    return this.module.isCompleteCode(src);
  }

  close(): void {
    this.converter.close();
  }

  /** The module object the converter gets for "@tslab/typescript-for-tslab". */
  private typescriptView(extra: TS.CompilerOptions): object {
    const ts = this.ts;
    const view: Record<string, unknown> = {};
    for (const key of Object.keys(ts)) {
      Object.defineProperty(view, key, { enumerable: true, configurable: true, get: () => (ts as Record<string, unknown>)[key] });
    }
    const libDir = path.dirname(ts.sys.getExecutingFilePath());
    const skipWatch = (p: string) => p.includes("/node_modules/") || p.startsWith(libDir.split(path.sep).join("/")) || this.builtDeclaration(p) !== null;
    const sys: TS.System = Object.create(ts.sys);
    sys.getCurrentDirectory = () => this.cwd;
    // the file system as the checker sees it (see resolve.ts): built sources hidden behind their .d.ts,
    // ES-module-only packages with "types"
    // (these must never throw: an exception inside the converter's rebuild leaves it unusable)
    sys.fileExists = (p) => {
      try {
        if (SOURCE.test(p) && !p.includes("/node_modules/") && this.builds.of(p)) return false;
        return ts.sys.fileExists(p) || this.builtDeclaration(p) !== null;
      } catch {
        return ts.sys.fileExists(p);
      }
    };
    sys.readFile = (p, encoding) => {
      try {
        const built = this.builtDeclaration(p);
        if (built) {
          if (built.stale && this.capture) this.capture.stale.add(built.source);
          return ts.sys.readFile(built.dts, encoding);
        }
        const text = ts.sys.readFile(p, encoding);
        if (text !== undefined && p.endsWith("/package.json") && p.includes("/node_modules/")) {
          return packageJsonForChecker(text, path.dirname(p)) ?? text;
        }
        return text;
      } catch {
        return ts.sys.readFile(p, encoding);
      }
    };
    sys.watchFile = (p, cb, interval, opts) => (skipWatch(p) ? NO_WATCH : ts.sys.watchFile!(p, cb, interval, opts));
    sys.watchDirectory = (p, cb, recursive, opts) => (skipWatch(p) ? NO_WATCH : ts.sys.watchDirectory!(p, cb, recursive, opts));
    const hooks = {
      sys,
      createWatchCompilerHost: (
        rootFiles: string[],
        options: TS.CompilerOptions,
        system: TS.System,
        ...rest: unknown[]
      ): TS.WatchCompilerHostOfFilesAndCompilerOptions<TS.EmitAndSemanticDiagnosticsBuilderProgram> => {
        Object.assign(options, extra, { rootDir: this.root, sourceMap: true });
        // the checker finds packages where Node's require does: NODE_PATH's folders after node_modules
        options.paths ??= nodePathMapping();
        const host = (ts.createWatchCompilerHost as (...a: unknown[]) => TS.WatchCompilerHostOfFilesAndCompilerOptions<TS.EmitAndSemanticDiagnosticsBuilderProgram>)(
          rootFiles,
          options,
          system,
          ...rest,
        );
        if (this.builder === "plain") host.createProgram = plainBuilderFactory(ts);
        let after: ((b: TS.EmitAndSemanticDiagnosticsBuilderProgram) => void) | undefined;
        Object.defineProperty(host, "afterProgramCreate", {
          configurable: true,
          get: () => after,
          set: (fn: (b: TS.EmitAndSemanticDiagnosticsBuilderProgram) => void) => {
            after = (b) => {
              this.wrapEmit(b);
              fn(b);
            };
          },
        });
        return host;
      },
      transpileModule: (input: string, options: TS.TranspileOptions): TS.TranspileOutput => {
        const out = ts.transpileModule(input, { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true } });
        if (this.capture) this.capture.cjsMap = out.sourceMapText;
        return out;
      },
    };
    for (const [key, value] of Object.entries(hooks)) {
      Object.defineProperty(view, key, { enumerable: true, configurable: true, value });
    }
    return view;
  }

  /**
   * For a .d.ts path beside a source of a built project that has no real .d.ts there: the built
   * declaration to show in its place.
   */
  private builtDeclaration(p: string): { dts: string; source: string; stale: boolean } | null {
    if (!p.endsWith(".d.ts") || p.includes("/node_modules/")) return null;
    const known = this.declarationCache.get(p);
    if (known !== undefined) return known;
    let found: { dts: string; source: string; stale: boolean } | null = null;
    if (!this.ts.sys.fileExists(p)) {
      const base = p.slice(0, -".d.ts".length);
      for (const source of [`${base}.ts`, `${base}.tsx`]) {
        const built = this.ts.sys.fileExists(source) ? this.builds.of(source) : null;
        if (built) {
          found = { dts: built.dts, source, stale: built.stale };
          break;
        }
      }
    }
    this.declarationCache.set(p, found);
    return found;
  }

  /** Emit with our transformer, output paths relative to the kernel's folder again, source maps kept. */
  private wrapEmit(b: TS.EmitAndSemanticDiagnosticsBuilderProgram): void {
    const emit = b.emit.bind(b);
    const prefix = `${OUT_DIR}/`;
    b.emit = (target, writeFile, token, dtsOnly, transformers) => {
      const before = [...(transformers?.before ?? []), this.shorthandTransformer(b)];
      const write: TS.WriteFileCallback = (name, text, bom, onError, sources, data) => {
        if (!name.startsWith(prefix)) return writeFile?.(name, text, bom, onError, sources, data);
        const abs = path.join(this.root, name.slice(prefix.length));
        if (name.endsWith(".map")) {
          if (abs === `${this.cellJs}.map` && this.capture) this.capture.tsMap = text;
          return;
        }
        const rel = path.relative(this.cwd, abs);
        if (!rel.startsWith("..") && !path.isAbsolute(rel)) {
          return writeFile?.(prefix + rel.split(path.sep).join("/"), text, bom, onError, sources, data);
        }
        if (abs.endsWith(".js") && this.capture) {
          this.capture.outside.push({ path: abs, data: this.module.esModuleToCommonJSModule(text, this.ts.ScriptTarget.ES2022) });
        }
      };
      return emit(target, write, token, dtsOnly, { ...transformers, before });
    };
  }

  /**
   * `{ budgets }` naming an earlier cell's `budgets`: the converter rewrites references to earlier cells'
   * names into `exports.budgets`, but its visitor cannot put a property access in a shorthand property,
   * so the emitted `{ budgets }` refers to a variable that does not exist (ReferenceError). Before the
   * converter's pass we spell such properties out: `{ budgets: exports.budgets }` (and in destructuring
   * assignments `{ budgets: exports.budgets = init }`).
   */
  private shorthandTransformer(b: TS.EmitAndSemanticDiagnosticsBuilderProgram): TS.TransformerFactory<TS.SourceFile> {
    const ts = this.ts;
    return (ctx) => (sf) => {
      if (sf.fileName !== this.cellFile) return sf;
      const checker = b.getProgram().getTypeChecker();
      const f = ctx.factory;
      const fromEarlierCell = (node: TS.ShorthandPropertyAssignment) =>
        checker.getShorthandAssignmentValueSymbol(node)?.declarations?.some((d) => d.getSourceFile().fileName === this.declFile) ?? false;
      const visit = (node: TS.Node): TS.Node => {
        if (ts.isShorthandPropertyAssignment(node) && fromEarlierCell(node)) {
          const name = node.name.text;
          const target = f.createPropertyAccessExpression(f.createIdentifier("exports"), f.createIdentifier(name));
          const init = node.objectAssignmentInitializer;
          const value = init ? f.createAssignment(target, ts.visitNode(init, visit) as TS.Expression) : target;
          return ts.setTextRange(f.createPropertyAssignment(f.createIdentifier(name), value), node);
        }
        return ts.visitEachChild(node, visit, ctx);
      };
      return ts.visitNode(sf, visit) as TS.SourceFile;
    };
  }
}

/** A fresh instance of tslab/dist/converter.js whose TypeScript is `view`. */
function loadConverterModule(view: object): ConverterModule {
  const file = path.join(tslabDir(), "dist", "converter.js");
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const original = mod.require.bind(mod);
  mod.require = ((id: string) => (id === "@tslab/typescript-for-tslab" ? view : original(id))) as NodeRequire;
  (mod as unknown as { _compile(src: string, file: string): void })._compile(fs.readFileSync(file, "utf8"), file);
  return mod.exports as ConverterModule;
}

/**
 * NODE_PATH as a `paths` mapping for the checker: Node looks in its folders after the node_modules folders
 * above the notebook, so `tlab grade validate` can run a notebook that sits outside the course kit against
 * the kit's libraries. (TypeScript tries a mapping before node_modules: a package found in both places is
 * checked from NODE_PATH's copy. validate sets NODE_PATH only when the notebook's folder has none.)
 */
function nodePathMapping(): Record<string, string[]> | undefined {
  const dirs = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((d) => path.isAbsolute(d));
  return dirs.length ? { "*": dirs.map((d) => path.join(d, "*")) } : undefined;
}
