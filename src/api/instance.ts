/** `tl.instance`: the pieces of the instance-based methods, for the lecture's derivations: KMM's objective and terms, TTL's ranking. */
export { kmmTerms, kmmObjective } from "../instance/kmm";
export type { KMMTerms } from "../instance/kmm";
export { rankIntermediates } from "../instance/ttl";
export type { IntermediateScore, DomainDistance } from "../instance/ttl";
