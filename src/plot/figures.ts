/**
 * Figure builders for the lecture's pictures: domains before and after adaptation, curves, bars, heat maps.
 * Each returns a plain Plotly spec (see spec.ts).
 */
import * as tf from "../tf";
import { Matrix, Labels, assertFinite, assertFiniteAsync, readFloat32, toTensor2D, toLabels, toLabelsAsync } from "../tensor";
import { checkOptions } from "../options";
import { TransferlabError } from "../errors";
import { pcaProject, pcaProjectAsync } from "./pca";
import { PlotSpec, DOMAIN_COLORS, PALETTE, baseLayout } from "./spec";

const SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon", "pentagon", "triangle-down"];

export interface ScatterOptions {
  title?: string;
  /** class labels of the source / target rows: each class gets its own marker symbol */
  sourceLabels?: Labels;
  targetLabels?: Labels;
  /** at most this many points per domain (seeded subsample keeps big domains readable); default 1500 */
  maxPoints?: number;
  seed?: number;
  /** "domain" (default) colours by domain and shapes by class; "class" colours by class and shapes by domain */
  colorBy?: "domain" | "class";
  names?: [string, string];
  /** one non-negative value per source / target row (e.g. sample weights): marker areas proportional to the
   * value, 2 px (value 0) to 18 px (the domain's largest value) across; default: all markers 6 px */
  sourceSizes?: ArrayLike<number>;
  targetSizes?: ArrayLike<number>;
}

/** The keys `scatter2d` takes (an unknown one, e.g. `colourBy`, is an error suggesting `colorBy`). */
export const SCATTER_DEFAULTS: ScatterOptions = {
  title: undefined, sourceLabels: undefined, targetLabels: undefined, maxPoints: 1500, seed: 0, colorBy: "domain",
  names: undefined, sourceSizes: undefined, targetSizes: undefined,
};

/** The keys `histogramByDomain` takes. */
export const HISTOGRAM_DEFAULTS: HistogramOptions = { title: undefined, xTitle: undefined, bins: 30, names: undefined };

/**
 * Throw naming the figure, the values and the index of the first value that is not a finite number (a string
 * is one where `strings` allows it, as category names): JSON writes NaN and ±Infinity as null, which a figure
 * would draw as a silent gap.
 */
function requireFinite(figure: string, what: string, values: ArrayLike<number | string>, strings = false): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (strings && typeof v === "string") continue;
    if (!Number.isFinite(v)) throw new TransferlabError(`${figure}: ${what}[${i}] = ${v} is not finite`);
  }
}

/** Marker diameters for `values`: area ∝ value, 2 px at 0, 18 px at the largest value. */
function markerSizes(values: ArrayLike<number>, rows: number, name: string): number[] {
  if (values.length !== rows) throw new Error(`scatter2d: ${name} has ${values.length} values for ${rows} rows; give one per row`);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`scatter2d: ${name}[${i}] = ${v} must be a finite number ≥ 0`);
    max = Math.max(max, v);
  }
  return Array.from(values, (v) => 2 + 16 * (max > 0 ? Math.sqrt(v / max) : 0));
}

/**
 * Source vs target as a 2-D scatter; data with more than 2 features is projected with PCA (fit on both).
 * `target` may be null to draw one domain alone (e.g. one panel of a side-by-side pair).
 * Tensors are read synchronously: on WebGPU in Node use `scatter2dAsync`.
 */
export function scatter2d(source: Matrix, target: Matrix | null, options: ScatterOptions = {}): PlotSpec {
  options = checkOptions("scatter2d", options, SCATTER_DEFAULTS);
  const { xs, xt, d } = scatterInputs(source, target);
  let ps: number[][], pt: number[][];
  let axisNames = ["x₁", "x₂"];
  try {
    // a NaN would become a null coordinate in the figure (and spoil the whole PCA)
    assertFinite(xs, "source", "scatter2d");
    assertFinite(xt, "target", "scatter2d");
    if (d === 1 || d === 2) {
      [ps, pt] = [xs, xt].map((t) => rowsOf(t.dataSync(), t.shape[0], d));
    } else {
      const p = pcaProject([xs, xt], 2, options.seed ?? 0);
      [ps, pt] = p.projections;
      axisNames = pcAxes(p.explained);
    }
  } finally {
    if (xs !== source) xs.dispose();
    if (xt !== target) xt.dispose();
  }
  const ys = options.sourceLabels ? toLabels(options.sourceLabels, "sourceLabels") : null;
  const yt = options.targetLabels ? toLabels(options.targetLabels, "targetLabels") : null;
  return scatterSpec(ps, pt, ys, yt, axisNames, target === null, options);
}

