/**
 * The one estimator contract (docs/design.md, "Contract: the algorithm API"), modelled on skada's `BaseAdapter`:
 * every transfer method — feature, instance, model or deep — is a `BaseAdapter`. `fit(data)` learns from a
 * `{ source, target }` object, `fitPredict(data)` labels `data.test` (default: the target rows), and `dispose()`
 * frees whatever tensors the method holds. The lecture's positional forms (`fit(Xs, Xt)`,
 * `fitPredict(Xs, ys, XtLabelled, ytLabelled, XtTest)`, …) stay as overloads; both forms go through
 * `readAdaptData`, so they are checked alike.
 */
import * as tf from "./tf";
import { InvalidOptionError, NotFittedError, TransferlabError } from "./errors";
import { didYouMean } from "./options";
import { Labels, Matrix } from "./tensor";

/** One domain's samples: rows of `X`, and their labels `y` where the method uses them. */
export interface DomainSamples {
  X: Matrix;
  y?: Labels;
}

/** What a method learns from: the labelled source, the target (labelled for TrAdaBoost, DDTL, ParameterTransfer). */
export interface AdaptData {
  source: DomainSamples;
  target: DomainSamples;
  /** rows `fitPredict` labels; default `target.X` (methods with a labelled target: required) */
  test?: Matrix;
  /** intermediate domains (TTL's candidates, DDTL's Xi) */
  intermediate?: Matrix | Matrix[];
}

/** The arrays of an `AdaptData`, flat, under the lecture's names. */
export interface AdaptArrays {
  Xs: Matrix;
  ys?: Labels;
  Xt: Matrix;
  yt?: Labels;
  test?: Matrix;
  intermediate?: Matrix | Matrix[];
}

/** A slot of `AdaptArrays`, and where it sits in an `AdaptData`. */
export type AdaptSlot = keyof AdaptArrays;
const PATH: Record<AdaptSlot, string> = {
  Xs: "source.X", ys: "source.y", Xt: "target.X", yt: "target.y", test: "test", intermediate: "intermediate",
};

/** The base every transfer method extends. */
export abstract class BaseAdapter {
  /** the class name in messages ("TCA", "KMM", …) */
  protected abstract readonly name: string;

  /** Learn from the source and the target. */
  abstract fit(data: AdaptData): Promise<this>;

  /** `fit`, then the labels of `data.test` (default the target rows), in the source labels' own values. */
  abstract fitPredict(data: AdaptData): Promise<Int32Array>;

  /** Frees the tensors the method holds (most hold none); it can be fitted again afterwards. */
  dispose(): void {}

  /** The `NotFittedError` of `what` used before `fit`. */
  protected notFitted(what: string, fitCall = "fit"): NotFittedError {
    return new NotFittedError(`${this.name}.${what}: call ${fitCall} first`);
  }
}

/** A plain `{ source, target, … }` object (not an array, tensor or typed array). */
export function isAdaptData(value: unknown): value is AdaptData {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof tf.Tensor || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && ("source" in value || "target" in value);
}

function checkKeys(where: string, what: string, value: unknown, valid: readonly string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof tf.Tensor) {
    throw new InvalidOptionError(`${where}: ${what} must be an object { ${valid.join(", ")} }`);
  }
  for (const key of Object.keys(value)) {
    if (!valid.includes(key)) {
      throw new InvalidOptionError(`${where}: unknown key "${key}" in ${what}${didYouMean(key, valid)}; valid keys: ${valid.join(", ")}`);
    }
  }
}

/**
 * The arrays of a call in either form: one `AdaptData` object, or positional arguments in the order `positional`
 * names. `required` slots must be present; a missing one is named in both forms ("data.source.y (ys)").
 */
export function readAdaptData(where: string, args: readonly unknown[], positional: readonly AdaptSlot[], required: readonly AdaptSlot[]): AdaptArrays {
  const out: Partial<AdaptArrays> = {};
  const object = args.length === 1 && isAdaptData(args[0]);
  if (object) {
    const data = args[0] as AdaptData;
    checkKeys(where, "data", data, ["source", "target", "test", "intermediate"]);
    if (data.source !== undefined) {
      checkKeys(where, "data.source", data.source, ["X", "y"]);
      out.Xs = data.source.X;
      out.ys = data.source.y;
    }
    if (data.target !== undefined) {
      checkKeys(where, "data.target", data.target, ["X", "y"]);
      out.Xt = data.target.X;
      out.yt = data.target.y;
    }
    if (!positional.includes("ys")) delete out.ys;
    out.test = data.test;
    out.intermediate = data.intermediate;
    for (const slot of Object.keys(PATH) as AdaptSlot[]) {
      // source labels a method does not use are ignored (the same data object fits every method)
      if (out[slot] !== undefined && !positional.includes(slot) && slot !== "ys") {
        throw new InvalidOptionError(`${where}: data.${PATH[slot]} is not used by this method; it takes ${positional.map((s) => `data.${PATH[s]}`).join(", ")}`);
      }
    }
  } else {
    if (args.length > positional.length) {
      throw new TransferlabError(`${where}: ${args.length} arguments given, but it takes (${positional.join(", ")}) or one { source, target } object`);
    }
    positional.forEach((slot, i) => { (out as Record<string, unknown>)[slot] = args[i]; });
  }
  for (const slot of required) {
    if (out[slot] === undefined || out[slot] === null) {
      throw new TransferlabError(`${where}: ${object ? `data.${PATH[slot]} (${slot})` : `${slot} (data.${PATH[slot]})`} is missing`);
    }
  }
  return out as AdaptArrays;
}

/** One matrix or a list of them (intermediate domains) as a list; rows of numbers are one matrix. */
export function matrixList(value: Matrix | Matrix[], where: string, what: string): Matrix[] {
  if (value instanceof tf.Tensor) return [value];
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0]) && typeof (value[0] as unknown[])[0] === "number") {
    return [value as number[][]];
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new TransferlabError(`${where}: ${what} must be a matrix or a non-empty array of matrices`);
  }
  return value as Matrix[];
}
