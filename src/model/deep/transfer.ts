/**
 * Layer transfer of Yosinski et al. (2014): a network for the target task whose first n layers are copied from
 * a base network and frozen (AnB, BnB) or left trainable (AnB+, BnB+), the rest drawn afresh.
 */
import { Network } from "./network";

export interface TransferOptions {
  /** fine-tune the copied layers too (the "+" variants); default false: they are frozen */
  fineTune?: boolean;
  /** seed of the re-initialised layers n … L − 1 */
  seed: number;
}

/** A new network shaped like `base`: layers [0, n) copied from it (frozen unless fineTune), layers [n, L) drawn from seed. */
export function transferNetwork(base: Network, n: number, options: TransferOptions): Network {
  if (!Number.isInteger(n) || n < 0 || n >= base.depth) throw new Error(`transferNetwork: n must be an integer in [0, ${base.depth - 1}], got ${n}`);
  if (!options || !Number.isFinite(options.seed)) throw new Error(`transferNetwork: options.seed must be a finite number`);
  const net = new Network(base.spec, options.seed);
  net.copyLayersFrom(base, n);
  net.freeze(options.fineTune ? 0 : n);
  return net;
}
