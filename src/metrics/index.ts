export { accuracy } from "./accuracy";
export { mmd, MmdOptions } from "./mmd";
export { proxyADistance, ProxyADistanceOptions } from "./proxyADistance";
