/**
 * The packages a notebook's cells import: what the guards freeze (guard.ts), the grader warms
 * (warmcache.ts) and validate resolves (validate.ts).
 */
import type { Notebook } from "../notebook";
import { joinText } from "../notebook";

/**
 * Packages a notebook's code imports or requires, by package name ("transferlab/plot" → "transferlab"; node's
 * built-ins without their "node:" prefix; relative paths left out).
 */
export function importedPackages(nb: Notebook): string[] {
  const found = new Set<string>();
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    for (const m of joinText(c.source).matchAll(/(?:from\s+|require\(\s*|import\(\s*|import\s+)["']([^"'./][^"']*)["']/g)) {
      const spec = m[1].startsWith("node:") ? m[1].slice(5) : m[1];
      // the package, not a subpath ("transferlab/plot" → "transferlab", "@scope/pkg/x" → "@scope/pkg")
      const parts = spec.split("/");
      found.add(spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    }
  }
  return [...found].sort();
}
