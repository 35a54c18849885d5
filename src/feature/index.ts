/** Feature-based transfer (lecture section 7): TCA, JDA, TJM, CORAL, and the MMD matrix they minimise. */
export { TCA, TCA_DEFAULTS } from "./tca";
export type { TCAOptions } from "./tca";
export { JDA, JDA_DEFAULTS } from "./jda";
export type { JDAOptions } from "./jda";
export { TJM, TJM_DEFAULTS } from "./tjm";
export type { TJMOptions } from "./tjm";
export { CORAL, CORAL_DEFAULTS } from "./coral";
export type { CORALOptions } from "./coral";
export { FeatureAdapter } from "./adapter";
export { marginalMmd, jointMmd, marginalVector, classVector, denseMmdMatrix } from "./mmdMatrix";
export type { LowRankMmd } from "./mmdMatrix";
export { unitRows } from "./transferComponents";
