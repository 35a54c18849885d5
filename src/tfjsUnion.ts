/**
 * The `@tensorflow/tfjs` union package, loaded on first use. transferlab itself runs on tfjs-core (tf.ts),
 * but gradients come only with the union: tfjs-core registers none when Node requires it (the union
 * bundles them, as it bundles layers, the converter and tf.data). It shares tf.ts's tfjs-core: loading it
 * later changes no tensor, backend or setting.
 */
import type * as TF from "@tensorflow/tfjs";

let union: typeof TF | undefined;

/** The union package (loaded once). */
export function tfjsUnion(): typeof TF {
  return (union ??= require("@tensorflow/tfjs") as typeof TF);
}

/** Call before computing gradients (optimizer.minimize, tf.grad): it registers them. */
export function needGradients(): void {
  tfjsUnion();
}
