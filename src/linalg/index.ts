/**
 * Linear algebra TF.js lacks: Cholesky, triangular and SPD solves, the symmetric eigendecomposition, the
 * k largest / smallest eigenpairs of big symmetric matrices and of symmetric-definite pencils, matrix square
 * roots. Precision-critical small steps in float64 JS, O(n³) products in float32 on the TF backend.
 */
export {
  DenseMatrix, dense, identity, toDense, toTensor, transpose, matMul, matMulTransposeA, symmetrize, frobeniusNorm,
  selectColumns, hstack, orthonormalize64,
} from "./dense";
export { cholesky, solveLower, solveLowerTransposed, solveUpper, solveSpd, NotPositiveDefiniteError } from "./cholesky";
export type { CholeskyOptions, CholeskyFactor } from "./cholesky";
export { symmetricEigen, symmetricEigenSelected } from "./symmetricEigen";
export type { SymmetricEigenResult } from "./symmetricEigen";
export { topEigen, denseOperator, orthonormalizeBlock, refineEigenpairs } from "./topEigen";
export type { SymmetricOperator, TopEigenOptions, TopEigenResult } from "./topEigen";
export { diagonalPlusLowRank, denseSpdFactor } from "./spdFactor";
export type { SpdFactor } from "./spdFactor";
export { symmetricEigs, generalizedEigs, generalizedSymmetricEigs, refineGeneralized } from "./eigs";
export type { EigsOptions, EigsResult } from "./eigs";
export { sqrtm } from "./sqrtm";
export type { SqrtmOptions, SqrtmResult } from "./sqrtm";
