/**
 * The execute_result of a cell: the MIME bundle of its last expression's value. text/plain always (as
 * Node's REPL shows the value, without colour codes), and richer types for what we display richly:
 * objects that offer their own bundle through `Symbol.for("Jupyter.display")` (Deno's convention),
 * Plotly figure specs, danfo DataFrames, tensors.
 */
import { inspect } from "util";
import { figureBundle, isFigureSpec } from "../display/figure";
import type { MimeBundle } from "../display/sink";
import { dataFrameBundle, isDataFrameLike, isTensorLike, tensorBundle } from "../display/table";

const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 100_000, breakLength: 100 });
}

/** The bundle for `value`; an own bundle may be returned by a promise. */
export async function resultBundle(value: unknown): Promise<MimeBundle> {
  let bundle: MimeBundle | null = null;
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    const own = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof own === "function") {
      const b = (await (own as () => unknown).call(value)) as unknown;
      if (b && typeof b === "object") bundle = { ...(b as MimeBundle) };
    }
  }
  if (!bundle) {
    if (isFigureSpec(value)) bundle = figureBundle(value);
    else if (isDataFrameLike(value)) bundle = dataFrameBundle(value);
    else if (isTensorLike(value)) bundle = tensorBundle(value);
  }
  const out: MimeBundle = bundle ?? {};
  const text = out["text/plain"];
  out["text/plain"] = typeof text === "string" ? text.replace(ANSI, "") : plainText(value);
  return out;
}
