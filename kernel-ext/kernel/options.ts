/**
 * The compiler options of cells: tslab's own (module ESNext, declarations, top-level await …) plus the
 * options of the project's tsconfig.json that make sense for a cell: the strictness family, checks,
 * decorators, interop, `types`, and `lib`/`target` clamped to what Node 20 runs (ES2023 library,
 * ES2022 syntax; no DOM: cells run in Node). Output layout options (outDir, module, declaration …)
 * stay tslab's, which its converter depends on.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TS from "@tslab/typescript-for-tslab";
import type { TypeScript } from "./typescript";

/** tsconfig options taken over as they are. */
const TAKEN = [
  "strict",
  "noImplicitAny",
  "strictNullChecks",
  "strictFunctionTypes",
  "strictBindCallApply",
  "strictPropertyInitialization",
  "noImplicitThis",
  "useUnknownInCatchVariables",
  "noImplicitReturns",
  "noFallthroughCasesInSwitch",
  "noUncheckedIndexedAccess",
  "noImplicitOverride",
  "noPropertyAccessFromIndexSignature",
  "exactOptionalPropertyTypes",
  "allowUnreachableCode",
  "allowUnusedLabels",
  "experimentalDecorators",
  "emitDecoratorMetadata",
  "useDefineForClassFields",
  "esModuleInterop",
  "allowSyntheticDefaultImports",
  "resolveJsonModule",
  "forceConsistentCasingInFileNames",
] as const;

/** The newest library and syntax level Node 20 supports that TypeScript 5.0 knows. */
const MAX_LIB_YEAR = 2023;

export interface CellOptions {
  /** the tsconfig.json read, if any */
  configFile?: string;
  options: TS.CompilerOptions;
  /** tsconfig options left out, with why (for the kernel's start-up log) */
  ignored: string[];
}

/** The nearest tsconfig.json at or above `dir`. */
export function findTsconfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, "tsconfig.json");
    if (fs.existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Read a tsconfig.json with its `extends` chain; the file list is not expanded (a cell needs none, and
 * walking `include` globs over a large project costs start-up time).
 */
export function readTsconfig(ts: TypeScript, file: string): TS.CompilerOptions | undefined {
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error || !read.config) return undefined;
  const host: TS.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  return ts.parseJsonConfigFileContent(read.config, host, path.dirname(file), undefined, file).options;
}

/** The cell options for a kernel working in `cwd`. */
export function cellOptions(ts: TypeScript, cwd: string): CellOptions {
  const configFile = findTsconfig(cwd);
  const options: TS.CompilerOptions = {};
  const ignored: string[] = [];
  if (!configFile) return { options, ignored };
  const project = readTsconfig(ts, configFile);
  if (!project) return { configFile, options, ignored: ["the whole file: it cannot be read"] };
  const taken = new Set<string>(TAKEN);
  for (const [key, value] of Object.entries(project)) {
    if (value === undefined || key === "configFilePath" || key === "pathsBasePath") continue;
    if (taken.has(key)) options[key] = value as TS.CompilerOptionsValue;
    else if (key === "lib") {
      const libs = cellLibs(value as string[]);
      if (libs.length) options.lib = libs;
      const changed = (value as string[]).filter((l) => !libs.includes(l));
      if (changed.length) ignored.push(`lib ${changed.map(libName).join(", ")} (beyond ES${MAX_LIB_YEAR} or not Node's: replaced or left out)`);
    } else if (key === "target") {
      options.target = Math.min(value as number, ts.ScriptTarget.ES2022);
    } else if (key === "types") {
      // @types/node always: cells run in Node
      const types = value as string[];
      options.types = types.includes("node") ? types : [...types, "node"];
    } else {
      ignored.push(key);
    }
  }
  return { configFile, options, ignored };
}

function libName(file: string): string {
  return file.replace(/^lib\./, "").replace(/\.d\.ts$/, "");
}

/** Library files up to ES2023, none for the DOM or other hosts. `lib` holds file names ("lib.es2022.d.ts"). */
function cellLibs(libs: string[]): string[] {
  const out: string[] = [];
  for (const file of libs) {
    const name = libName(file).toLowerCase();
    const year = /^es(\d{4})(\.|$)/.exec(name);
    if (year) {
      const y = Math.min(Number(year[1]), MAX_LIB_YEAR);
      out.push(Number(year[1]) > MAX_LIB_YEAR ? `lib.es${y}.d.ts` : file);
    } else if (name === "esnext" || name.startsWith("esnext.")) {
      out.push(`lib.es${MAX_LIB_YEAR}.d.ts`);
    } else if (/^es[56]$/.test(name)) {
      out.push(file);
    }
  }
  return [...new Set(out)];
}
