/**
 * How cells compile and what they can import: the `{ budgets }` shorthand fix, the project's tsconfig
 * options (strict, lib clamped to Node 20), `../src/...` from notebooks/ (the build output, types and
 * code), a directory index (`./src`), a .ts file outside the notebook's folder, an ES-module-only package,
 * tslab's `@module` cells.
 */
import * as fs from "fs";
import * as path from "path";
import { RawKernel, type Exchange } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const outputs = RawKernel.outputs;
const result = (x: Exchange) => (outputs(x).find(([t]) => t === "execute_result")?.[1].data as Record<string, string> | undefined)?.["text/plain"];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-kernel-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string, mtime?: Date): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mtime) fs.utimesSync(file, mtime, mtime);
  return file;
}

describe("in notebooks/ (the project's tsconfig, the library's sources)", () => {
  let k: RawKernel;
  beforeAll(async () => {
    k = await RawKernel.start({ cwd: path.join(ROOT, "notebooks") });
  }, 90_000);
  afterAll(() => k?.close());

  test("a shorthand property naming an earlier cell's variable ({ budgets }) works", async () => {
    await k.execute("const budgets = [1, 3, 5];\nlet seeds = 2;");
    expect(result(await k.execute("const saved = { budgets, seeds }; saved"))).toBe("{ budgets: [ 1, 3, 5 ], seeds: 2 }");
    // in a nested function, and as a destructuring assignment target (with a default)
    expect(result(await k.execute("const wrap = () => ({ inner: { budgets } }); wrap().inner.budgets.length"))).toBe("3");
    expect(result(await k.execute("({ seeds } = { seeds: 7 }); seeds"))).toBe("7");
    expect(result(await k.execute("({ seeds = 9 } = {} as { seeds?: number }); seeds"))).toBe("9");
    // a shorthand naming this cell's own variable is left alone
    expect(result(await k.execute("const local = 1; ({ local, budgets })"))).toBe("{ local: 1, budgets: [ 1, 3, 5 ] }");
  });

  test("import … from '../src/…' uses the library's build: typed, and the same module as 'transferlab'", async () => {
    const x = await k.execute('import { barChart } from "../src/plot";\nimport * as tl from "transferlab";\nbarChart === tl.barChart');
    expect(x.reply.content.status).toBe("ok");
    expect(result(x)).toBe("true");
    const typed = await k.execute("barChart(1, 2)");
    expect(typed.reply.content).toMatchObject({ status: "error", ename: "TypeScriptError" });
    expect(typed.reply.content.evalue).toMatch(/^1:10 - Argument of type 'number' is not assignable/);
    const index = await k.execute('import * as viaIndex from "../src"; typeof viaIndex.accuracy');
    expect(result(index)).toBe("'function'");
  });

  test("the project's tsconfig is honoured: strict; lib up to ES2023 but no DOM", async () => {
    expect((await k.execute("let maybe: string | undefined; maybe.length")).reply.content.evalue).toMatch(/'maybe' is possibly 'undefined'/);
    expect(result(await k.execute("[1, 2, 3].at(-1)"))).toBe("3"); // the project's ES2022
    expect((await k.execute("[1, 2, 3].findLast((v) => v < 3)")).reply.content.evalue).toMatch(/Property 'findLast' does not exist/);
    expect((await k.execute("document.title")).reply.content.evalue).toMatch(/Cannot find name 'document'/);
  });

  test("tslab @module cells define modules other cells import", async () => {
    expect((await k.execute("/** @module helpers */\nexport const twice = (n: number): number => 2 * n;")).reply.content.status).toBe("ok");
    expect(result(await k.execute('import { twice } from "./helpers"; twice(21)'))).toBe("42");
  });
});

