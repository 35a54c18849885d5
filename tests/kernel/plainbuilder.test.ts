/**
 * The compile service's builder (kernel/plainbuilder.ts) compiles every cell exactly as the kernel's own
 * (TypeScript's EmitAndSemanticDiagnostics builder) does: output, declarations, diagnostics, source maps.
 */
import * as fs from "fs";
import * as path from "path";
import { Compiler } from "../../kernel-ext/kernel/compiler";
import { cellOptions } from "../../kernel-ext/kernel/options";
import { loadTypeScript } from "../../kernel-ext/kernel/typescript";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-plain-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tmp, "node_modules"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the plain builder compiles a graded exercise's cells, and cells that fail, as the kernel's builder does", () => {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", "exercises", "03-feature-based.ipynb"), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  const cells = nb.cells.filter((c) => c.cell_type === "code").map((c) => [c.source].flat().join(""));
  // and a type error, a top-level await, a cell that is not a module, and one whose locals are all types
  cells.push("const wrong: number = 'text';", "const later = await Promise.resolve(3);\nlater", "console.log(1 + 1)", "type Pair = [number, number];\ninterface Named { name: string }");
  const compileAll = (builder: "semantic" | "plain") => {
    const compiler = new Compiler(tmp, cellOptions(loadTypeScript(), tmp).options, builder);
    let prev = "";
    const out = cells.map((src) => {
      const r = compiler.convert(prev, src);
      if (!r.diagnostics.length) prev = r.declOutput ?? prev;
      return r;
    });
    compiler.close();
    return out;
  };
  const semantic = compileAll("semantic");
  const plain = compileAll("plain");
  expect(semantic.filter((r) => r.diagnostics.length).length).toBe(1); // the type error, and only it
  expect(plain).toEqual(semantic);
}, 120_000);
