export { accuracy } from "./accuracy";
export { mmd } from "./mmd";
export type { MmdOptions } from "./mmd";
export { proxyADistance } from "./proxyADistance";
export type { ProxyADistanceOptions } from "./proxyADistance";
