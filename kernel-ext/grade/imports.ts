/** The packages a notebook's cells import: what the grader warms (warmcache.ts) and validate resolves. */
import type { Notebook } from "../notebook";
import { joinText } from "../notebook";

/** Bare package names a notebook's code cells import or require (node: built-ins and relative paths left out). */
export function importedPackages(nb: Notebook): string[] {
  const found = new Set<string>();
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const m of joinText(cell.source).matchAll(re)) if (!m[1].startsWith("node:")) found.add(m[1]);
  }
  return [...found].sort();
}
