import * as tf from "@tensorflow/tfjs";
import { bundleFor, clearOutput, outputSet, show, progress, setDisplayWriter, resetPlotlyInclusion, DisplayMessage } from "../../kernel-ext/display";

const html = (m: DisplayMessage) => m.data["text/html"] as string;

describe("show", () => {
  let sent: DisplayMessage[];
  beforeEach(() => {
    sent = [];
    setDisplayWriter((m) => sent.push(m));
    resetPlotlyInclusion();
  });
  afterAll(() => setDisplayWriter(null));

  test("a Plotly spec becomes a div + Plotly.newPlot, with plotly.js inlined in the first figure only", () => {
    const fig = { data: [{ type: "bar", x: ["a"], y: [1] }], layout: { title: { text: "T </script>" } } };
    show(fig);
    show(fig);
    expect(sent).toHaveLength(2);
    const [first, second] = sent.map(html);
    expect(first.length).toBeGreaterThan(1_000_000); // plotly.js itself
    expect(first).toContain("window.Plotly = Plotly");
    expect(second.length).toBeLessThan(5_000);
    expect(second).toMatch(/<div id="tl-fig-[^"]+" class="transferlab-figure"/);
    expect(second).toContain("Plotly.newPlot");
    // the title cannot close the script element early
    expect(second).not.toContain("T </script>");
    expect(sent[1].data["text/plain"]).toBe("<Plotly figure: T </script>, 1 trace>");
    // the spec itself, for front ends with a Plotly renderer
    expect(sent[1].data["application/vnd.plotly.v1+json"]).toEqual({
      data: fig.data,
      layout: { ...fig.layout, height: 450 },
      config: { responsive: true, displaylogo: false },
    });
  });

  test("plotly.js travels once per session: a new output set (the next execution) does not carry it again", () => {
    const fig = { data: [{ type: "scatter", x: [1, 2], y: [3, 4], name: "curve" }], layout: { title: "S", xaxis: { title: { text: "x" } }, yaxis: { title: "y" } } };
    show(fig);
    show(fig);
    const first = outputSet();
    setDisplayWriter((m) => sent.push(m)); // the kernel installs a new writer per execution and after clear_output
    expect(outputSet()).not.toBe(first);
    show(fig);
    expect(sent.map((m) => html(m).includes("window.Plotly = Plotly"))).toEqual([true, false, false]);
    // which set carries it, for the kernel to forget when it clears that output
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("transferlab.plotlyCarrier")]).toBe(first);
    resetPlotlyInclusion();
    show(fig);
    expect(html(sent[3])).toContain("window.Plotly = Plotly");
  });

  test("a figure's numbers are kept to 6 significant digits, typed arrays as plain arrays", () => {
    show({ data: [{ type: "scatter", x: new Float32Array([0.5, 1.25]), y: [0.123456789, 2 / 3, 7, -1e-9 / 3] }], layout: { yaxis: { range: [0, 1 / 3] } } });
    const spec = sent[0].data["application/vnd.plotly.v1+json"] as { data: { x: number[]; y: number[] }[]; layout: { yaxis: { range: number[] } } };
    expect(spec.data[0].x).toEqual([0.5, 1.25]);
    expect(spec.data[0].y).toEqual([0.123457, 0.666667, 7, -3.33333e-10]);
    expect(spec.layout.yaxis.range).toEqual([0, 0.333333]);
    expect(html(sent[0])).toContain('"y":[0.123457,0.666667,7,-3.33333e-10]');
  });

  test("a figure without plotly.js waits for window.Plotly, then says why it stays static", () => {
    const fig = { data: [{ type: "bar", y: [1] }] };
    show(fig);
    show(fig);
    const later = html(sent[1]);
    expect(later).toMatch(/if\(window\.Plotly&&el\)/);
    expect(later).toMatch(/tries\+\+<400/); // 20 s in 50 ms steps
    expect(later).toContain("plotly.js did not load");
    expect(later).toContain("transferlab-figure-static");
  });

  test("a figure's HTML describes it without scripts (untrusted notebooks, static renderers)", () => {
    show({ data: [{ type: "scatter", x: [1, 2, 3], y: [3, 4, 5], name: "curve <1>" }, { type: "bar", y: [1] }], layout: { title: { text: "Shifts" }, xaxis: { title: { text: "x₁" } }, yaxis: { title: "density" } } });
    const staticPart = html(sent[0]).replace(/<script[\s\S]*?<\/script>/g, "");
    expect(staticPart).toContain('class="transferlab-figure-static"');
    expect(staticPart).toContain("<b>Shifts</b> <span>(x₁ vs density)</span>");
    expect(staticPart).toContain("<li>curve &lt;1&gt;: scatter, 3 points</li><li>bar, 1 points</li>");
    // the drawing replaces the description and sets the height
    expect(html(sent[0])).toMatch(/el\.innerHTML="";el\.style\.height="450px";window\.Plotly\.newPlot/);
  });

  test("clearOutput goes to the kernel's hook, and is harmless outside a kernel", () => {
    const calls: boolean[] = [];
    const g = globalThis as Record<symbol, unknown>;
    expect(() => clearOutput()).not.toThrow();
    g[Symbol.for("transferlab.clearOutput")] = (wait: boolean) => calls.push(wait);
    try {
      clearOutput();
      clearOutput(true);
    } finally {
      delete g[Symbol.for("transferlab.clearOutput")];
    }
    expect(calls).toEqual([false, true]);
  });

  test("arrays of records and DataFrame-likes become tables with head and tail", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ i, v: i / 3 }));
    const b = bundleFor(rows, { head: 3, tail: 2 });
    const table = b["text/html"] as string;
    expect(table).toContain("<table");
    expect(table).toContain("30 rows × 2 columns");
    expect((table.match(/<tr>/g) ?? []).length).toBe(1 + 3 + 1 + 2); // header, head, gap, tail
    expect(b["text/plain"]).toContain("0.3333");
    const df = { columns: ["a", "b"], values: [[1, 2], [3, 4]], index: [0, 1], shape: [2, 2] };
    expect(bundleFor(df)["text/html"]).toContain("<td>4</td>");
  });

  test("tensors show shape, dtype and statistics", () => {
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const b = bundleFor(t);
    expect(b["text/plain"] as string).toMatch(/Tensor float32 \[2 × 2\]\s+min 1\s+max 4\s+mean 2\.5(\s|$)/);
    t.dispose();
    expect(bundleFor(t)["text/plain"] as string).toMatch(/disposed/);
  });

  test("objects can offer their own bundle via Symbol.for('Jupyter.display')", () => {
    const v = { [Symbol.for("Jupyter.display")]: () => ({ "text/markdown": "**x**" }) };
    expect(bundleFor(v)).toEqual({ "text/markdown": "**x**" });
  });

  test("progress updates one display in place and throttles to the interval", () => {
    const bar = progress(1000, { label: "steps", intervalMs: 60_000 });
    for (let i = 0; i < 1000; i++) bar.tick(1, { loss: 1 / (i + 1) });
    bar.done();
    // the first render, and the final state (reaching the total forces it); the 998 in between are throttled
    expect(sent.length).toBe(2);
    const ids = new Set(sent.map((m) => m.displayId));
    expect(ids.size).toBe(1);
    expect(sent[0].update).toBe(false);
    expect(sent[1].update).toBe(true);
    expect(sent[1].data["text/plain"] as string).toMatch(/^steps 100% 1000\/1000 .* loss 0\.001000$/);
  });

  test("progress rejects a non-positive total", () => {
    expect(() => progress(0)).toThrow(/total must be a positive number/);
  });
});
