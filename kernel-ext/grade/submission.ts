/** Reading a submission defensively: every way it can be unreadable becomes a message for the TA. */
import * as fs from "fs";
import type { Notebook } from "../notebook";
import { parseNotebook } from "../notebook";
import { validateNotebook } from "../schema";

export type Loaded = { ok: true; notebook: Notebook; notes: string[] } | { ok: false; message: string };

const MAX_BYTES = 50 * 1024 * 1024;

export function loadSubmission(file: string): Loaded {
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { ok: false, message: `${file} is not a file` };
    if (st.size === 0) return { ok: false, message: `${file} is empty` };
    if (st.size > MAX_BYTES) return { ok: false, message: `${file} is ${(st.size / 1048576).toFixed(0)} MB; a notebook over ${MAX_BYTES / 1048576} MB is not graded` };
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { ok: false, message: `cannot read ${file}: ${(e as Error).message}` };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${file} is not UTF-8 text (a notebook is UTF-8 JSON)` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${file} is not valid JSON: ${(e as Error).message}` };
  }
  if (!raw || typeof raw !== "object" || !Array.isArray((raw as { cells?: unknown }).cells)) {
    return { ok: false, message: `${file} is JSON but not a Jupyter notebook (no "cells" list)` };
  }
  let notebook: Notebook;
  try {
    const problems = validateNotebook(raw);
    if (problems.length > 0) return { ok: false, message: `${file} is not a valid notebook: ${problems.slice(0, 3).join("; ")}` };
    notebook = parseNotebook(raw, file);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const notes: string[] = [];
  const ks = notebook.metadata.kernelspec as { name?: string; language?: string } | undefined;
  if (ks?.name && !/typescript|transferlab|tslab/i.test(`${ks.name} ${ks.language ?? ""}`)) {
    notes.push(`written for the kernel "${ks.name}"; graded with the TypeScript kernel`);
  }
  return { ok: true, notebook, notes };
}

/** A name a browser or a file manager gives a second download or a copy: "name (1)", "name - Copy", "name copy 2", "name-1". */
const COPY_SUFFIX = /^(.*?)(?: ?\(\d+\)| - Copy(?: \(\d+\))?| copy(?: \d+)?|-\d+)$/i;

/**
 * The submitted file for notebook `name` in a student's folder: `name.ipynb`, or else the one file whose name
 * differs from it only by a copy suffix (with a note). Two such files: ambiguous, an error naming them.
 */
export function findSubmission(dir: string, name: string): { file: string; note?: string } | { missing: string } | { ambiguous: string } {
  const exact = `${name}.ipynb`;
  if (fs.existsSync(`${dir}/${exact}`)) return { file: `${dir}/${exact}` };
  const notebooks = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && !f.endsWith(".graded.ipynb")) : [];
  const copies = notebooks.filter((f) => COPY_SUFFIX.exec(f.slice(0, -".ipynb".length))?.[1] === name);
  if (copies.length === 1) return { file: `${dir}/${copies[0]}`, note: `graded ${copies[0]} (no ${exact}; the file name has a copy suffix)` };
  if (copies.length > 1) return { ambiguous: `no ${exact}, and several copies of it: ${copies.sort().join(", ")}; keep one` };
  return { missing: `no ${exact} in the submission folder${notebooks.length ? ` (found ${notebooks.join(", ")})` : ""}` };
}
