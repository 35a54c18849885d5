/**
 * What cells send to the front end: multi-MIME display_data, update_display_data by display id (progress),
 * clear_output, tslab's display API, plotly.js once per kernel session, large outputs whole, streams in order,
 * and input_request on stdin. One kernel for the file.
 */
import * as path from "path";
import { RawKernel, executeContent } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const outputs = RawKernel.outputs;
let k: RawKernel;

beforeAll(async () => {
  k = await RawKernel.start({ cwd: path.join(ROOT, "notebooks") });
  await k.execute('import { show, html, markdown, progress, clearOutput, input } from "@transferlab/kernel-ext";');
}, 90_000);
afterAll(() => k?.close());

const PLOTLY_JS = "window.Plotly = Plotly";

test("display_data with several MIME types; the display writer follows the cell", async () => {
  const x = await k.execute('html("<i>hi</i>", "hi"); markdown("**md**")');
  expect(outputs(x)).toEqual([
    ["display_data", { data: { "text/html": "<i>hi</i>", "text/plain": "hi" }, metadata: {}, transient: {} }],
    ["display_data", { data: { "text/markdown": "**md**", "text/plain": "**md**" }, metadata: {}, transient: {} }],
  ]);
});

test("progress: one display_data, then update_display_data with the same display id", async () => {
  const x = await k.execute("const bar = progress(3, { label: 'steps', intervalMs: 0 }); bar.tick(); bar.tick(); bar.done();");
  const msgs = outputs(x);
  expect(msgs.map(([t]) => t)).toEqual(["display_data", "update_display_data", "update_display_data", "update_display_data"]);
  const ids = new Set(msgs.map(([, c]) => (c.transient as { display_id: string }).display_id));
  expect(ids.size).toBe(1);
  expect([...ids][0]).toMatch(/^tl-progress-/);
  const last = msgs[msgs.length - 1][1].data as Record<string, string>;
  expect(last["text/plain"]).toMatch(/^steps 100% 3\/3/);
  // a later cell can update the same display
  const later = await k.execute("bar.update(3, { note: 'again' }); 0");
  expect(outputs(later).map(([t]) => t)).toEqual(["execute_result"]); // done() finished it: no more updates
});

test("clear_output, with and without wait", async () => {
  const x = await k.execute('console.log("a"); clearOutput(); console.log("b"); clearOutput(true); console.log("c")');
  expect(outputs(x)).toEqual([
    ["stream", { name: "stdout", text: "a\n" }],
    ["clear_output", { wait: false }],
    ["stream", { name: "stdout", text: "b\n" }],
    ["clear_output", { wait: true }],
    ["stream", { name: "stdout", text: "c\n" }],
  ]);
});

test("tslab's display API keeps working (import * as tslab from 'tslab')", async () => {
  const x = await k.execute('import * as tslab from "tslab"; tslab.display.html("<b>1</b>"); const d = tslab.newDisplay(); d.text("x"); d.text("y");');
  const msgs = outputs(x);
  expect(msgs[0]).toEqual(["display_data", { data: { "text/html": "<b>1</b>" }, metadata: {}, transient: {} }]);
  expect(msgs[1][0]).toBe("display_data");
  expect(msgs[2][0]).toBe("update_display_data");
  expect((msgs[2][1].data as Record<string, string>)["text/plain"]).toBe("y");
  expect(msgs[1][1].transient).toEqual(msgs[2][1].transient);
  // and in the next cell it writes to that cell
  const next = await k.execute('tslab.display.markdown("next")');
  expect(outputs(next)).toEqual([["display_data", { data: { "text/markdown": "next" }, metadata: {}, transient: {} }]]);
});

