/**
 * KernelClient against the transferlab kernel (one shared kernel: starting one takes a couple of seconds),
 * against plain tslab 1.0.22 (whose defects the client still copes with, for comparisons), and against
 * IPython's kernel as a protocol peer where it is installed.
 */
import * as path from "path";
import { kernelArgv } from "../../kernel-ext/kernel/argv";
import { tslabKernelArgv } from "../../kernel-ext/kernel/tslab";
import { KernelClient, KernelDiedError } from "../../kernel-ext/run/client";
import type { OutputEvent } from "../../kernel-ext/run/outputs";
import { pythonWith, skipPeer } from "../helpers/peer";

const ROOT = path.resolve(__dirname, "../..");

describe("KernelClient with the transferlab kernel", () => {
  const client = new KernelClient();

  beforeAll(async () => {
    const t0 = Date.now();
    await client.start(undefined, ROOT);
    const t1 = Date.now();
    const first = await client.execute("1 + 1");
    console.log(`transferlab kernel: start ${t1 - t0} ms, first result after ${Date.now() - t1} ms (start to first result ${Date.now() - t0} ms)`);
    expect(first.status).toBe("ok");
    expect(client.kernelInfo).toMatchObject({ implementation: "transferlab", status: "ok" });
  }, 90_000);

  afterAll(() => client.shutdown());

  test("the last expression's value is an execute_result; console output arrives as stdout streams", async () => {
    const r = await client.execute("const a = 1 + 1; a");
    expect(r.status).toBe("ok");
    expect(typeof r.executionCount).toBe("number");
    expect(r.outputs).toEqual([{ output_type: "execute_result", execution_count: r.executionCount, data: { "text/plain": "2" }, metadata: {} }]);
    const events: OutputEvent[] = [];
    const hi = await client.execute('console.log("hi"); console.log("there")', { onOutput: (e) => events.push(e) });
    expect(hi.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "hi\nthere\n" }]);
    expect(hi.executionCount).toBe(r.executionCount! + 1);
    expect(events.map((e) => e.text).join("")).toBe("hi\nthere\n");
    expect(hi.timestamps["shell.execute_reply"]).toBeDefined();
    expect(hi.timestamps["iopub.execute_input"]).toBeDefined();
  });

  test("an error is the kernel's own error output; the next cell runs at once", async () => {
    const err = await client.execute('throw new TypeError("boom")');
    expect(err.status).toBe("error");
    expect(err.outputs).toHaveLength(1);
    expect(err.outputs[0]).toMatchObject({ output_type: "error", ename: "TypeError", evalue: "boom" });
    expect(err.stderr).toBe("");
    const next = await client.execute('console.log("after")');
    expect(next.status).toBe("ok");
    expect(next.attempts).toBe(1);
    expect(next.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "after\n" }]);
    const ts = await client.execute('const n: number = "s";');
    expect(ts.status).toBe("error");
    expect(ts.error).toMatchObject({ ename: "TypeScriptError" });
    expect(ts.error!.evalue).toMatch(/^1:7 - Type 'string' is not assignable to type 'number'/);
  });

  test("input requests are answered by the stdin option; without it the cell's input() fails", async () => {
    const asked: string[] = [];
    const r = await client.execute('import { input } from "@transferlab/kernel-ext"; await input("size? ")', {
      stdin: (prompt) => (asked.push(prompt), "42"),
    });
    expect(asked).toEqual(["size? "]);
    expect(r.outputs).toMatchObject([{ output_type: "execute_result", data: { "text/plain": "'42'" } }]);
    const refused = await client.execute('await input("size? ")');
    expect(refused.status).toBe("error");
  });

  test("requestReply: any request on shell or control", async () => {
    const c = await client.requestReply("complete_request", { code: "Math.fl", cursor_pos: 7 });
    expect(c?.content.matches).toEqual(["floor"]);
    const info = await client.requestReply("kernel_info_request", {}, { channel: "control" });
    expect(info?.content.implementation).toBe("transferlab");
  });

  test("a display updated by id leaves one output with the final content, also from a later cell", async () => {
    const r = await client.execute('import * as tslab from "tslab"; const d = tslab.newDisplay(); d.html("<b>1</b>"); d.html("<b>2</b>");');
    expect(r.status).toBe("ok");
    expect(r.outputs).toEqual([{ output_type: "display_data", data: { "text/html": "<b>2</b>" }, metadata: {} }]);
    const later = await client.execute('d.html("<b>3</b>")');
    expect(later.outputs).toEqual([]);
    expect(r.outputs[0]).toMatchObject({ data: { "text/html": "<b>3</b>" } });
  });

  test("a cell over its timeout is interrupted and reported; the kernel goes on", async () => {
    const r = await client.execute("while (true) {}", { timeoutMs: 1500 });
    expect(r.status).toBe("timeout");
    expect(r.error).toMatchObject({ ename: "CellTimeoutError" });
    expect(r.error!.evalue).toMatch(/exceeded the timeout of 1.5 s/);
    // the timeout replaces the kernel's own report of the interrupt: one error output
    expect(r.outputs.filter((o) => o.output_type === "error")).toEqual([r.error]);
    expect(r.durationMs).toBeLessThan(10_000);
    const after = await client.execute("console.log(40 + 2)");
    expect(after.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "42\n" }]);
  });

  test("round trip of a trivial cell; heartbeat", async () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = process.hrtime.bigint();
      await client.execute("1");
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((x, y) => x - y);
    console.log(`trivial cell round trip: median ${((times[9] + times[10]) / 2).toFixed(1)} ms over 20 (min ${times[0].toFixed(1)}, max ${times[19].toFixed(1)})`);
    expect(await client.heartbeat()).toBe(true);
  });

  // last: it ends the shared kernel
  test("the kernel's death rejects the running execute with its exit status, and later ones", async () => {
    const died = client.execute("process.exit(3)");
    await expect(died).rejects.toThrow(KernelDiedError);
    await expect(died).rejects.toThrow(/exit code 3/);
    expect(client.alive).toBe(false);
    await expect(client.execute("1")).rejects.toThrow(/not running/);
  });
});

