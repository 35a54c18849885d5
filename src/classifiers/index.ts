export { encodeLabels, checkSampleWeight, checkLabelCount } from "./classifier";
export type { Classifier } from "./classifier";
export { OneNearestNeighbor } from "./nearestNeighbor";
export type { OneNearestNeighborOptions } from "./nearestNeighbor";
export { LogisticRegression } from "./logisticRegression";
export type { LogisticRegressionOptions, FitInfo } from "./logisticRegression";
export { minimizeLbfgs } from "./lbfgs";
export type { LbfgsOptions, LbfgsResult, Objective } from "./lbfgs";
