/**
 * Where a cell's imports lead, on both sides: the type checker's and Node's.
 *
 * - TypeScript sources of a built project (`import … from "../src/plot"` in notebooks/) resolve to the
 *   project's build output, as `tsc -b` resolves project references: types from its .d.ts, code from
 *   its .js. The library is then one module instance whether a notebook imports "transferlab" or
 *   "../src", and a cell does not re-type-check the library's sources. For the checker this is done in
 *   the file system view the compiler reads (compiler.ts): the source is hidden and its .d.ts appears
 *   beside it. (A module resolver of our own would cost every cell a re-resolution of every import of
 *   every file: TypeScript's watch host cannot cache what it did not resolve itself.)
 * - ES-module-only packages (an "exports" map, no top-level "types"): the checker's resolution (node10,
 *   the one tslab's TypeScript 5.0 uses for cells) reads no "exports", so their package.json is shown
 *   with the "types" its exports name; at run time they load through import() before the cell runs.
 */
import * as fs from "fs";
import * as path from "path";
import { readTsconfig } from "./options";
import type { TypeScript } from "./typescript";

export interface BuildOutput {
  js: string;
  dts: string;
  /** the source changed after its build */
  stale: boolean;
}

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const DECLARATION = /\.d\.(ts|mts|cts)$/;

/** Maps TypeScript sources to the build output of the project (the nearest tsconfig.json with an outDir). */
export class BuildOutputs {
  private readonly configByDir = new Map<string, string | null>();
  private readonly layoutByConfig = new Map<string, { rootDir: string; outDir: string; dtsDir: string } | null>();

  constructor(private readonly ts: TypeScript) {}

  /** The built .js and .d.ts of a .ts source, or null when it has none (not in a built project, or not built). */
  of(source: string): BuildOutput | null {
    if (!SOURCE.test(source) || DECLARATION.test(source) || source.split(/[\\/]/).includes("node_modules")) return null;
    const config = this.configFor(path.dirname(source));
    const layout = config ? this.layout(config) : null;
    if (!layout) return null;
    const rel = path.relative(layout.rootDir, source);
    if (rel.startsWith("..") || path.isAbsolute(rel)) return null;
    const base = rel.replace(SOURCE, "");
    const js = path.join(layout.outDir, `${base}.js`);
    const dts = path.join(layout.dtsDir, `${base}.d.ts`);
    // the build output itself lies under rootDir when outDir is inside it (src/lib): never map it again
    if (source.startsWith(layout.outDir + path.sep)) return null;
    const sourceStat = statOrNull(source);
    const jsStat = sourceStat && statOrNull(js);
    if (!sourceStat || !jsStat || !fs.existsSync(dts)) return null;
    return { js, dts, stale: sourceStat.mtimeMs > jsStat.mtimeMs + 1 };
  }

  /**
   * Run time: a relative import that Node cannot load because it names a TypeScript source
   * ("../src/plot" → src/plot/index.ts): the built .js, or null.
   */
  runtimeTarget(absolute: string): BuildOutput | null {
    const candidates = SOURCE.test(absolute)
      ? [absolute]
      : [`${absolute}.ts`, `${absolute}.tsx`, path.join(absolute, "index.ts"), path.join(absolute, "index.tsx")];
    for (const c of candidates) {
      if (fs.existsSync(c) && fs.statSync(c).isFile()) return this.of(c);
    }
    return null;
  }

  private configFor(dir: string): string | null {
    const known = this.configByDir.get(dir);
    if (known !== undefined) return known;
    const file = path.join(dir, "tsconfig.json");
    const parent = path.dirname(dir);
    const found = fs.existsSync(file) ? file : parent === dir ? null : this.configFor(parent);
    this.configByDir.set(dir, found);
    return found;
  }

  private layout(config: string): { rootDir: string; outDir: string; dtsDir: string } | null {
    if (this.layoutByConfig.has(config)) return this.layoutByConfig.get(config)!;
    const options = readTsconfig(this.ts, config);
    const layout =
      options?.outDir && !options.noEmit
        ? {
            rootDir: path.resolve(options.rootDir ?? path.dirname(config)),
            outDir: path.resolve(options.outDir),
            dtsDir: path.resolve(options.declarationDir ?? options.outDir),
          }
        : null;
    this.layoutByConfig.set(config, layout);
    return layout;
  }
}

