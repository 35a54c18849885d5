/**
 * Option objects (docs/design.md, "the algorithm API"): every constructor and function takes one options object
 * with documented defaults; an unknown key is an error that lists the valid ones, so a typo such as
 * `lamda` fails loudly instead of silently running with the default. Failures are `InvalidOptionError`s.
 */
import { InvalidOptionError } from "./errors";

/** Edit distance, to suggest the option a typo most likely meant. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** ` (did you mean "k"?)` naming the valid key closest to a mistyped `key`, or "" when none is close. */
export function didYouMean(key: string, valid: readonly string[]): string {
  const closest = valid.reduce<{ key: string; d: number } | null>((best, k) => {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    return best === null || d < best.d ? { key: k, d } : best;
  }, null);
  return closest !== null && closest.d <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${closest.key}"?)` : "";
}

/**
 * Merge `given` over `defaults` and return the result.
 *
 * - A key of `given` that `defaults` lacks throws, naming `className`, the key, the closest valid key and all
 *   valid keys. List optional options without a default as `key: undefined` in `defaults`.
 * - A key given as `undefined` keeps its default (so callers can forward `{ gamma: opts.gamma }`).
 * - When the default is a number, boolean or string, the given value must have that type; a number must
 *   also be finite.
 */
export function checkOptions<T extends object>(className: string, given: object | undefined | null, defaults: T): T {
  if (given === undefined || given === null) return { ...defaults };
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new InvalidOptionError(`${className}: options must be an object such as { ${Object.keys(defaults).join(", ")} }, got ${Array.isArray(given) ? "an array" : typeof given}`);
  }
  const valid = Object.keys(defaults);
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) {
      throw new InvalidOptionError(`${className}: unknown option "${key}"${didYouMean(key, valid)}; valid options: ${valid.join(", ")}`);
    }
    if (value === undefined) continue;
    const fallback = (defaults as Record<string, unknown>)[key];
    const expected = typeof fallback;
    if ((expected === "number" || expected === "boolean" || expected === "string") && typeof value !== expected) {
      throw new InvalidOptionError(`${className}: option "${key}" must be a ${expected}, got ${typeof value} (${String(value)})`);
    }
    if (expected === "number" && !Number.isFinite(value as number)) {
      throw new InvalidOptionError(`${className}: option "${key}" must be a finite number, got ${String(value)}`);
    }
    merged[key] = value;
  }
  return merged as T;
}

/** Throws unless `value` is a finite number > 0, naming the option. */
export function requirePositive(className: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(`${className}: option "${name}" must be a finite number > 0, got ${value}`);
  }
}

/** Throws unless `value` is an integer ≥ `min`, naming the option. */
export function requireInteger(className: string, name: string, value: number, min = 1): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new InvalidOptionError(`${className}: option "${name}" must be an integer ≥ ${min}, got ${value}`);
  }
}
