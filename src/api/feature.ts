/** `tl.feature`: the building blocks of TCA, JDA and TJM, for the lecture's derivations: the MMD matrices and the row scaling. */
export { marginalMmd, jointMmd, marginalVector, classVector, denseMmdMatrix } from "../feature/mmdMatrix";
export type { LowRankMmd } from "../feature/mmdMatrix";
export { unitRows } from "../feature/transferComponents";
