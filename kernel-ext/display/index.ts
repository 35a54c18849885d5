export { show, bundleFor, html, markdown, summary, ShowOptions } from "./show";
export { progress, Progress, ProgressOptions, ProgressInfo } from "./progress";
export { emit, clearOutput, inKernel, outputSet, setDisplayWriter, MimeBundle, DisplayMessage } from "./sink";
export { figureBundle, isFigureSpec, resetPlotlyInclusion, FigureSpec } from "./figure";
export { tableBundle, dataFrameBundle, recordsBundle, tensorBundle } from "./table";
