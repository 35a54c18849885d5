/**
 * Headline numbers of a notebook run, written to `dist/results/<notebook>.json` so that the summary
 * notebook reads them instead of retyping them. `TL_RESULTS_DIR` moves the folder (tests use a temp dir).
 */
import * as fs from "fs";
import * as path from "path";
import { projectDir } from "./data/domains";

export function resultsDir(): string {
  return process.env.TL_RESULTS_DIR ? path.resolve(process.env.TL_RESULTS_DIR) : path.join(projectDir(), "dist", "results");
}

/** Write `results` (plain JSON data) for `notebook`, atomically, with the date and the run's setting (TL_QUICK, TL_FULL). */
export async function saveResults(notebook: string, results: Record<string, unknown>): Promise<string> {
  if (!/^[\w.-]+$/.test(notebook)) throw new Error(`saveResults: notebook name "${notebook}" must be a plain file name (letters, digits, . _ -)`);
  const dir = resultsDir();
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${notebook}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  const body = { notebook, date: new Date().toISOString(), quick: process.env.TL_QUICK === "1", full: process.env.TL_FULL === "1", ...results };
  await fs.promises.writeFile(tmp, JSON.stringify(body, null, 2) + "\n");
  await fs.promises.rename(tmp, file);
  return file;
}

/** Read the results a notebook saved, or null when it has not run yet. */
export async function loadResults(notebook: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await fs.promises.readFile(path.join(resultsDir(), `${notebook}.json`), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
