export { PlotSpec, isPlotSpec, DOMAIN_COLORS, PALETTE } from "./spec";
export { pcaProject, PCAResult } from "./pca";
export {
  scatter2d, ScatterOptions, histogramByDomain, HistogramOptions, panels, beforeAfter,
  barChart, BarOptions, lineChart, LineSeries, heatmap,
} from "./figures";
