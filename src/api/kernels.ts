/** `tl.kernels`: kernel matrices and the median-heuristic bandwidth the methods use. */
export { kernelMatrix, medianHeuristicGamma, medianHeuristicGammaAsync, KERNEL_KINDS } from "../kernels";
export type { KernelKind, KernelOptions, MedianHeuristicOptions } from "../kernels";
