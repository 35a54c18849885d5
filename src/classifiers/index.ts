export { Classifier, encodeLabels, checkSampleWeight } from "./classifier";
export { OneNearestNeighbor, OneNearestNeighborOptions } from "./nearestNeighbor";
export { LogisticRegression, LogisticRegressionOptions, FitInfo } from "./logisticRegression";
export { minimizeLbfgs, LbfgsOptions, LbfgsResult, Objective } from "./lbfgs";
