/**
 * Cells compiled outside the kernel, by the grader's compile service (grade/precompile.ts). A cell's
 * compilation (type check included) is a function of its text and of the declarations of the cells
 * before it, so it can be made elsewhere and sent: with a cell, the grader sends its compilation after
 * the declarations the kernel reported (a hash, `tlab_decl_hash` in each execute_reply) as the
 * execute_request's `tlab_precompiled`; the kernel takes it only when the hash matches its own
 * declarations, else compiles the cell itself. A kernel learns nothing but the compiled form of the very
 * cell it runs, and no kernel writes what another uses. Cells whose compilation depends on files
 * (relative imports, triple-slash references, .ts modules compiled alongside) are never shared.
 */
import { createHash } from "crypto";
import type { Compiled } from "./compiler";

/** Stands for the compiling kernel's working folder in an entry (each sandbox has its own). */
const CWD = "\u0000cwd\u0000";

/** A cell that reads files at compile time: its result depends on more than its text. */
const READS_FILES = /(\bfrom|\bimport|\brequire)\s*\(?\s*["'`](\.|\/)|\/\/\/\s*<reference/;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The hash of the declarations of the earlier cells that kernels report and the grader keys on. */
export function declHash(prevDecl: string): string {
  return sha256(prevDecl);
}

/** A fresh kernel's: no declarations yet. */
export const EMPTY_DECL_HASH = declHash("");

/** What the grader sends with a cell (execute_request content `tlab_precompiled`). */
export interface Precompiled {
  /** the declarations this compilation assumes; the kernel ignores it unless they are its own */
  declHash: string;
  compiled: Compiled;
}

/** Whether a cell names files to read when it is compiled (relative or absolute imports, references). */
export function readsFiles(src: string): boolean {
  return READS_FILES.test(src);
}

/** Whether a compilation may be shared: it read nothing but the cell, the declarations and node_modules. */
export function cacheable(src: string, compiled: Compiled): boolean {
  return !readsFiles(src) && !compiled.sideOutputs?.length && compiled.outsideOutputs.length === 0 && compiled.staleBuilds.length === 0;
}

/** A plausible Compiled from the wire (the kernel checks the shape before running it). */
export function isCompiled(x: unknown): x is Compiled {
  const c = x as Partial<Compiled> | null;
  return (
    typeof c === "object" &&
    c !== null &&
    Array.isArray(c.diagnostics) &&
    (c.output === undefined || typeof c.output === "string") &&
    (c.declOutput === undefined || typeof c.declOutput === "string") &&
    Array.isArray(c.outsideOutputs) &&
    Array.isArray(c.staleBuilds) &&
    typeof c.maps === "object" &&
    c.maps !== null
  );
}

const jsonString = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * A compilation made in folder `cwd`, as text any kernel's folder can be put back into (fromEntry); null
 * when it may not be shared.
 */
export function toEntry(src: string, prevDecl: string, compiled: Compiled, cwd: string): string | null {
  if (!cacheable(src, compiled)) return null;
  return JSON.stringify({ src, declHash: declHash(prevDecl), compiled }).split(jsonString(cwd)).join(jsonString(CWD));
}

/** The compilation in an entry, for a kernel working in `cwd`. */
export function fromEntry(entry: string, cwd: string): Compiled {
  return (JSON.parse(entry.split(jsonString(CWD)).join(jsonString(cwd))) as { compiled: Compiled }).compiled;
}
