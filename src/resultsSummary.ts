/**
 * Reading the results other notebooks saved (see results.ts), for a summary: a value by its path, and a
 * headline per notebook that says why it is missing (not run yet, or saved by an older version) instead
 * of failing the cell.
 */
import { loadResults } from "./results";

export type ResultJson = Record<string, unknown>;

/** The value at `path` (keys and array indices; a negative index counts from the end), or an error naming the path. */
export function resultAt(obj: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (Array.isArray(v) && typeof p === "number") v = v[p < 0 ? v.length + p : p];
    else if (v !== null && typeof v === "object") v = (v as ResultJson)[String(p)];
    else v = undefined;
    if (v === undefined) throw new Error(path.join("."));
  }
  return v;
}

/** The number at `path`, or an error naming the path. */
export function resultNumber(obj: unknown, ...path: (string | number)[]): number {
  const v = resultAt(obj, ...path);
  if (typeof v !== "number") throw new Error(path.join("."));
  return v;
}

/** The saved results of several notebooks, and their headlines. */
export class ResultsSummary {
  private constructor(readonly results: Map<string, ResultJson | null>) {}

  /** Load the results of `ids` (null for a notebook that has not run yet). */
  static async load(ids: string[]): Promise<ResultsSummary> {
    const results = new Map<string, ResultJson | null>();
    for (const id of ids) results.set(id, (await loadResults(id)) as ResultJson | null);
    return new ResultsSummary(results);
  }

  /** What to show for a notebook without results. */
  notRun = (id: string): string => `not run yet: run npm start or the notebook notebooks/${id}.ipynb`;

  /** The headline `make` builds from a notebook's saved results — or why there is none. */
  headline = (id: string, make: (r: ResultJson) => string): string => {
    const r = this.results.get(id);
    if (!r) return this.notRun(id);
    try {
      return make(r) + (r.quick ? " (quick setting)" : "");
    } catch (e) {
      return `${id}.json has no "${(e as Error).message}" (saved by an older version?): run the notebook again`;
    }
  };

  /** `make`'s headline, or — when the file lacks a field it reads — the generic one. */
  headlineOr = (id: string, make: (r: ResultJson) => string): string => {
    const line = this.headline(id, make);
    return line.startsWith(`${id}.json has no`) ? this.generic(id) : line;
  };

  /** For notebooks whose fields the summary does not know: their `headline` (or `findings`) object, else their top-level numbers. */
  generic = (id: string): string =>
    this.headline(id, (r) => {
      const named = [r.headline, r.findings].find((v) => v !== null && typeof v === "object" && !Array.isArray(v));
      const source = (named ?? r) as ResultJson;
      const entries = Object.entries(source).filter(([k, v]) => !["notebook", "date", "quick", "backend", "seconds"].includes(k) && (typeof v === "number" || typeof v === "string"));
      if (entries.length === 0) throw new Error("headline");
      return entries.map(([k, v]) => `${k}: ${typeof v === "number" ? +v.toFixed(4) : v}`).join("; ");
    });
}