describe("in a folder of its own (local sources, ES modules, a built project, a tsconfig)", () => {
  let k: RawKernel;
  const old = new Date(Date.now() - 3_600_000);
  beforeAll(async () => {
    // a directory index ./src (plain .ts sources the kernel compiles)
    write("work/nb/src/index.ts", 'export { greet } from "./greet";\n');
    write("work/nb/src/greet.ts", "export function greet(name: string): string {\n  return `hello ${name}`;\n}\n");
    // a loose .ts file outside the kernel's folder
    write("work/shared/units.ts", "export const KILO = 1000;\nexport function km(m: number): number {\n  return m / KILO;\n}\n");
    // an ES-module-only package: exports with "import" only, no top-level types
    write(
      "work/node_modules/esm-only/package.json",
      JSON.stringify({ name: "esm-only", version: "1.0.0", type: "module", exports: { ".": { types: "./index.d.ts", import: "./index.js" } } }),
    );
    write("work/node_modules/esm-only/index.js", "export const answer = 42;\nexport default function hello(n) { return `hi ${n}`; }\n");
    write("work/node_modules/esm-only/index.d.ts", "export declare const answer: number;\nexport default function hello(n: string): string;\n");
    // a built project whose source changed after its build: cells use the build (and are told)
    write("work/lib/tsconfig.json", JSON.stringify({ compilerOptions: { rootDir: ".", outDir: "out", declaration: true } }));
    write("work/lib/src/version.ts", 'export const version: string = "source";\n');
    write("work/lib/out/src/version.js", '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.version = "built";\n', old);
    write("work/lib/out/src/version.d.ts", "export declare const version: string;\n", old);
    // the folder's tsconfig: not strict, but null checks and noUncheckedIndexedAccess; the newest library
    write(
      "work/nb/tsconfig.json",
      JSON.stringify({ compilerOptions: { strict: false, strictNullChecks: true, noUncheckedIndexedAccess: true, target: "ESNext", lib: ["ESNext", "DOM"] } }),
    );
    k = await RawKernel.start({ cwd: path.join(tmp, "work", "nb") });
  }, 90_000);
  afterAll(() => k?.close());

  test("a directory index: import from './src'", async () => {
    const x = await k.execute('import { greet } from "./src"; greet("index")');
    expect(x.reply.content.status).toBe("ok");
    expect(result(x)).toBe("'hello index'");
  });

  test("a .ts file outside the kernel's folder: import from '../shared/units'", async () => {
    const x = await k.execute('import { km, KILO } from "../shared/units"; km(2500) + KILO');
    expect(x.reply.content.status).toBe("ok");
    expect(result(x)).toBe("1002.5");
  });

  test("an ES-module-only package: typed from its exports, loaded with import()", async () => {
    const x = await k.execute('import hello, { answer } from "esm-only"; `${hello("esm")} ${answer}`');
    expect(x.reply.content.status).toBe("ok");
    expect(result(x)).toBe("'hi esm 42'");
    const typed = await k.execute("const wrong: string = answer;");
    expect(typed.reply.content.evalue).toMatch(/Type 'number' is not assignable to type 'string'/);
  });

  test("a built project's source: the build is used, with a warning that the source is newer", async () => {
    const x = await k.execute('import { version } from "../lib/src/version"; version');
    expect(x.reply.content.status).toBe("ok");
    expect(result(x)).toBe("'built'");
    const warning = outputs(x).find(([t, c]) => t === "stream" && c.name === "stderr")?.[1].text;
    expect(warning).toMatch(/lib[\\/]src[\\/]version\.ts changed after it was built.*npm run build/);
  });

  test("this folder's tsconfig: implicit any allowed (not strict), noUncheckedIndexedAccess on, ESNext as ES2023", async () => {
    expect((await k.execute("function loose(x) { return x; } loose(1)")).reply.content.status).toBe("ok");
    const indexed = await k.execute("const xs = [1, 2]; xs[0].toFixed()");
    expect(indexed.reply.content.evalue).toMatch(/Object is possibly 'undefined'/);
    expect(result(await k.execute("[1, 2, 3].findLast((v) => v < 3)"))).toBe("2");
    expect((await k.execute("window")).reply.content.evalue).toMatch(/Cannot find name 'window'/);
  });
});