/** `scatter2d` with asynchronous reads (synchronous reads fail on WebGPU in Node); the same figure. */
export async function scatter2dAsync(source: Matrix, target: Matrix | null, options: ScatterOptions = {}): Promise<PlotSpec> {
  options = checkOptions("scatter2d", options, SCATTER_DEFAULTS);
  const { xs, xt, d } = scatterInputs(source, target);
  let ps: number[][], pt: number[][];
  let axisNames = ["x₁", "x₂"];
  try {
    await assertFiniteAsync(xs, "source", "scatter2d");
    await assertFiniteAsync(xt, "target", "scatter2d");
    if (d === 1 || d === 2) {
      const [a, b] = await readFloat32(xs, xt);
      [ps, pt] = [rowsOf(a, xs.shape[0], d), rowsOf(b, xt.shape[0], d)];
    } else {
      const p = await pcaProjectAsync([xs, xt], 2, options.seed ?? 0);
      [ps, pt] = p.projections;
      axisNames = pcAxes(p.explained);
    }
  } finally {
    if (xs !== source) xs.dispose();
    if (xt !== target) xt.dispose();
  }
  const ys = options.sourceLabels ? await toLabelsAsync(options.sourceLabels, "sourceLabels") : null;
  const yt = options.targetLabels ? await toLabelsAsync(options.targetLabels, "targetLabels") : null;
  return scatterSpec(ps, pt, ys, yt, axisNames, target === null, options);
}

function scatterInputs(source: Matrix, target: Matrix | null): { xs: tf.Tensor2D; xt: tf.Tensor2D; d: number } {
  const xs = toTensor2D(source, "source");
  const xt = target === null ? tf.zeros([0, xs.shape[1]]) as tf.Tensor2D : toTensor2D(target, "target");
  if (xs.shape[1] !== xt.shape[1]) {
    if (xs !== source) xs.dispose();
    if (xt !== target) xt.dispose();
    throw new Error(`scatter2d: source has ${xs.shape[1]} features, target ${xt.shape[1]}`);
  }
  return { xs, xt, d: xs.shape[1] };
}

/** Rows of a row-major n×d matrix as points (x, y); one feature is drawn at y = 0. */
function rowsOf(data: ArrayLike<number>, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => [data[i * d], d === 2 ? data[i * d + 1] : 0]);
}

function pcAxes(explained: number[]): string[] {
  return [`PC1 (${(100 * explained[0]).toFixed(1)} %)`, `PC2 (${(100 * explained[1]).toFixed(1)} %)`];
}

function scatterSpec(ps: number[][], pt: number[][], ys: Int32Array | null, yt: Int32Array | null, axisNames: string[],
  alone: boolean, options: ScatterOptions): PlotSpec {
  const names = options.names ?? ["source", "target"];
  const maxPoints = options.maxPoints ?? 1500;
  const traces: Record<string, unknown>[] = [];
  const classes = Array.from(new Set([...(ys ?? []), ...(yt ?? [])])).sort((a, b) => a - b);
  const colorBy = options.colorBy ?? "domain";
  const sizeOption = [options.sourceSizes, options.targetSizes];
  const sizes = [ps, pt].map((points, i) => (sizeOption[i] === undefined ? null : markerSizes(sizeOption[i]!, points.length, i === 0 ? "sourceSizes" : "targetSizes")));
  const addDomain = (points: number[][], labels: Int32Array | null, domain: 0 | 1) => {
    const keep = subsample(points.length, maxPoints, (options.seed ?? 0) + domain);
    const size = sizes[domain];
    const domainColor = domain === 0 ? DOMAIN_COLORS.source : DOMAIN_COLORS.target;
    const groups = labels ? classes : [null];
    for (const c of groups) {
      const idx = keep.filter((i) => c === null || labels![i] === c);
      if (idx.length === 0) continue;
      const ci = c === null ? 0 : classes.indexOf(c);
      traces.push({
        type: "scatter",
        mode: "markers",
        // one domain alone (target null): the legend names classes only
        name: c === null ? names[domain] : alone ? `class ${c}` : `${names[domain]} · class ${c}`,
        legendgroup: colorBy === "domain" ? names[domain] : `class ${c}`,
        x: idx.map((i) => points[i][0]),
        y: idx.map((i) => points[i][1]),
        marker: {
          size: size === null ? 6 : idx.map((i) => size[i]),
          opacity: 0.7,
          color: colorBy === "domain" ? domainColor : PALETTE[ci % PALETTE.length],
          symbol: colorBy === "domain" ? SYMBOLS[ci % SYMBOLS.length] : domain === 0 ? "circle" : "x",
        },
      });
    }
  };
  addDomain(ps, ys, 0);
  addDomain(pt, yt, 1);
  return {
    data: traces,
    layout: baseLayout(options.title, {
      xaxis: { title: { text: axisNames[0] }, zeroline: false },
      yaxis: { title: { text: axisNames[1] }, zeroline: false },
    }),
  };
}

