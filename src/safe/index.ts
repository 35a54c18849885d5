/** Safe transfer: guard against negative transfer with the few labelled target samples. */
export { SafeTransfer } from "./guard";
export type { TargetArm, SafeTransferCandidate, SafeTransferOptions, SafeTransferDecision, CandidateReport } from "./guard";
export { targetOnlyArm, pooledArm, trAdaBoostArm, logisticRegressionLearner, nearestNeighborLearner } from "./arms";
export type { RowLearner } from "./arms";
