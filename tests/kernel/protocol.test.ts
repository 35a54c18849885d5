/**
 * The transferlab kernel over ZeroMQ, request by request (messaging protocol 5.3): kernel_info,
 * execute (counts, execute_input, execute_result, errors, stop_on_error, silent, user_expressions),
 * history, is_complete, complete, inspect and the pager, comm_info and comm_open. One kernel for the file.
 */
import * as path from "path";
import { sign } from "../../kernel-ext/run/message";
import { RawKernel, executeContent, type Exchange } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const outputs = RawKernel.outputs;
let k: RawKernel;

beforeAll(async () => {
  k = await RawKernel.start({ cwd: path.join(ROOT, "notebooks") });
}, 90_000);
afterAll(() => k?.close());

const only = (x: Exchange, type: string) => outputs(x).filter(([t]) => t === type).map(([, c]) => c);

test("kernel_info_reply: complete and truthful, on shell and on control", async () => {
  const { reply, iopub } = await k.request("kernel_info_request", {});
  const ts = require("@tslab/typescript-for-tslab/package.json").version as string;
  expect(reply.header.msg_type).toBe("kernel_info_reply");
  expect(reply.header.version).toBe("5.3");
  expect(reply.content).toMatchObject({
    status: "ok",
    protocol_version: "5.3",
    implementation: "transferlab",
    implementation_version: require("../../kernel-ext/package.json").version,
    language_info: { name: "typescript", version: ts, mimetype: "text/typescript", file_extension: ".ts" },
    debugger: false,
  });
  expect(ts).toBe("5.0.4");
  const links = reply.content.help_links as { text: string; url: string }[];
  expect(links.map((l) => l.text)).toEqual(expect.arrayContaining(["transferlab (README)"]));
  expect(links.find((l) => l.text === "transferlab (README)")!.url).toMatch(/^file:\/\/.*README\.md$/);
  expect(iopub.map((m) => [m.header.msg_type, m.content.execution_state])).toEqual([["status", "busy"], ["status", "idle"]]);
  // signed with the connection key
  const control = await k.request("kernel_info_request", {}, "control");
  expect(control.reply.content.implementation).toBe("transferlab");
});

test("execute: busy, execute_input, outputs, reply, idle, in order; counts go up", async () => {
  const a = await k.execute('console.log("out"); console.error("err"); 6 * 7');
  const types = a.iopub.map((m) => m.header.msg_type);
  expect(types[0]).toBe("status");
  expect(types[1]).toBe("execute_input");
  expect(types[types.length - 1]).toBe("status");
  expect(a.iopub[1].content).toEqual({ code: 'console.log("out"); console.error("err"); 6 * 7', execution_count: a.reply.content.execution_count });
  expect(outputs(a)).toEqual([
    ["stream", { name: "stdout", text: "out\n" }],
    ["stream", { name: "stderr", text: "err\n" }],
    ["execute_result", { execution_count: a.reply.content.execution_count, data: { "text/plain": "42" }, metadata: {} }],
  ]);
  expect(a.reply.content).toMatchObject({ status: "ok", payload: [], user_expressions: {} });
  const b = await k.execute("undefined");
  expect(b.reply.content.execution_count).toBe((a.reply.content.execution_count as number) + 1);
  expect(outputs(b)).toEqual([]); // undefined is not shown
  // silent: no execute_input, no result, no count
  const s = await k.execute("1 + 1", { silent: true });
  expect(s.iopub.map((m) => m.header.msg_type)).toEqual(["status", "status"]);
  expect(s.reply.content.execution_count).toBe(b.reply.content.execution_count);
  const c = await k.execute("2", { store_history: false });
  expect(c.reply.content.execution_count).toBe(b.reply.content.execution_count);
});

test("execute_result: text/plain as Node shows it, no colour codes; strings quoted; null shown", async () => {
  const obj = await k.execute("({ a: 1, nested: { b: [1, 2, 3] }, s: 'x' })");
  expect(only(obj, "execute_result")[0].data).toEqual({ "text/plain": "{ a: 1, nested: { b: [ 1, 2, 3 ] }, s: 'x' }" });
  expect(only(await k.execute('"text"'), "execute_result")[0].data).toEqual({ "text/plain": "'text'" });
  expect(only(await k.execute("null"), "execute_result")[0].data).toEqual({ "text/plain": "null" });
  expect(JSON.stringify(only(await k.execute("new Map([[1, { deep: true }]])"), "execute_result"))).not.toMatch(/\\u001b/);
});

