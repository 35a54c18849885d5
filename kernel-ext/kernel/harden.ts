/**
 * A grading kernel (TLAB_GRADE_HARDEN=1, set by the grader's sandbox) runs student code in its own process,
 * so it keeps its own parts out of reach: before each cell its modules are taken out of require's cache
 * (a cell's `require.cache` or `require("module")._cache` no longer finds them; requiring one again loads
 * an unrelated copy), their exports, functions and class prototypes are frozen, and `require.main` and
 * `process.mainModule` (the way to the kernel's module tree) are hidden. The connection file, with the
 * key that signs messages, is deleted once read. What this does not stop is listed in docs/grading.md.
 */
import * as fs from "fs";
import * as path from "path";

export const hardened = () => process.env.TLAB_GRADE_HARDEN === "1";

/** kernel-ext's compiled folder (lib/), whose modules are the kernel's own. */
const OWN = path.resolve(__dirname, "..") + path.sep;

function freezeValue(v: unknown): void {
  if (typeof v !== "function") return;
  Object.freeze(v);
  const proto = (v as { prototype?: unknown }).prototype;
  if (proto && typeof proto === "object") Object.freeze(proto);
}

/** Take the kernel's modules out of reach (cheap: one pass over require.cache; repeated before each cell for lazily loaded ones). */
export function hideKernelModules(): void {
  for (const file of Object.keys(require.cache)) {
    if (!file.startsWith(OWN)) continue;
    const ex = require.cache[file]?.exports as Record<string, unknown> | undefined;
    if (ex && typeof ex === "object") {
      for (const k of Object.keys(ex)) freezeValue(ex[k]);
      Object.freeze(ex);
    }
    // (an entry a grader's guard made permanent stays: deleteProperty answers false instead of throwing)
    Reflect.deleteProperty(require.cache, file);
  }
  if ((process as { mainModule?: unknown }).mainModule !== undefined) {
    Object.defineProperty(process, "mainModule", { value: undefined, writable: false, configurable: false });
  }
}

/** Delete the connection file once read (it holds the signing key). */
export function forgetConnectionFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // read-only or already gone: nothing more to do
  }
}
