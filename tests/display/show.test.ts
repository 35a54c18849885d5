import * as tf from "@tensorflow/tfjs";
import { bundleFor, show, progress, setDisplayWriter, resetPlotlyInclusion, DisplayMessage } from "../../kernel-ext/display";

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
    const [first, second] = sent.map((m) => m.data["text/html"]);
    expect(first.length).toBeGreaterThan(1_000_000); // plotly.js itself
    expect(first).toContain("window.Plotly = Plotly");
    expect(second.length).toBeLessThan(5_000);
    expect(second).toMatch(/<div id="tl-fig-[^"]+" class="transferlab-figure"/);
    expect(second).toContain("Plotly.newPlot");
    // the title cannot close the script element early
    expect(second).not.toContain("T </script>");
    expect(sent[1].data["text/plain"]).toBe("<Plotly figure: T </script>, 1 trace>");
  });

  test("arrays of records and DataFrame-likes become tables with head and tail", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ i, v: i / 3 }));
    const b = bundleFor(rows, { head: 3, tail: 2 });
    expect(b["text/html"]).toContain("<table");
    expect(b["text/html"]).toContain("30 rows × 2 columns");
    expect((b["text/html"].match(/<tr>/g) ?? []).length).toBe(1 + 3 + 1 + 2); // header, head, gap, tail
    expect(b["text/plain"]).toContain("0.3333");
    const df = { columns: ["a", "b"], values: [[1, 2], [3, 4]], index: [0, 1], shape: [2, 2] };
    expect(bundleFor(df)["text/html"]).toContain("<td>4</td>");
  });

  test("tensors show shape, dtype and statistics", () => {
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const b = bundleFor(t);
    expect(b["text/plain"]).toMatch(/Tensor float32 \[2 × 2\]\s+min 1\s+max 4\s+mean 2\.5(\s|$)/);
    t.dispose();
    expect(bundleFor(t)["text/plain"]).toMatch(/disposed/);
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
    expect(sent[1].data["text/plain"]).toMatch(/^steps 100% 1000\/1000 .* loss 0\.001000$/);
  });

  test("progress rejects a non-positive total", () => {
    expect(() => progress(0)).toThrow(/total must be a positive number/);
  });
});