function subsample(n: number, max: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  // deterministic stride sample with a seed-dependent offset: no RNG state needed, same picture each run
  const step = n / max;
  const offset = (seed * 0.618033988749895) % 1;
  return Array.from({ length: max }, (_, i) => Math.min(n - 1, Math.floor((i + offset) * step)));
}

export interface HistogramOptions {
  title?: string;
  xTitle?: string;
  bins?: number;
  names?: [string, string];
}

/** Overlaid, normalised histograms of one feature (or any 1-D values) in source and target. */
export function histogramByDomain(source: ArrayLike<number>, target: ArrayLike<number>, options: HistogramOptions = {}): PlotSpec {
  options = checkOptions("histogramByDomain", options, HISTOGRAM_DEFAULTS);
  requireFinite("histogramByDomain", "source", source);
  requireFinite("histogramByDomain", "target", target);
  const names = options.names ?? ["source", "target"];
  const all = [...Array.from(source), ...Array.from(target)];
  if (all.length === 0) throw new Error("histogramByDomain: both source and target are empty");
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const bins = options.bins ?? 30;
  const size = hi > lo ? (hi - lo) / bins : 1;
  const trace = (values: ArrayLike<number>, i: 0 | 1) => ({
    type: "histogram",
    name: names[i],
    x: Array.from(values),
    histnorm: "probability density",
    opacity: 0.55,
    xbins: { start: lo, end: hi + size * 1e-6, size },
    marker: { color: i === 0 ? DOMAIN_COLORS.source : DOMAIN_COLORS.target },
  });
  return {
    data: [trace(source, 0), trace(target, 1)],
    layout: baseLayout(options.title, {
      barmode: "overlay",
      xaxis: { title: { text: options.xTitle ?? "value" } },
      yaxis: { title: { text: "density" } },
    }),
  };
}