/**
 * package.json as the checker should read it: with "types" taken from "exports" when the package has
 * exports but no top-level "types"/"typings" (ES-module-only packages). Null: use the file as it is.
 */
export function packageJsonForChecker(text: string, dir: string): string | null {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (pkg.types !== undefined || pkg.typings !== undefined || pkg.exports === undefined || pkg.exports === null) return null;
  const types = typesFromExports(pkg.exports, dir);
  return types ? JSON.stringify({ ...pkg, types }) : null;
}

const CONDITIONS = ["types", "import", "node", "default", "require"];

function typesFromExports(exports: unknown, dir: string): string | null {
  let entry: unknown = exports;
  if (entry && typeof entry === "object" && !Array.isArray(entry)) {
    const keys = Object.keys(entry);
    if (keys.some((k) => k.startsWith("."))) entry = (entry as Record<string, unknown>)["."];
  }
  const pick = (v: unknown, viaTypes: boolean): string | null => {
    if (typeof v === "string") {
      if (viaTypes || /\.d\.[mc]?ts$/.test(v)) return v;
      for (const [js, dts] of [[/\.mjs$/, ".d.mts"], [/\.cjs$/, ".d.cts"], [/\.js$/, ".d.ts"]] as const) {
        if (js.test(v)) {
          const candidate = v.replace(js, dts);
          if (fs.existsSync(path.join(dir, candidate))) return candidate;
        }
      }
      return null;
    }
    if (Array.isArray(v)) {
      for (const item of v) {
        const found = pick(item, viaTypes);
        if (found) return found;
      }
      return null;
    }
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      for (const c of CONDITIONS) {
        if (!(c in o)) continue;
        const found = pick(o[c], viaTypes || c === "types");
        if (found) return found;
      }
    }
    return null;
  };
  return pick(entry, false);
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** Module specifiers a compiled cell requires: `require("x")` as TypeScript's CommonJS emit writes them. */
export function requiredSpecifiers(js: string): string[] {
  const found = new Set<string>();
  const re = /\brequire\("((?:[^"\\]|\\.)+)"\)/g;
  for (let m = re.exec(js); m; m = re.exec(js)) found.add(JSON.parse(`"${m[1]}"`) as string);
  return [...found];
}

/**
 * Whether Node's require() cannot (or should not) load `specifier` from `req`'s location: a package
 * whose exports offer it to import() only, or an ES module (require(esm) is missing before Node 20.19,
 * fails on top-level await, and warns where it works).
 */
export function needsImport(specifier: string, req: NodeRequire): boolean {
  if (specifier.startsWith("node:") || isBuiltin(specifier)) return false;
  let file: string;
  try {
    file = req.resolve(specifier);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || code === "ERR_REQUIRE_ESM";
  }
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js")) return false;
  return packageType(path.dirname(file)) === "module";
}

const typeByDir = new Map<string, string>();
function packageType(dir: string): string {
  const known = typeByDir.get(dir);
  if (known !== undefined) return known;
  let type = "commonjs";
  const pkg = path.join(dir, "package.json");
  if (fs.existsSync(pkg)) {
    try {
      type = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { type?: string }).type ?? "commonjs";
    } catch {
      // unreadable package.json: Node would fail on it too
    }
  } else if (path.dirname(dir) !== dir && path.basename(dir) !== "node_modules") {
    type = packageType(path.dirname(dir));
  }
  typeByDir.set(dir, type);
  return type;
}

function isBuiltin(specifier: string): boolean {
  return (require("module") as { builtinModules: string[] }).builtinModules.includes(specifier);
}

/**
 * An ES module namespace as TypeScript's CommonJS helpers expect a module: marked `__esModule`, so that
 * `import x from` reads its `default` and `import * as` its named exports.
 */
export function interopNamespace(ns: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(ns)) Object.defineProperty(out, key, { enumerable: true, get: () => ns[key] });
  Object.defineProperty(out, "__esModule", { value: true });
  return out;
}
