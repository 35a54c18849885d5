/**
 * Cells compiled by the grader's compile service: made by a trusted process, sent with the cell they
 * compile, taken by the kernel only against its own declarations.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EMPTY_DECL_HASH, cacheable, declHash, fromEntry, toEntry } from "../../kernel-ext/kernel/compilecache";
import type { Compiled } from "../../kernel-ext/kernel/compiler";
import { CompileService } from "../../kernel-ext/grade/precompile";
import { KernelClient } from "../../kernel-ext/run/client";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-cc-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const compiled = (output: string, extra: Partial<Compiled> = {}): Compiled => ({
  output,
  declOutput: "declare const x: number;\n",
  diagnostics: [],
  maps: {},
  outsideOutputs: [],
  staleBuilds: [],
  ...extra,
});

describe("shared compilations", () => {
  it("carry no compiling folder: each kernel gets its own put back", () => {
    const entry = toEntry("a + 1", "declare const a: number;\n", compiled('exports.r = "/work/one/__tslab__.js";'), "/work/one")!;
    expect(entry).not.toContain("/work/one");
    expect(fromEntry(entry, "/sandbox/two").output).toBe('exports.r = "/sandbox/two/__tslab__.js";');
    expect(toEntry('import "./x";', "", compiled(""), "/work/one")).toBeNull();
  });

  it("never include a cell whose compilation read files", () => {
    expect(cacheable('import { f } from "./helpers";', compiled(""))).toBe(false);
    expect(cacheable('const m = require("../lib/m");', compiled(""))).toBe(false);
    expect(cacheable('/// <reference path="x.d.ts" />', compiled(""))).toBe(false);
    expect(cacheable("1 + 1", compiled("", { outsideOutputs: [{ path: "/a.js", data: "" }] }))).toBe(false);
    expect(cacheable('import * as tl from "transferlab"; const s = "./not-an-import";', compiled(""))).toBe(true);
  });
});

describe("the compile service and the kernel", () => {
  it("compiles ahead (with the branches where a cell fails at run time) and on demand; the kernel takes a compilation only against its own declarations", async () => {
    const work = fs.mkdtempSync(path.join(tmp, "service-"));
    const v8Dir = fs.mkdtempSync(path.join(tmp, "v8-"));
    const chain = ["const data: number[] = [1, 2, 3];", "function square(x: number): number {\n  return x * x;\n}", "square(3)"];
    const service = new CompileService(work, [chain], ROOT, { PATH: process.env.PATH ?? "" }, v8Dir);
    const cwd = fs.mkdtempSync(path.join(tmp, "kernel-"));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(cwd, "node_modules"));
    const client = new KernelClient();
    try {
      await service.ready;
      expect(fs.readdirSync(v8Dir).some((f) => f.endsWith(".v8cache"))).toBe(true);
      const first = (await service.compile(EMPTY_DECL_HASH, chain[0], cwd))!;
      expect(first.diagnostics).toEqual([]);
      const afterData = declHash(first.declOutput!);
      // compiled ahead: had `square` failed at run time, `square(3)` compiles against the first cell's declarations alone
      expect(await service.compile(afterData, chain[2], cwd)).toBeDefined();
      expect(service.stats).toMatchObject({ shared: 2, compiled: 0 });
      // on demand, a type error included
      const bad = await service.compile(afterData, "const bad: string = 5;", cwd);
      expect(bad?.diagnostics.length).toBeGreaterThan(0);
      expect(service.stats.compiled).toBe(1);
      // declarations it never produced, a cell that reads files: left to the kernel
      expect(await service.compile(declHash("declare const z: 1;"), "z", cwd)).toBeUndefined();
      expect(await service.compile(afterData, 'import { f } from "./f";', cwd)).toBeUndefined();

      await client.start(undefined, cwd, { TLAB_LAZY_COMPILER: "1" });
      const a = await client.execute(chain[0], { precompiled: { declHash: EMPTY_DECL_HASH, compiled: first } });
      expect(a.status).toBe("ok");
      expect(a.declHash).toBe(afterData);
      // proof that the kernel runs what it is sent, not what it would compile: a doctored compilation
      const doctored = { ...(await service.compile(a.declHash!, chain[1], cwd))! };
      doctored.output = doctored.output!.replace("x * x", "x * x + 1");
      await client.execute(chain[1], { precompiled: { declHash: a.declHash!, compiled: doctored } });
      expect((await client.execute("square(3)")).outputs[0]).toMatchObject({ data: { "text/plain": "10" } });
      // one made against other declarations is ignored: the kernel compiles the cell itself
      const wrong = { ...first, output: 'exports.data = ["not", "this"];' };
      await client.execute(chain[0], { precompiled: { declHash: EMPTY_DECL_HASH, compiled: wrong } });
      expect((await client.execute("data")).outputs[0]).toMatchObject({ data: { "text/plain": "[ 1, 2, 3 ]" } });
    } finally {
      await client.shutdown();
      await service.close();
    }
    expect(fs.existsSync(work)).toBe(false);
    expect(await service.compile(EMPTY_DECL_HASH, chain[0], cwd)).toBeUndefined();
  }, 120_000);

  it("a service that dies answers nothing more: each kernel compiles its own cells", async () => {
    const work = fs.mkdtempSync(path.join(tmp, "service-"));
    const service = new CompileService(work, [["1 + 1"]], ROOT, { PATH: process.env.PATH ?? "" }, fs.mkdtempSync(path.join(tmp, "v8-")));
    await service.ready;
    expect(await service.compile(EMPTY_DECL_HASH, "1 + 1", tmp)).toBeDefined();
    process.kill(service.pid!, "SIGKILL");
    // (the exit is noticed on the event loop: a loaded machine takes longer than an idle one)
    for (let i = 0; i < 100 && service.stoppedBecause === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    expect(service.stoppedBecause).toMatch(/exited \(SIGKILL\)/);
    expect(await service.compile(EMPTY_DECL_HASH, "1 + 1", tmp)).toBeUndefined();
    expect(service.stats.left).toBe(1);
    await service.close();
  }, 60_000);
});
