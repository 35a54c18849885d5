/** The kernel's pure parts, in process: history queries, source maps, the pager syntax, positions, package.json for the checker, cell options. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { History, globToRegExp } from "../../kernel-ext/kernel/history";
import { pagerRequest, toCodePoints, toUtf16 } from "../../kernel-ext/kernel/language";
import { cellOptions } from "../../kernel-ext/kernel/options";
import { interopNamespace, packageJsonForChecker, requiredSpecifiers } from "../../kernel-ext/kernel/resolve";
import { SourceMap } from "../../kernel-ext/kernel/sourcemap";

test("history: tail, range, search with IPython's semantics", () => {
  const h = new History();
  ["a = 1", "b = 2", "a = 1", "print(a)"].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(2, "2");
  expect(h.query({ hist_access_type: "tail", n: 2 })).toEqual([[1, 3, "a = 1"], [1, 4, "print(a)"]]);
  expect(h.query({ hist_access_type: "tail", n: 10, unique: true }).map((e) => e[1])).toEqual([2, 3, 4]);
  expect(h.query({ hist_access_type: "range", session: 0, start: 2, stop: 3, output: true })).toEqual([[1, 2, ["b = 2", "2"]]]);
  expect(h.query({ hist_access_type: "range", session: 7, start: 1, stop: 3 })).toEqual([]);
  expect(h.query({ hist_access_type: "search", pattern: "a*" }).map((e) => e[1])).toEqual([1, 3]);
  expect(h.query({ hist_access_type: "search", pattern: "?*(a)", n: 1 })).toEqual([[1, 4, "print(a)"]]);
  expect(globToRegExp("[ab] = ?").test("b = 2")).toBe(true);
  expect(globToRegExp("x.y").test("xzy")).toBe(false);
});

test("source maps: VLQ mappings decoded, positions looked up", () => {
  // "AAAA;AACA,IAAI" → line 0 col 0 ← (0,0); line 1 col 0 ← (1,0), col 4 ← (1,4)
  const map = new SourceMap(JSON.stringify({ version: 3, sources: ["x"], names: [], mappings: "AAAA;AACA,IAAI" }));
  expect(map.originalPosition(0, 0)).toEqual({ line: 0, column: 0 });
  expect(map.originalPosition(1, 6)).toEqual({ line: 1, column: 6 });
  expect(map.originalPosition(1, 2)).toEqual({ line: 1, column: 2 });
  expect(map.originalPosition(5, 0)).toBeNull();
});

test("the pager syntax, code point positions", () => {
  expect(pagerRequest("Math.max?")).toBe("Math.max");
  expect(pagerRequest("?tl.mmd")).toBe("tl.mmd");
  expect(pagerRequest("  x??  ")).toBe("x");
  expect(pagerRequest("a ? b : c")).toBeNull();
  expect(pagerRequest("f()?")).toBeNull();
  const s = "a😀b";
  expect(toUtf16(s, 2)).toBe(3);
  expect(toCodePoints(s, 3)).toBe(2);
  expect(toUtf16(s, 99)).toBe(s.length);
});

test("package.json for the checker: types from exports when the package has no top-level types", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-pkg-"));
  try {
    fs.writeFileSync(path.join(dir, "index.d.mts"), "export {};");
    const pkg = (o: object) => JSON.stringify(o);
    expect(JSON.parse(packageJsonForChecker(pkg({ exports: { ".": { types: "./t.d.ts", import: "./i.js" } } }), dir)!).types).toBe("./t.d.ts");
    expect(JSON.parse(packageJsonForChecker(pkg({ exports: { import: { types: "./n.d.ts", default: "./i.js" } } }), dir)!).types).toBe("./n.d.ts");
    expect(JSON.parse(packageJsonForChecker(pkg({ exports: "./index.mjs" }), dir)!).types).toBe("./index.d.mts");
    expect(packageJsonForChecker(pkg({ types: "./own.d.ts", exports: { ".": "./i.js" } }), dir)).toBeNull();
    expect(packageJsonForChecker(pkg({ main: "./i.js" }), dir)).toBeNull();
    expect(packageJsonForChecker("not json", dir)).toBeNull();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("required specifiers of compiled code; ES module namespaces marked for TypeScript's helpers", () => {
  expect(requiredSpecifiers('const a = require("x"); const b = __importStar(require("@s/y/z")); require("x")')).toEqual(["x", "@s/y/z"]);
  const ns = interopNamespace({ default: 1, named: 2 });
  expect(ns.__esModule).toBe(true);
  expect({ ...ns }).toEqual({ default: 1, named: 2 });
});

test("cell options: the checks of the nearest tsconfig, lib and target clamped, output options left out", () => {
  const ts = require("@tslab/typescript-for-tslab");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-opts-"));
  try {
    fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { strict: true, lib: ["ESNext", "DOM", "ES2020.String"] } }));
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ extends: "./base.json", compilerOptions: { target: "ESNext", outDir: "lib", noImplicitOverride: true, types: ["jest"], declaration: true } }),
    );
    fs.mkdirSync(path.join(dir, "notebooks"));
    const { configFile, options, ignored } = cellOptions(ts, path.join(dir, "notebooks"));
    expect(configFile).toBe(path.join(dir, "tsconfig.json"));
    expect(options).toEqual({
      strict: true,
      noImplicitOverride: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts", "lib.es2020.string.d.ts"],
      types: ["jest", "node"],
    });
    expect(ignored).toEqual(expect.arrayContaining(["outDir", "declaration"]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
