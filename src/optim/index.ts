/** The numerical solvers the methods share (`tl.optim`): L-BFGS (logistic regression, parameter transfer) and KMM's box-sum QP. */
export { minimizeLbfgs } from "./lbfgs";
export type { LbfgsOptions, LbfgsResult, Objective } from "./lbfgs";
export { solveBoxSumQP, boxSumQPGap } from "./qp";
export type { BoxSumQP, QPOptions, QPResult } from "./qp";
