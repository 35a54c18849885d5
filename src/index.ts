/**
 * transferlab: the transfer learning methods of the lecture on TensorFlow.js.
 * `import * as tl from "transferlab"` — see docs/design.md for the contract and README.md for a tour.
 */
import * as tf from "@tensorflow/tfjs";

/** TensorFlow.js itself, the same instance transferlab uses (one tfjs-core per process). */
export { tf };
export type Tensor = tf.Tensor;
export type Tensor1D = tf.Tensor1D;
export type Tensor2D = tf.Tensor2D;

export { useBestBackend, currentBackend, backendReport, strictAsync, BACKENDS, BackendName, BackendChoice, UseBackendOptions } from "./backend";
export { Random } from "./random";
export { Matrix, Labels, toTensor2D, toLabels, toLabelsAsync, readFloat32 } from "./tensor";
export { checkOptions } from "./options";
export {
  TransferlabError, InvalidOptionError, ShapeMismatchError, NotFittedError, ConvergenceWarning, SolverStatus,
} from "./errors";
export * from "./data";
export { trainTestSplit, labelledPerClass, takeRows, takeLabels, concatDomains, IndexSplit } from "./splits";
export { kernelMatrix, medianHeuristicGamma, medianHeuristicGammaAsync, KernelKind, KERNEL_KINDS, KernelOptions, MedianHeuristicOptions } from "./kernels";
export * from "./metrics";
export * from "./classifiers";
export * from "./plot";
export { saveResults, loadResults, resultsDir } from "./results";
export { ResultsSummary, resultAt, resultNumber, ResultJson } from "./resultsSummary";
export { mean, std, pct, since, signed, gainedLost, beats, holds, count, isClose } from "./report";
export * from "./instance";
export * as linalg from "./linalg";
export {
  cholesky, solveSpd, symmetricEigen, symmetricEigs, generalizedSymmetricEigs, generalizedEigs, topEigen, sqrtm,
  DenseMatrix, SymmetricOperator, EigsOptions, EigsResult,
} from "./linalg";
export * from "./feature";
export type { LearnerOption } from "./feature/adapter";
export * from "./model";
export * from "./relation";
export * from "./safe";
