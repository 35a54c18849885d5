import { createConnectionFile, freePorts } from "../../kernel-ext/run/connection";
import { parseKernelError, replaceStderrWithError, tracebackLines } from "../../kernel-ext/run/errors";
import { decode, encode, newMessage, sign } from "../../kernel-ext/run/message";
import { DisplayRegistry, OutputRecorder } from "../../kernel-ext/run/outputs";
import { findBackend } from "../../kernel-ext/run/runner";
import * as fs from "fs";
import type { Output } from "../../kernel-ext/notebook";

describe("wire format", () => {
  const key = "secret";

  test("encode/decode round trip with HMAC-SHA256 over the four JSON frames", () => {
    const msg = newMessage("execute_request", { code: "1" }, "session-1");
    const frames = encode(key, msg);
    expect(frames[0].toString()).toBe("<IDS|MSG>");
    const expected = sign(key, frames.slice(2, 6));
    expect(frames[1].toString()).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    // a routing prefix (the iopub topic) is kept apart
    const back = decode(key, [Buffer.from("topic"), ...frames]);
    expect(back.identities.map(String)).toEqual(["topic"]);
    expect(back.header.msg_type).toBe("execute_request");
    expect(back.header.version).toBe("5.3");
    expect(back.content).toEqual({ code: "1" });
  });

  test("a tampered or wrongly signed message is rejected", () => {
    const frames = encode(key, newMessage("status", { execution_state: "idle" }, "s"));
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ execution_state: "busy" }));
    expect(() => decode(key, tampered)).toThrow(/invalid HMAC/);
    expect(() => decode("other key", frames)).toThrow(/invalid HMAC/);
    expect(() => decode(key, frames.slice(1))).toThrow(/delimiter/);
  });

  test("an empty key means unsigned messages, as the spec says", () => {
    const frames = encode("", newMessage("status", {}, "s"));
    expect(frames[1].toString()).toBe("");
    expect(decode("", frames).header.msg_type).toBe("status");
  });

  test("connection files: five distinct free ports on 127.0.0.1, a private file", async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    const { file, dir, info } = await createConnectionFile();
    try {
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(info);
      expect(info.ip).toBe("127.0.0.1");
      expect(info.signature_scheme).toBe("hmac-sha256");
      expect(info.key).toMatch(/^[0-9a-f]{64}$/);
      if (process.platform !== "win32") expect(fs.statSync(file).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("output recording (as nbclient)", () => {
  test("consecutive stream text of one name merges; another name starts a new output", () => {
    const rec = new OutputRecorder(new DisplayRegistry());
    rec.handle("stream", { name: "stdout", text: "a\n" });
    rec.handle("stream", { name: "stdout", text: "b\n" });
    rec.handle("stream", { name: "stderr", text: "w\n" });
    rec.handle("stream", { name: "stdout", text: "c\n" });
    expect(rec.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "w\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
  });

  test("update_display_data rewrites every output of its display id in place, across cells", () => {
    const displays = new DisplayRegistry();
    const cell1 = new OutputRecorder(displays);
    cell1.handle("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "bar" } });
    const cell2 = new OutputRecorder(displays);
    const event = cell2.handle("update_display_data", { data: { "text/plain": "100%" }, metadata: { x: 1 }, transient: { display_id: "bar" } });
    expect(cell2.outputs).toEqual([]);
    expect(cell1.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "100%" }, metadata: { x: 1 } }]);
    expect(event?.output).toBe(cell1.outputs[0]);
    // an update for an id never shown is ignored
    cell2.handle("update_display_data", { data: { "text/plain": "?" }, metadata: {}, transient: { display_id: "nope" } });
    expect(cell2.outputs).toEqual([]);
  });

  test("clear_output clears now, or before the next output with wait", () => {
    const rec = new OutputRecorder(new DisplayRegistry());
    rec.handle("stream", { name: "stdout", text: "1\n" });
    rec.handle("clear_output", { wait: false });
    expect(rec.outputs).toEqual([]);
    rec.handle("stream", { name: "stdout", text: "2\n" });
    rec.handle("clear_output", { wait: true });
    expect(rec.outputs).toHaveLength(1);
    rec.handle("execute_result", { data: { "text/plain": "3" }, metadata: {}, execution_count: 7 });
    expect(rec.outputs).toEqual([{ output_type: "execute_result", execution_count: 7, data: { "text/plain": "3" }, metadata: {} }]);
  });

  test("error messages become error outputs", () => {
    const rec = new OutputRecorder(new DisplayRegistry());
    rec.handle("error", { ename: "ValueError", evalue: "x", traceback: ["t1", "t2"] });
    expect(rec.sawError).toBe(true);
    expect(rec.outputs).toEqual([{ output_type: "error", ename: "ValueError", evalue: "x", traceback: ["t1", "t2"] }]);
  });
});

describe("errors rebuilt from tslab's stderr", () => {
  const thrown =
    'evalmachine.<anonymous>:2\nthrow new TypeError("boom");\n^\n\nTypeError: boom\n    at evalmachine.<anonymous>:2:7\n' +
    "    at sigintHandlersWrap (node:vm:280:12)\n    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)\n";

  test("a thrown JS error: its name and message; kernel frames dropped from the traceback", () => {
    expect(parseKernelError(thrown)).toEqual({ ename: "TypeError", evalue: "boom" });
    expect(tracebackLines(thrown)).toEqual([
      "evalmachine.<anonymous>:2",
      'throw new TypeError("boom");',
      "^",
      "TypeError: boom",
      "    at evalmachine.<anonymous>:2:7",
    ]);
  });

  test("the last error with a stack wins over earlier logging that looks like one", () => {
    expect(parseKernelError("Warning: Error: not this\nRangeError: r\n    at f (x:1:1)\n")).toEqual({ ename: "RangeError", evalue: "r" });
  });

  test("TypeScript diagnostics, non-Error throws, empty stderr", () => {
    expect(parseKernelError("1:7 - Type 'string' is not assignable to type 'number'.\n")).toEqual({
      ename: "TSError",
      evalue: "1:7 - Type 'string' is not assignable to type 'number'.",
    });
    expect(parseKernelError("str\n")).toEqual({ ename: "Error", evalue: "str" });
    expect(parseKernelError("Error: boom\n    at x (y:1:1)\n")).toEqual({ ename: "Error", evalue: "boom" });
    expect(parseKernelError("Error [ERR_X]: coded\n")).toEqual({ ename: "Error", evalue: "coded" });
    expect(parseKernelError("").ename).toBe("Error");
  });

  test("the error output replaces the stderr streams and keeps their text in the traceback", () => {
    const outputs: Output[] = [
      { output_type: "stream", name: "stdout", text: "before\n" },
      { output_type: "stream", name: "stderr", text: thrown },
    ];
    const err = replaceStderrWithError(outputs);
    expect(outputs).toEqual([{ output_type: "stream", name: "stdout", text: "before\n" }, err]);
    expect(err).toMatchObject({ output_type: "error", ename: "TypeError", evalue: "boom" });
  });
});

test("the backend is read from a 'transferlab backend:' line on stdout", () => {
  const out = (text: string, name: "stdout" | "stderr" = "stdout"): Output => ({ output_type: "stream", name, text });
  expect(findBackend([out("x\ntransferlab backend: wasm (SIMD, 1 thread) — skipped tensorflow: no GPU\n")])).toBe("wasm");
  expect(findBackend([out("transferlab backend: cpu\n")])).toBe("cpu");
  expect(findBackend([out("transferlab backend: wasm\n", "stderr"), out("no\n")])).toBeUndefined();
});
