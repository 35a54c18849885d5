/**
 * KernelClient against the transferlab kernel (one shared kernel: starting one takes a couple of seconds),
 * against plain tslab 1.0.22 (whose defects the client still copes with, for comparisons), and against
 * IPython's kernel as a protocol peer where it is installed.
 */
import * as fs from "fs";
import * as os from "os";
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

  test("an error thrown by a timer after its cell finished goes to that cell, not to the cell running then", async () => {
    const a = await client.execute('setTimeout(() => { throw new Error("late boom"); }, 50); Promise.resolve().then(() => new Promise((r) => setTimeout(r, 80))).then(() => { throw new Error("late reject"); }); "scheduled"');
    expect(a.status).toBe("ok");
    const b = await client.execute('await new Promise((r) => setTimeout(r, 400)); "b done"');
    expect(b.status).toBe("ok");
    expect(b.outputs).toEqual([{ output_type: "execute_result", execution_count: b.executionCount, data: { "text/plain": "'b done'" }, metadata: {} }]);
    expect(a.lateErrors.map((e) => e.evalue)).toEqual(["late boom", "late reject"]);
    expect(a.lateErrors[0].traceback[0]).toBe(`(late error: thrown after In[${a.executionCount}] had finished, by a timer, promise or event handler it left behind, while In[${b.executionCount}] ran; In[${b.executionCount}] is not failed by it)`);
    // they are outputs of the cell that scheduled them, too
    expect(a.outputs.filter((o) => o.output_type === "error")).toHaveLength(2);
    // a timer of the running cell's own still fails it
    const c = await client.execute('setTimeout(() => { throw new Error("mine"); }, 10); await new Promise((r) => setTimeout(r, 200));');
    expect(c.status).toBe("error");
    expect(c.error?.evalue).toBe("mine");
    expect(c.lateErrors).toEqual([]);
    // the reply counts what the cells left pending that could still throw. Earlier cells left some, a few of
    // them short-lived (their timers end soon): wait until the count holds still before counting our own
    let before = (await client.execute("1")).pending!;
    for (let same = 0, tries = 0; same < 3 && tries < 50; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = (await client.execute("1")).pending!;
      same = now === before ? same + 1 : 0;
      before = now;
    }
    expect(before).toBeGreaterThanOrEqual(0);
    expect((await client.execute("const t = setTimeout(() => undefined, 60_000);")).pending).toBe(before + 1);
    expect((await client.execute("clearTimeout(t);")).pending).toBe(before);
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

describe("KernelClient over ZeroMQ's ipc transport", () => {
  test("the kernel binds Unix sockets in the folder given (no TCP port), answers and cleans up", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-ipc-test-"));
    const client = new KernelClient();
    try {
      await client.start(undefined, ROOT, {}, { transport: "ipc", ipcDir: dir });
      const sockets = fs.readdirSync(dir);
      expect(sockets).toHaveLength(5);
      for (const s of sockets) expect(fs.statSync(path.join(dir, s)).isSocket()).toBe(true);
      const r = await client.execute('console.log("over ipc"); 6 * 7');
      expect(r.status).toBe("ok");
      expect(r.outputs).toEqual([
        { output_type: "stream", name: "stdout", text: "over ipc\n" },
        { output_type: "execute_result", execution_count: r.executionCount, data: { "text/plain": "42" }, metadata: {} },
      ]);
      expect(await client.heartbeat()).toBe(true);
      // the kernel listens on no TCP port of its own
      const inodes = new Set(
        fs
          .readdirSync(`/proc/${client.pid}/fd`)
          .map((fd) => {
            try {
              return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${client.pid}/fd/${fd}`))?.[1];
            } catch {
              return undefined;
            }
          })
          .filter((x): x is string => Boolean(x)),
      );
      const tcpListening = ["tcp", "tcp6"]
        .flatMap((f) => fs.readFileSync(`/proc/net/${f}`, "utf8").split("\n").slice(1))
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols[3] === "0A" && inodes.has(cols[9]));
      expect(tcpListening).toEqual([]);
    } finally {
      await client.shutdown();
      expect(fs.readdirSync(dir)).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test("a socket path too long for a Unix socket is refused with the path named", async () => {
    const client = new KernelClient();
    await expect(client.start(undefined, ROOT, {}, { transport: "ipc", ipcDir: "/tmp/" + "x".repeat(120) })).rejects.toThrow(/longer than 107 bytes/);
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
  const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-clash-"));
  const marker = path.join(markerDir, "first");
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
    fs.rmSync(markerDir, { recursive: true, force: true });
  }
}, 60_000);
