/**
 * Figure specs: plain Plotly `{ data, layout }` objects. src/ knows nothing of Jupyter; kernel-ext's `show`
 * renders any value of this shape.
 */
export interface PlotSpec {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** True for a value shaped like a Plotly figure spec. */
export function isPlotSpec(value: unknown): value is PlotSpec {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.data) && v.layout !== null && typeof v.layout === "object";
}

/** The lecture's colours: source blue, target orange, then a qualitative palette for classes / series. */
export const DOMAIN_COLORS = { source: "#1f77b4", target: "#ff7f0e" } as const;
export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

export function baseLayout(title?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(title ? { title: { text: title } } : {}),
    template: "plotly_white",
    // the legend sits below the x-axis title, with room for both
    margin: { l: 60, r: 20, t: title ? 50 : 20, b: 110 },
    legend: { orientation: "h", x: 0, y: -0.25, yanchor: "top" },
    ...extra,
  };
}
