export type { Classifier, LearnerOption } from "./classifier";
export { OneNearestNeighbor } from "./nearestNeighbor";
export type { OneNearestNeighborOptions } from "./nearestNeighbor";
export { LogisticRegression, LOGISTIC_REGRESSION_DEFAULTS } from "./logisticRegression";
export type { LogisticRegressionOptions, FitInfo } from "./logisticRegression";
export { DecisionTree, DecisionStump, DECISION_TREE_DEFAULTS } from "./decisionTree";
export type { DecisionTreeOptions, DecisionTreeNode } from "./decisionTree";
