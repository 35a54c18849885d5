/**
 * The kernel stays alive and answers: interrupts (interrupt_request and SIGINT, synchronous loops and
 * awaited promises), errors outside cells, memory exhaustion in an allocation; the heartbeat beats while
 * a cell runs; shutdown and restart within a second.
 */
import * as path from "path";
import { kernelJson } from "../../kernel-ext/kernel/install";
import { RawKernel, executeContent, sleep } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const outputs = RawKernel.outputs;

describe("one kernel, many ways to fail", () => {
  let k: RawKernel;
  beforeAll(async () => {
    k = await RawKernel.start({ cwd: NOTEBOOKS });
  }, 90_000);
  afterAll(() => k?.close());

  async function interrupted(code: string, how: "message" | "signal") {
    const id = await k.send("shell", "execute_request", executeContent(code));
    await sleep(400);
    expect(await k.heartbeat()).toBe(true); // beats while the main thread is busy
    const started = Date.now();
    if (how === "message") {
      const r = await k.request("interrupt_request", {}, "control");
      expect(r.reply.content).toEqual({ status: "ok" });
    } else {
      process.kill(k.proc.pid!, "SIGINT");
    }
    const reply = await k.waitReply(id, 10_000);
    const ms = Date.now() - started;
    expect(reply.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(ms).toBeLessThan(8000); // interrupted, not run to its end (loose: shared machines)
    const after = await k.execute("'still here'");
    expect(outputs(after)).toEqual([["execute_result", expect.objectContaining({ data: { "text/plain": "'still here'" } })]]);
  }

  test("interrupt_request stops a synchronous infinite loop", () => interrupted("while (true) {}", "message"));
  test("interrupt_request stops a cell awaiting forever", () => interrupted("await new Promise(() => {})", "message"));
  test("SIGINT stops a synchronous infinite loop", () => interrupted("let spin = 0; for (;;) spin++;", "signal"));
  test("SIGINT stops a cell awaiting forever", () => interrupted("await new Promise(() => {})", "signal"));

  test("an interrupt while idle is harmless", async () => {
    await k.request("interrupt_request", {}, "control");
    expect((await k.execute("1")).reply.content.status).toBe("ok");
  });

  /** The error a cell's leftover callback reported on iopub after the cell's reply (up to 5 s). */
  async function lateError(requestId: string | undefined): Promise<Record<string, unknown> | undefined> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const late = k.iopubLog.find((m) => m.header.msg_type === "error" && m.parent_header.msg_id === requestId)?.content;
      if (late || Date.now() >= deadline) return late;
      await sleep(50);
    }
  }

  test("a promise rejected after the cell finished: an error output for that cell, and the kernel goes on", async () => {
    const x = await k.execute('setTimeout(() => { Promise.reject(new Error("late rejection")); }, 100); "done"');
    expect(x.reply.content.status).toBe("ok");
    const late = await lateError(x.reply.parent_header.msg_id);
    expect(late).toMatchObject({ ename: "Error", evalue: "late rejection" });
    expect((await k.execute("2")).reply.content.status).toBe("ok");
  });

  test("an exception thrown from a timer after the cell: reported, the kernel goes on", async () => {
    const x = await k.execute('setTimeout(() => { throw new TypeError("from a timer"); }, 50); 1');
    const late = await lateError(x.reply.parent_header.msg_id);
    expect(late).toMatchObject({ ename: "TypeError", evalue: "from a timer" });
    expect((await k.execute("3")).reply.content.status).toBe("ok");
  });

  test("a rejection left unhandled by the cell itself fails that cell", async () => {
    const x = await k.execute('Promise.reject(new Error("unhandled")); "not reached as ok"');
    expect(x.reply.content).toMatchObject({ status: "error", ename: "Error", evalue: "unhandled" });
  });

  test("memory exhaustion in a typed-array allocation is an error, not a crash", async () => {
    const x = await k.execute("const huge = new Float64Array(2 ** 40);");
    expect(x.reply.content).toMatchObject({ status: "error", ename: "RangeError" });
    // a length V8 accepts but no machine can back (32 TiB)
    const y = await k.execute("const buffer = new ArrayBuffer(2 ** 45);");
    expect(y.reply.content).toMatchObject({ status: "error", ename: "RangeError", evalue: "Array buffer allocation failed" });
    expect((await k.execute("40 + 2")).reply.content.status).toBe("ok");
    expect(k.exitCode).toBeUndefined();
  });
});

describe("shutdown and restart", () => {
  test("shutdown_request: replied, broadcast on iopub, the process gone within a second, even mid-loop", async () => {
    const k = await RawKernel.start({ cwd: NOTEBOOKS });
    try {
      await k.send("shell", "execute_request", executeContent("while (true) {}"));
      await sleep(300);
      const started = Date.now();
      const id = await k.send("control", "shutdown_request", { restart: false });
      const reply = await k.waitReply(id, 5000);
      expect(reply.content).toEqual({ status: "ok", restart: false });
      // it must not wait for the busy cell (that would be forever); the bound is loose: the machines are shared
      expect(await k.exited(10_000)).toBe(0);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(k.iopubLog.some((m) => m.header.msg_type === "shutdown_reply")).toBe(true);
    } finally {
      await k.close();
    }
  }, 60_000);

  test("restart: shutdown with restart true, then a fresh kernel answers; each step timed", async () => {
    const first = await RawKernel.start({ cwd: NOTEBOOKS });
    await first.execute("const kept = 1;");
    const t0 = Date.now();
    const id = await first.send("control", "shutdown_request", { restart: true });
    expect((await first.waitReply(id, 5000)).content).toEqual({ status: "ok", restart: true });
    expect(await first.exited(10_000)).toBe(0);
    const down = Date.now() - t0;
    await first.close();
    const second = await RawKernel.start({ cwd: NOTEBOOKS });
    try {
      const up = Date.now() - t0;
      const x = await second.execute("typeof kept");
      expect(x.reply.content.status).toBe("error"); // a fresh kernel: earlier names are gone
      console.log(`restart: old kernel gone after ${down} ms, new kernel answering after ${up} ms`);
      expect(down).toBeLessThan(8000); // loose: the speed itself is bench:kernel's
    } finally {
      await second.close();
    }
  }, 60_000);

  test("the kernelspec's interrupt_mode is message (the kernel also stops on SIGINT)", () => {
    expect(kernelJson().interrupt_mode).toBe("message");
  });
});
