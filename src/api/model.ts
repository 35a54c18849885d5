/** `tl.model`: the steps of the model-based methods (the tree's rows, K-means, the threshold update, class sides). */
export { toRows } from "../model/tree";
export type { Rows, TreeNode } from "../model/tree";
export { kMeans } from "../model/kmeans";
export type { KMeansOptions, KMeansResult } from "../model/kmeans";
export { adaptThreshold } from "../model/thresholdUpdate";
export { classSides } from "../model/transEMDT";
export { targetTreeAccuracy } from "../model/crossPerson";
export { labelledPerClassCapped } from "../model/labelBudget";