test("execute_result: own bundles (Symbol.for('Jupyter.display')), Plotly specs, DataFrames, tensors", async () => {
  const own = await k.execute(
    'const card = { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>card</b>", "text/markdown": "**card**" }; } }; card',
  );
  expect(only(own, "execute_result")[0].data).toEqual({ "text/html": "<b>card</b>", "text/markdown": "**card**", "text/plain": "{ [Symbol(Jupyter.display)]: [Function: [Jupyter.display]] }" });
  const asyncOwn = await k.execute('({ async [Symbol.for("Jupyter.display")]() { return { "text/plain": "\\u001b[31mred\\u001b[0m" }; } })');
  expect(only(asyncOwn, "execute_result")[0].data).toEqual({ "text/plain": "red" });
  const fig = await k.execute('import * as tl from "transferlab"; tl.barChart(["a", "b"], [1, 2], { title: "Bars" })');
  const data = only(fig, "execute_result")[0].data as Record<string, unknown>;
  expect(Object.keys(data).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  expect(data["text/plain"]).toBe("<Plotly figure: Bars, 1 trace>");
  expect(data["text/html"]).toContain("Plotly.newPlot");
  expect((data["application/vnd.plotly.v1+json"] as { data: unknown[] }).data).toHaveLength(1);
  const tensor = await k.execute('import * as tf from "@tensorflow/tfjs"; await tf.setBackend("cpu"); tf.tensor2d([[1, 2], [3, 4]])');
  const t = only(tensor, "execute_result")[0].data as Record<string, string>;
  expect(t["text/plain"]).toMatch(/^Tensor float32 \[2 × 2\]/);
  expect(t["text/html"]).toContain("<table");
  const df = await k.execute('({ columns: ["a"], values: [[1], [2]], index: [0, 1], shape: [2, 1] })');
  expect((only(df, "execute_result")[0].data as Record<string, string>)["text/html"]).toContain("<td>2</td>");
});

test("a runtime error: error message and execute_reply with ename, evalue, a traceback at the cell's line", async () => {
  const x = await k.execute('const ok = 1;\n\nfunction fail(): never {\n  throw new RangeError("no such domain");\n}\nfail();');
  expect(x.reply.content).toMatchObject({ status: "error", ename: "RangeError", evalue: "no such domain" });
  const [err] = only(x, "error");
  expect(err).toEqual({ ename: "RangeError", evalue: "no such domain", traceback: x.reply.content.traceback });
  const tb = (err.traceback as string[]).join("\n");
  const n = x.reply.content.execution_count;
  expect(tb).toContain(`at fail (In[${n}]:4:9)`);
  expect(tb).toContain(`at In[${n}]:6:1`);
  expect(tb).toContain('--> 4 |   throw new RangeError("no such domain");');
  expect(tb).not.toMatch(/node:vm|kernel-ext[\\/]lib[\\/]kernel/);
  expect(outputs(x).map(([t]) => t)).toEqual(["error"]);
});

test("an error in a function from an earlier cell points at that cell; subclasses keep their name", async () => {
  const def = await k.execute("class DomainError extends Error {}\nfunction later(): void {\n  throw new DomainError('late');\n}");
  const n = def.reply.content.execution_count;
  const x = await k.execute("later()");
  expect(x.reply.content).toMatchObject({ status: "error", ename: "DomainError", evalue: "late" });
  expect((x.reply.content.traceback as string[]).join("\n")).toContain(`at later (In[${n}]:3:9)`);
});

test("TypeScript diagnostics: TypeScriptError with line:column and message; strict from the project's tsconfig", async () => {
  const x = await k.execute('const ok: number = 1;\nconst n: number = "s";');
  expect(x.reply.content).toMatchObject({ status: "error", ename: "TypeScriptError" });
  expect(x.reply.content.evalue).toBe("2:7 - Type 'string' is not assignable to type 'number'.");
  expect(x.reply.content.traceback).toEqual([
    `In[${x.reply.content.execution_count}]:2:7 - error TS2322: Type 'string' is not assignable to type 'number'.`,
    '  2 | const n: number = "s";',
    "    |       ^",
  ]);
  // the project's tsconfig says strict: implicit any and possibly-null are errors
  const implicit = await k.execute("function id(x) { return x; }");
  expect(implicit.reply.content.evalue).toMatch(/Parameter 'x' implicitly has an 'any' type/);
  const nullable = await k.execute("const m = new Map<string, number>(); m.get('a').toFixed()");
  expect(nullable.reply.content.evalue).toMatch(/possibly 'undefined'/);
});

test("the next cell runs right after an error (no abort window)", async () => {
  const err = k.send("shell", "execute_request", executeContent('throw new Error("first")', { stop_on_error: false }));
  const next = k.send("shell", "execute_request", executeContent('"second"', { stop_on_error: false }));
  const [e, n] = await Promise.all([err, next]);
  expect((await k.waitReply(e)).content.status).toBe("error");
  const r = await k.waitReply(n);
  expect(r.content.status).toBe("ok");
  const out = (await k.waitIdle(n)).filter((m) => m.header.msg_type === "execute_result");
  expect(out[0].content.data).toEqual({ "text/plain": "'second'" });
});

test("stop_on_error: the requests already queued are aborted, later ones run", async () => {
  const ids = [];
  ids.push(await k.send("shell", "execute_request", executeContent("await new Promise((r) => setTimeout(r, 300)); throw new Error('stop')")));
  ids.push(await k.send("shell", "execute_request", executeContent("'queued 1'")));
  ids.push(await k.send("shell", "execute_request", executeContent("'queued 2'")));
  const replies = await Promise.all(ids.map((id) => k.waitReply(id)));
  expect(replies.map((r) => r.content.status)).toEqual(["error", "aborted", "aborted"]);
  const after = await k.execute("'after'");
  expect(after.reply.content.status).toBe("ok");
});

test("user_expressions are evaluated after the cell", async () => {
  const x = await k.execute("const ue = 20;", { user_expressions: { double: "ue * 2", bad: "ue.nope()" } });
  const ux = x.reply.content.user_expressions as Record<string, Record<string, unknown>>;
  expect(ux.double).toEqual({ status: "ok", data: { "text/plain": "40" }, metadata: {} });
  expect(ux.bad).toMatchObject({ status: "error", ename: "TypeScriptError" });
});

test("history_request: tail, range, search (glob, unique, n), with output", async () => {
  await k.execute("'h-one'");
  await k.execute("'h-two'");
  await k.execute("'h-one'");
  const tail = (await k.request("history_request", { hist_access_type: "tail", n: 3, output: false, raw: true })).reply;
  expect(tail.content.status).toBe("ok");
  const entries = tail.content.history as [number, number, string][];
  expect(entries.map((e) => e[2])).toEqual(["'h-one'", "'h-two'", "'h-one'"]);
  const [session, line] = entries[0];
  const range = (await k.request("history_request", { hist_access_type: "range", session, start: line, stop: line + 2, output: true, raw: true })).reply;
  expect(range.content.history).toEqual([
    [session, line, ["'h-one'", "'h-one'"]],
    [session, line + 1, ["'h-two'", "'h-two'"]],
  ]);
  const search = (await k.request("history_request", { hist_access_type: "search", pattern: "'h-*", output: false, raw: true })).reply;
  expect((search.content.history as unknown[]).length).toBe(3);
  const unique = (await k.request("history_request", { hist_access_type: "search", pattern: "'h-*", unique: true, output: false, raw: true })).reply;
  expect((unique.content.history as [number, number, string][]).map((h) => h[2])).toEqual(["'h-two'", "'h-one'"]);
  const n1 = (await k.request("history_request", { hist_access_type: "search", pattern: "'h-*", n: 1, output: false, raw: true })).reply;
  expect(n1.content.history).toEqual([entries[2]]);
});

test("is_complete_request: complete, incomplete with an indent, invalid", async () => {
  const status = async (code: string) => (await k.request("is_complete_request", { code })).reply.content;
  expect(await status("const a = 1")).toEqual({ status: "complete" });
  expect(await status("for (const x of [1]) {")).toEqual({ status: "incomplete", indent: "  " });
  expect((await status("1 +")).status).toBe("incomplete");
  expect((await status("const t = `a\nb")).status).toBe("incomplete");
  expect(await status("1 +* 2")).toEqual({ status: "invalid" });
  expect(await status("}")).toEqual({ status: "invalid" });
  expect(await status("let s = 'open")).toEqual({ status: "invalid" });
  expect(await status("")).toEqual({ status: "complete" });
});

test("complete_request: members, earlier cells' names, positions in code points", async () => {
  await k.execute("const completionTarget = { alpha: 1, alphabet: 'x' };");
  const members = (await k.request("complete_request", { code: "completionTarget.alp", cursor_pos: 20 })).reply.content;
  expect(members).toMatchObject({ status: "ok", cursor_start: 17, cursor_end: 20 });
  expect(members.matches).toEqual(["alpha", "alphabet"]);
  const types = (members.metadata as { _jupyter_types_experimental: { text: string; type: string }[] })._jupyter_types_experimental;
  expect(types.find((t) => t.text === "alpha")?.type).toBe("property");
  const names = (await k.request("complete_request", { code: "completionTarg", cursor_pos: 14 })).reply.content;
  expect(names.matches).toContain("completionTarget");
  // an astral character before the cursor counts as one code point
  const code = "'😀'; completionTarget.alp";
  expect([code.length, [...code].length]).toEqual([26, 25]);
  const astral = (await k.request("complete_request", { code, cursor_pos: 25 })).reply.content;
  expect(astral).toMatchObject({ cursor_start: 22, cursor_end: 25, matches: ["alpha", "alphabet"] });
});

test("inspect_request: the type and documentation of the name at the cursor", async () => {
  const r = (await k.request("inspect_request", { code: "Math.max", cursor_pos: 8, detail_level: 0 })).reply.content;
  expect(r).toMatchObject({ status: "ok", found: true });
  const data = r.data as Record<string, string>;
  expect(data["text/plain"]).toMatch(/max\(\.\.\.values: number\[\]\): number/);
  expect(data["text/plain"]).toMatch(/Returns the larger of a set of supplied numeric expressions/);
  expect(data["text/markdown"]).toContain("```typescript");
  const none = (await k.request("inspect_request", { code: "   ", cursor_pos: 1, detail_level: 0 })).reply.content;
  expect(none).toEqual({ status: "ok", found: false, data: {}, metadata: {} });
});

test("the pager: `name?` answers with a page payload", async () => {
  const x = await k.execute("Math.max?");
  expect(x.reply.content.status).toBe("ok");
  const payload = x.reply.content.payload as { source: string; data: Record<string, string> }[];
  expect(payload).toHaveLength(1);
  expect(payload[0].source).toBe("page");
  expect(payload[0].data["text/plain"]).toMatch(/max\(/);
  const missing = await k.execute("noSuchName?");
  expect(outputs(missing)).toEqual([["stream", { name: "stdout", text: "Object `noSuchName` not found.\n" }]]);
});

test("comm_info_request gets a comm_info_reply; comm_open of an unknown target is closed", async () => {
  const r = (await k.request("comm_info_request", { target_name: "jupyter.widget" })).reply;
  expect(r.header.msg_type).toBe("comm_info_reply");
  expect(r.content).toEqual({ status: "ok", comms: {} });
  const id = await k.send("shell", "comm_open", { comm_id: "c1", target_name: "jupyter.widget", data: {} });
  const iopub = await k.waitIdle(id);
  expect(iopub.filter((m) => m.header.msg_type === "comm_close").map((m) => m.content)).toEqual([{ comm_id: "c1", data: {} }]);
});

test("every message is signed with the connection key", () => {
  expect(k.iopubLog.length).toBeGreaterThan(10);
  // decode() verified each signature on receipt; spot-check one by hand
  const m = k.iopubLog[k.iopubLog.length - 1];
  const frames = [m.header, m.parent_header, m.metadata, m.content].map((o) => Buffer.from(JSON.stringify(o)));
  expect(sign(k.info.key, frames)).toMatch(/^[0-9a-f]{64}$/);
});
