export { PlotSpec, isPlotSpec, DOMAIN_COLORS, PALETTE } from "./spec";
export { pcaProject, pcaProjectAsync, PCAResult } from "./pca";
export {
  scatter2d, scatter2dAsync, ScatterOptions, SCATTER_DEFAULTS, HISTOGRAM_DEFAULTS, histogramByDomain, HistogramOptions, panels, beforeAfter,
  barChart, BarOptions, lineChart, LineSeries, heatmap,
} from "./figures";
