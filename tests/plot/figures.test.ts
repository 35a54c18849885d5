import * as tf from "@tensorflow/tfjs";
import { scatter2d, histogramByDomain, beforeAfter, barChart, lineChart, heatmap, pcaProject, isPlotSpec } from "../../src/plot";

describe("plot specs", () => {
  test("scatter2d keeps 2-D coordinates and splits traces by domain and class", () => {
    const fig = scatter2d([[0, 1], [2, 3], [4, 5]], [[10, 11]], { sourceLabels: [1, 2, 1], targetLabels: [2] });
    expect(isPlotSpec(fig)).toBe(true);
    const names = fig.data.map((t) => t.name);
    expect(names).toEqual(["source · class 1", "source · class 2", "target · class 2"]);
    expect(fig.data[0].x).toEqual([0, 4]);
    expect(fig.data[0].y).toEqual([1, 5]);
    expect(fig.data[2].x).toEqual([10]);
  });

  test("scatter2d projects d > 2 with PCA and names the explained variance", () => {
    // points on a line in 3-D: the first component explains everything
    const src = Array.from({ length: 20 }, (_, i) => [i, 2 * i, -i]);
    const fig = scatter2d(src, null);
    const xaxis = (fig.layout.xaxis as { title: { text: string } }).title.text;
    expect(xaxis).toMatch(/^PC1 \(100\.0 %\)/);
    const ys = fig.data[0].y as number[];
    expect(Math.max(...ys.map(Math.abs))).toBeLessThan(1e-3);
  });

  test("pcaProject finds the direction of largest variance, deterministically", () => {
    const X = tf.tensor2d([[3, 0.1], [-3, -0.1], [2, 0], [-2, 0.05]]);
    const a = pcaProject([X], 1, 7);
    const b = pcaProject([X], 1, 7);
    expect(a.projections).toEqual(b.projections);
    expect(a.explained[0]).toBeGreaterThan(0.99);
    // projections are ±x up to the centring (x has mean 0)
    expect(Math.abs(a.projections[0][0][0])).toBeCloseTo(3, 1);
    X.dispose();
  });

  test("scatter2d rejects mismatched feature counts, naming both", () => {
    expect(() => scatter2d([[1, 2]], [[1, 2, 3]])).toThrow(/source has 2 features, target 3/);
  });

  test("histogramByDomain shares bins across domains", () => {
    const fig = histogramByDomain([0, 1, 2], [5, 6], { bins: 4 });
    const b0 = fig.data[0].xbins as { start: number; size: number };
    const b1 = fig.data[1].xbins as { start: number; size: number };
    expect(b0).toEqual(b1);
    expect(b0.start).toBe(0);
    expect(b0.size).toBeCloseTo(1.5);
  });

  test("beforeAfter puts the panels on separate axes with titles", () => {
    const a = barChart(["x"], [1]);
    const b = barChart(["x"], [2]);
    const fig = beforeAfter(a, b, "t");
    expect(fig.data.map((t) => t.xaxis)).toEqual(["x", "x2"]);
    const annotations = fig.layout.annotations as { text: string }[];
    expect(annotations.map((x) => x.text)).toEqual(["<b>before adaptation</b>", "<b>after adaptation</b>"]);
    expect((fig.layout.xaxis2 as { domain: number[] }).domain[0]).toBeGreaterThan((fig.layout.xaxis as { domain: number[] }).domain[1]);
  });

  test("barChart and lineChart check lengths and carry error bars", () => {
    expect(() => barChart(["a", "b"], [1])).toThrow(/1 values for 2 categories/);
    expect(() => lineChart([1, 2], [{ name: "s", y: [1] }])).toThrow(/"s" has 1 points for 2 x values/);
    const fig = lineChart([1, 2], [{ name: "s", y: [1, 2], error: [0.1, 0.2] }]);
    expect(fig.data[0].error_y).toEqual({ type: "data", array: [0.1, 0.2], visible: true });
  });

  test("heatmap writes its values as text and checks the shape", () => {
    const fig = heatmap([[0, 0.5], [0.5, 0]], ["a", "b"], ["a", "b"], { digits: 2 });
    expect(fig.data[0].text).toEqual([["0.00", "0.50"], ["0.50", "0.00"]]);
    expect(() => heatmap([[1]], ["a", "b"], ["a"])).toThrow(/heatmap/);
  });

  test("barChart, lineChart and heatmap refuse values that are not finite, naming the series and index", () => {
    expect(() => barChart(["a", "b"], { ours: [1, NaN] })).toThrow(/barChart: series "ours"\[1\] = NaN is not finite/);
    expect(() => barChart(["a"], [1], { errors: [Infinity] })).toThrow(/barChart: errors of "value"\[0\] = Infinity/);
    expect(() => lineChart([1, 2], [{ name: "s", y: [1, -Infinity] }])).toThrow(/lineChart: series "s"\[1\] = -Infinity/);
    expect(() => lineChart([1, NaN], [{ name: "s", y: [1, 2] }])).toThrow(/lineChart: x\[1\] = NaN/);
    expect(() => lineChart(["a", "b"], [{ name: "s", y: [1, 2], error: [0, NaN] }])).toThrow(/error of "s"\[1\]/);
    expect(() => heatmap([[0, 1], [NaN, 0]], ["a", "b"], ["a", "b"])).toThrow(/heatmap: z\[1\]\[0\] = NaN/);
    expect(isPlotSpec(lineChart(["a", "b"], [{ name: "s", y: [1, 2] }]))).toBe(true);
  });
});