/** Several figures side by side as one figure (e.g. before | after adaptation). Axes are renumbered. */
export function panels(figures: PlotSpec[], options: { title?: string; subtitles?: string[]; height?: number } = {}): PlotSpec {
  const n = figures.length;
  if (n === 0) throw new Error("panels: no figures given");
  const gap = 0.06;
  const width = (1 - gap * (n - 1)) / n;
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = baseLayout(options.title, { height: options.height ?? 420 });
  const annotations: Record<string, unknown>[] = [];
  figures.forEach((fig, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    const start = i * (width + gap);
    for (const trace of fig.data) {
      data.push({ ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}`, showlegend: i === 0 ? trace.showlegend : false });
    }
    const fx = (fig.layout.xaxis ?? {}) as Record<string, unknown>;
    const fy = (fig.layout.yaxis ?? {}) as Record<string, unknown>;
    layout[`xaxis${suffix}`] = { ...fx, domain: [start, start + width], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...fy, anchor: `x${suffix}` };
    for (const key of ["barmode"]) if (fig.layout[key] !== undefined) layout[key] = fig.layout[key];
    const subtitle = options.subtitles?.[i] ?? ((fig.layout.title as { text?: string } | undefined)?.text ?? "");
    if (subtitle) {
      annotations.push({
        text: `<b>${subtitle}</b>`, showarrow: false, xref: "paper", yref: "paper",
        x: start + width / 2, y: 1.02, xanchor: "center", yanchor: "bottom",
      });
    }
  });
  layout.annotations = annotations;
  layout.margin = { l: 60, r: 20, t: options.title ? 80 : 40, b: 110 };
  return { data, layout };
}

/** The lecture's standard pair: the same picture before and after adaptation. */
export function beforeAfter(before: PlotSpec, after: PlotSpec, title?: string): PlotSpec {
  return panels([before, after], { title, subtitles: ["before adaptation", "after adaptation"] });
}

export interface BarOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** error bars, same shape as the values */
  errors?: number[] | number[][];
}

/** Bars; `values` as one series or as named series ({ name: values }) grouped per category. */
export function barChart(categories: string[], values: number[] | Record<string, number[]>, options: BarOptions = {}): PlotSpec {
  const series = Array.isArray(values) ? { value: values } : values;
  const names = Object.keys(series);
  const data = names.map((name, i) => {
    const ys = series[name];
    if (ys.length !== categories.length) {
      throw new Error(`barChart: series "${name}" has ${ys.length} values for ${categories.length} categories`);
    }
    requireFinite("barChart", `series "${name}"`, ys);
    const err = options.errors ? (Array.isArray(options.errors[0]) ? (options.errors as number[][])[i] : (options.errors as number[])) : undefined;
    if (err) requireFinite("barChart", `errors of "${name}"`, err);
    return {
      type: "bar",
      name,
      x: categories,
      y: ys,
      marker: { color: PALETTE[i % PALETTE.length] },
      ...(err ? { error_y: { type: "data", array: err, visible: true } } : {}),
      showlegend: names.length > 1,
    };
  });
  return {
    data,
    layout: baseLayout(options.title, {
      barmode: "group",
      xaxis: { title: { text: options.xTitle ?? "" } },
      yaxis: { title: { text: options.yTitle ?? "" } },
    }),
  };
}

export interface LineSeries {
  name: string;
  y: number[];
  /** ± error per point (e.g. std over seeds) */
  error?: number[];
  dash?: "solid" | "dash" | "dot";
}

/** Curves over a shared x axis (accuracy vs labels, vs iteration, vs layer ...). */
export function lineChart(x: (number | string)[], series: LineSeries[], options: { title?: string; xTitle?: string; yTitle?: string; xType?: "linear" | "log" | "category" } = {}): PlotSpec {
  requireFinite("lineChart", "x", x, true);
  const data = series.map((s, i) => {
    if (s.y.length !== x.length) throw new Error(`lineChart: series "${s.name}" has ${s.y.length} points for ${x.length} x values`);
    requireFinite("lineChart", `series "${s.name}"`, s.y);
    if (s.error) requireFinite("lineChart", `error of "${s.name}"`, s.error);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: s.name,
      x,
      y: s.y,
      line: { color: PALETTE[i % PALETTE.length], dash: s.dash ?? "solid" },
      ...(s.error ? { error_y: { type: "data", array: s.error, visible: true } } : {}),
    };
  });
  return {
    data,
    layout: baseLayout(options.title, {
      xaxis: { title: { text: options.xTitle ?? "" }, ...(options.xType ? { type: options.xType } : {}) },
      yaxis: { title: { text: options.yTitle ?? "" } },
    }),
  };
}

/** A matrix as a heat map with its values written in the cells (e.g. MMD between every pair of domains). */
export function heatmap(z: number[][], rowNames: string[], colNames: string[], options: { title?: string; colorbarTitle?: string; digits?: number } = {}): PlotSpec {
  if (z.length !== rowNames.length || z.some((r) => r.length !== colNames.length)) {
    throw new Error(`heatmap: z is ${z.length}×${z[0]?.length ?? 0}, names give ${rowNames.length}×${colNames.length}`);
  }
  z.forEach((row, i) => requireFinite("heatmap", `z[${i}]`, row));
  const digits = options.digits ?? 3;
  return {
    data: [{
      type: "heatmap",
      z,
      x: colNames,
      y: rowNames,
      colorscale: "Viridis",
      text: z.map((r) => r.map((v) => v.toFixed(digits))),
      texttemplate: "%{text}",
      colorbar: { title: { text: options.colorbarTitle ?? "" } },
    }],
    layout: baseLayout(options.title, { yaxis: { autorange: "reversed" } }),
  };
}