test("figures: plotly.js once per kernel session, and again after the output that carried it is cleared", async () => {
  await k.execute('import * as tl from "transferlab"; const fig = tl.barChart(["a"], [1], { title: "F" });');
  const figureHtml = (x: Awaited<ReturnType<RawKernel["execute"]>>) =>
    outputs(x).filter(([t]) => t === "display_data").map(([, c]) => (c.data as Record<string, string>)["text/html"]);
  const two = await k.execute("show(fig); show(fig)");
  expect(figureHtml(two).map((h) => h.includes(PLOTLY_JS))).toEqual([true, false]);
  const again = await k.execute("show(fig)");
  expect((outputs(again)[0][1].data as Record<string, string>)["text/html"]).not.toContain(PLOTLY_JS);
  // clearing another cell's output changes nothing
  const other = await k.execute("show(fig); clearOutput(true); show(fig)");
  expect(figureHtml(other).map((h) => h.includes(PLOTLY_JS))).toEqual([false, false]);
  // a new carrier (as in a fresh session), then its own output cleared: the next figure carries plotly.js again
  const cleared = await k.execute('import { resetPlotlyInclusion } from "@transferlab/kernel-ext"; resetPlotlyInclusion(); show(fig); clearOutput(true); show(fig); show(fig)');
  expect(figureHtml(cleared).map((h) => h.includes(PLOTLY_JS))).toEqual([true, true, false]);
  // the bundle: HTML with a static description for untrusted or static renderers, the spec as JSON, a text line
  const data = outputs(again)[0][1].data as Record<string, unknown>;
  expect(data["text/plain"]).toBe("<Plotly figure: F, 1 trace>");
  expect(data["application/vnd.plotly.v1+json"]).toMatchObject({ data: [{ type: "bar" }], layout: { height: expect.any(Number) } });
  const withoutScripts = String(data["text/html"]).replace(/<script[\s\S]*?<\/script>/g, "");
  expect(withoutScripts).toContain("transferlab-figure-static");
  expect(withoutScripts).toMatch(/<b>F<\/b>/);
  expect(withoutScripts).toContain("bar, 1 points");
});

test("large outputs (≥ 5 MB) arrive whole: a stream and a display", async () => {
  const x = await k.execute('const big = "x".repeat(6 * 1024 * 1024); process.stdout.write(big); html(`<pre>${big}</pre>`, "big")', {}, 120_000);
  const msgs = outputs(x);
  const streamed = msgs.filter(([t]) => t === "stream").map(([, c]) => String(c.text)).join("");
  expect(streamed.length).toBe(6 * 1024 * 1024);
  const shown = msgs.find(([t]) => t === "display_data")![1].data as Record<string, string>;
  expect(shown["text/html"].length).toBe(6 * 1024 * 1024 + 11);
});

test("streams: many writes are coalesced, order with displays is kept", async () => {
  const x = await k.execute('for (let i = 0; i < 2000; i++) console.log(i); html("<hr>", "-"); console.log("end")');
  const msgs = outputs(x);
  expect(msgs.map(([t]) => t)).toEqual(["stream", "display_data", "stream"]);
  expect(String(msgs[0][1].text).split("\n")).toHaveLength(2001);
  expect(msgs[2][1].text).toBe("end\n");
});

test("input(): input_request on stdin when the client allows it; an error when it does not", async () => {
  k.onInput = (m) => (m.content.password ? "secret" : `typed for ${m.content.prompt}`);
  const x = await k.execute('const name = await input("Name? "); const pw = await input("Password? ", { password: true }); `${name}/${pw}`', {
    allow_stdin: true,
  });
  expect(x.reply.content.status).toBe("ok");
  expect(outputs(x).find(([t]) => t === "execute_result")![1].data).toEqual({ "text/plain": "'typed for Name? /secret'" });
  const requests = k.stdinLog.filter((m) => m.header.msg_type === "input_request").slice(-2);
  expect(requests.map((m) => m.content)).toEqual([
    { prompt: "Name? ", password: false },
    { prompt: "Password? ", password: true },
  ]);
  expect(requests[0].parent_header.msg_id).toBe(x.reply.parent_header.msg_id);
  const refused = await k.execute('await input("Name? ")', { allow_stdin: false });
  expect(refused.reply.content).toMatchObject({ status: "error", ename: "Error" });
  expect(refused.reply.content.evalue).toMatch(/allow_stdin/);
});

test("an interrupt while a cell waits for input ends the wait", async () => {
  k.onInput = () => undefined; // never answers
  const id = await k.send("shell", "execute_request", executeContent('await input("never answered: ")', { allow_stdin: true }));
  await new Promise((r) => setTimeout(r, 300));
  await k.request("interrupt_request", {}, "control");
  const reply = await k.waitReply(id);
  expect(reply.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
});
