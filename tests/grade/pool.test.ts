/** Kernels started ahead: one fresh sandbox per kernel, never reused, wall clock from the moment it is taken. */
import * as fs from "fs";
import * as path from "path";
import { KernelPool, type PooledKernel } from "../../kernel-ext/grade/pool";
import { killedFor, releaseSandboxRoot } from "../../kernel-ext/grade/sandbox";

const ROOT = path.resolve(__dirname, "../..");

describe("KernelPool", () => {
  const taken: PooledKernel[] = [];
  afterAll(async () => {
    for (const k of taken) {
      await k.client.shutdown();
      k.sandbox.dispose();
    }
    releaseSandboxRoot();
  });

  it("starts kernels ahead, each in its own empty sandbox; the wall clock starts when one is taken", async () => {
    const pool = new KernelPool({ sandbox: { wallSec: 4, modules: ROOT, memoryMb: 1024 }, ahead: 2, total: 3 });
    try {
      const a = await pool.take();
      taken.push(a);
      expect(a.error).toBeUndefined();
      // waiting in the pool longer than the wall-clock limit does not kill a kernel
      await new Promise((r) => setTimeout(r, 4500));
      const b = await pool.take();
      const c = await pool.take();
      taken.push(b, c);
      for (const k of [b, c]) expect(k.client.alive).toBe(true);
      const cwd = await b.client.execute('process.cwd() + " " + require("fs").readdirSync(".").filter((f: string) => !f.startsWith(".")).join(",")');
      expect(cwd.outputs[0]).toMatchObject({ data: { "text/plain": `'${b.sandbox.workDir} node_modules'` } });
      // the one taken first ran past its 4 s since it was taken: killed and marked
      expect(a.client.alive).toBe(false);
      expect(killedFor(a.sandbox)).toBe("timeout");
      expect(killedFor(c.sandbox)).toBeUndefined();
      // past the total, one more is started on demand
      const d = await pool.take();
      taken.push(d);
      expect(d.error).toBeUndefined();
      // four kernels, four sandboxes, four working folders
      expect(new Set(taken.map((k) => k.client.pid)).size).toBe(4);
      expect(new Set(taken.map((k) => k.sandbox.workDir)).size).toBe(4);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("shuts down the kernels nobody took and removes their sandboxes", async () => {
    const pool = new KernelPool({ sandbox: { wallSec: 60, modules: ROOT }, ahead: 2, total: 5 });
    const k = await pool.take();
    taken.push(k);
    // one taken, two more started to stand ready
    const dirs = fs.readdirSync(path.dirname(k.sandbox.workDir)).filter((d) => d.startsWith("student-"));
    expect(dirs.length).toBeGreaterThanOrEqual(3);
    await pool.close();
    // what is left: the sandboxes of the kernels taken (their graders dispose of them), no other
    const left = fs.readdirSync(path.dirname(k.sandbox.workDir)).filter((d) => d.startsWith("student-"));
    expect(left.sort()).toEqual(taken.map((t) => path.basename(t.sandbox.workDir)).sort());
    await expect(pool.take()).rejects.toThrow(/closed/);
  }, 60_000);
});
