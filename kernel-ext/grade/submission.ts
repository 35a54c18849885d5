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