describe("KernelClient with plain tslab 1.0.22 (the baseline)", () => {
  const client = new KernelClient();
  beforeAll(() => client.start(tslabKernelArgv(), ROOT), 90_000);
  afterAll(() => client.shutdown());

  test("its stderr-only errors become error outputs; the next cell survives its abort window", async () => {
    const err = await client.execute('throw new TypeError("boom")');
    expect(err.status).toBe("error");
    expect(err.outputs).toHaveLength(1);
    expect(err.outputs[0]).toMatchObject({ output_type: "error", ename: "TypeError", evalue: "boom" });
    expect(err.stderr).toContain("TypeError: boom");
    // sent at once: tslab answers "abort" for 200 ms after an error, and the client re-sends
    const next = await client.execute('console.log("after")');
    expect(next.status).toBe("ok");
    expect(next.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "after\n" }]);
    console.log(`plain tslab: the cell after an error was sent ${next.attempts} time(s)`);
    const ts = await client.execute('const n: number = "s";');
    expect(ts.error).toMatchObject({ ename: "TSError" });
  });
});

test("a kernel that exits at start: a clear error with its exit code and stderr", async () => {
  const client = new KernelClient();
  const start = client.start([process.execPath, "-e", "console.error('no kernel here'); process.exit(2)"], ROOT);
  await expect(start).rejects.toThrow(/failed to start.*exit code 2[\s\S]*no kernel here/);
  await expect(new KernelClient().start(["/nonexistent/kernel-binary"], ROOT)).rejects.toThrow(/could not be started.*ENOENT/);
});

describe("protocol peer: IPython's kernel", () => {
  const python = pythonWith("ipykernel");
  const client = new KernelClient();
  afterAll(() => client.shutdown());

  test("execute_result, error messages, display updates, clear_output, interrupt", async () => {
    if (!python) return void skipPeer("ipykernel", "no python3 with ipykernel");
    await client.start([python, "-m", "ipykernel_launcher", "-f", "{connection_file}"], ROOT, { PYDEVD_DISABLE_FILE_VALIDATION: "1" });
    const r = await client.execute("1 + 1");
    expect(r.outputs).toEqual([{ output_type: "execute_result", execution_count: r.executionCount, data: { "text/plain": "2" }, metadata: {} }]);
    expect(r.timestamps["iopub.execute_input"]).toBeDefined();
    const err = await client.execute('raise ValueError("nope")');
    expect(err.status).toBe("error");
    expect(err.outputs).toHaveLength(1);
    expect(err.error).toMatchObject({ output_type: "error", ename: "ValueError", evalue: "nope" });
    const disp = await client.execute(
      "from IPython.display import display, clear_output\n" +
        'h = display("one", display_id=True)\nh.update("two")\nprint("x")\nclear_output(wait=True)\nprint("y")',
    );
    expect(disp.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "y\n" }]);
    const shown = await client.execute('h2 = display("a", display_id=True)');
    await client.execute('h2.update("b")');
    expect(shown.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "'b'" }, metadata: {} }]);
    const slow = await client.execute("import time\ntime.sleep(30)", { timeoutMs: 1000 });
    expect(slow.status).toBe("timeout");
    expect((await client.execute("print(3)")).outputs).toEqual([{ output_type: "stream", name: "stdout", text: "3\n" }]);
  }, 60_000);
});

test("a kernel that loses a port to another process at start is started again on fresh ports", async () => {
  // first start: a stand-in that prints tslab's EADDRINUSE rejection and stays up (as tslab does);
  // second start: the real kernel
  const fs = await import("fs");
  const os = await import("os");
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tlab-clash-")), "first");
  const [node, main, ...rest] = kernelArgv();
  const script =
    `const fs = require("fs"); if (!fs.existsSync(${JSON.stringify(marker)})) {` +
    ` fs.writeFileSync(${JSON.stringify(marker)}, ""); console.error("UnhandledPromiseRejection: [Error: Address already in use] { code: 'EADDRINUSE' }");` +
    ` setInterval(() => undefined, 1000); } else { process.argv.splice(1, 1, ${JSON.stringify(main)}); require(${JSON.stringify(main)}); }`;
  const client = new KernelClient();
  try {
    const t0 = Date.now();
    await client.start([node, "-e", script, "x", ...rest], ROOT);
    expect(fs.existsSync(marker)).toBe(true);
    expect((await client.execute("40 + 2")).outputs).toEqual([expect.objectContaining({ data: { "text/plain": "42" } })]);
    console.log(`port clash: second start answered after ${Date.now() - t0} ms in all`);
  } finally {
    await client.shutdown();
  }
}, 60_000);
