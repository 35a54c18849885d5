/** `tl.report`: the helpers notebooks use to word their results from the run, and to save and read them. */
export { mean, std, pct, since, signed, gainedLost, beats, holds, count, isClose } from "../report";
export { saveResults, loadResults, resultsDir } from "../results";
export { ResultsSummary, resultAt, resultNumber } from "../resultsSummary";
export type { ResultJson } from "../resultsSummary";
