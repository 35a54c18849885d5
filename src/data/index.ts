/** The data layer: loading domains from CSV, per-domain normalisation, synthetic shifts, a DataFrame view. */
export { parseCsv, splitHeader, CSV_OPTIONS } from "./csv";
export type { CsvOptions, MissingPolicy, ParsedCsv } from "./csv";
export { loadDomain, listDomains, dataDir, projectDir, resolveDomain, DATA_PACKAGE } from "./domains";
export type { Domain, LoadOptions } from "./domains";
export { preprocess, PREPROCESS_METHODS } from "./preprocess";
export type { PreprocessMethod } from "./preprocess";
export {
  covariateShift,
  labelShift,
  conditionalShift,
  twoMoons,
  rotatedTwoMoons,
  covariateShiftRule,
  conditionalShiftRule,
  labelShiftMeans,
  MOONS_CENTER,
} from "./shifts";
export type { LabelledSet, ShiftedDomains } from "./shifts";
export { toDataFrame } from "./dataframe";
export { loadHar, parseHar, harUsers, usersWithAllActivities, userRows, splitByUser, imputeMedian, HAR_ACTIVITIES } from "./har";
export type { HarData, HarLoadOptions, PersonSplit } from "./har";
export { loadRelational, parseFacts, parseModes } from "./relational";
export type { Fact, PredicateSignature, RelationalBlock, RelationalDataset, RelationalLoadOptions } from "./relational";
export { loadMnist, loadFashionMnist, splitClasses, MNIST_CLASSES, FASHION_CLASSES } from "./mnist";
export type { ImageSet, ImageLoadOptions } from "./mnist";
