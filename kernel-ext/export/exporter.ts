/**
 * `tlab export`: notebooks → HTML handouts in a folder, with an index page. Executes each notebook first
 * (through the headless runner, into a temporary folder: the source notebook is not touched) unless told
 * not to; every file is written to a temporary name and renamed into place, so a failed export keeps the
 * old handout.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseNotebook, writeFileAtomic, type Notebook } from "../notebook";
import { validateNotebook } from "../schema";
import { escapeHtml } from "../display/html";
import { Edition } from "./editions";
import { AssetMode, BASE_CSS, writeSharedAssets } from "./assets";
import { CodeMode, Handout, renderHandout } from "./handout";
import { withEmbeddedCjkFont } from "./cjkfont";

export interface ExportOptions {
  out: string;
  edition?: Edition;
  /** default: "inline" for one notebook, "shared" for several */
  assets?: AssetMode;
  code?: CodeMode;
  /** run the notebooks first (default true) */
  execute?: boolean;
  /** per-cell timeout when executing, seconds */
  timeoutSec?: number;
  /** also print each handout to PDF with headless Chromium */
  pdf?: boolean;
  /** write index.html (default: when more than one notebook) */
  index?: boolean;
  env?: Record<string, string>;
  onNotebook?: (r: ExportedHandout) => void;
}

export interface ExportedHandout {
  notebook: string;
  /** the handout's file name inside `out` */
  name: string;
  file: string;
  title: string;
  status: "ok" | "failed" | "not executed";
  seconds?: number;
  backend?: string;
  figures: number;
  formulas: number;
  warnings: string[];
  exportSeconds: number;
  /** the CJK characters of the handout and the bytes their embedded glyphs add to it (cjkfont.ts) */
  cjkCharacters?: number;
  cjkFontBytes?: number;
  pdf?: string;
  /** why the notebook could not be exported or executed */
  error?: string;
}

/** Read and validate a notebook, with every problem named (file, cell, output). */
export function loadNotebookChecked(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not a notebook: invalid JSON (${(e as Error).message})`);
  }
  const problems = validateNotebook(raw);
  if (problems.length) throw new Error(`${file}: not a valid nbformat 4 notebook:\n  ${problems.join("\n  ")}`);
  return parseNotebook(raw, file);
}

/** Handout file names: the notebook's name, with its folder before it when it is an exercise or a clash. */
export function handoutNames(files: string[]): string[] {
  const names = files.map((f) => {
    const base = path.basename(f, ".ipynb");
    return path.basename(path.dirname(f)) === "exercises" ? `exercises-${base}` : base;
  });
  return names.map((n, i) => {
    const clash = names.some((m, j) => m === n && j !== i);
    return `${clash ? `${path.basename(path.dirname(files[i]))}-` : ""}${n}.html`;
  });
}

async function execute(file: string, options: ExportOptions, tmp: string): Promise<{ nbFile: string; error?: string }> {
  const { runNotebook } = await import("../run");
  const result = await runNotebook(file, { out: tmp, timeoutSec: options.timeoutSec, env: options.env });
  return { nbFile: result.output, error: result.failure?.message };
}

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"];
  return candidates.find((c): c is string => Boolean(c) && fs.existsSync(c as string)) ?? null;
}

async function printPdfs(handouts: ExportedHandout[]): Promise<void> {
  const exe = chromiumPath();
  if (!exe) {
    throw new Error("--pdf needs Chromium or Chrome: install it (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH to its executable");
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
  try {
    for (const h of handouts) {
      if (h.error && !fs.existsSync(h.file)) continue;
      const page = await browser.newPage();
      await page.goto(`file://${h.file}`, { waitUntil: "load" });
      await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n || n === 0, h.figures, { timeout: 30_000 }).catch(() => undefined);
      await page.emulateMedia({ media: "print" });
      await page.evaluate(() => document.querySelectorAll("details.fold:not(.hidden-by-tag)").forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const pdf = h.file.replace(/\.html$/, ".pdf");
      const tmp = `${pdf}.${process.pid}.tmp`;
      await page.pdf({ path: tmp, format: "A4", printBackground: true, margin: { top: "16mm", bottom: "16mm", left: "14mm", right: "14mm" } });
      fs.renameSync(tmp, pdf);
      h.pdf = pdf;
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

function indexPage(handouts: ExportedHandout[], assets: AssetMode): string {
  const rows = handouts.map((h) => {
    const num = /^(?:exercises-)?(\d+)/.exec(h.name)?.[1] ?? "";
    const kind = h.name.startsWith("exercises-") ? "exercise" : "lecture";
    const status = h.error && h.status !== "failed" ? "not exported" : h.status;
    return `<tr><td>${escapeHtml(num)}</td><td><a href="${encodeURI(h.name)}">${escapeHtml(h.title)}</a></td><td>${kind}</td>` +
      `<td class="status-${status === "ok" ? "ok" : "failed"}">${escapeHtml(status)}</td><td>${h.seconds !== undefined ? h.seconds.toFixed(1) + " s" : ""}</td>` +
      `<td>${escapeHtml(h.backend ?? "")}</td><td>${h.pdf ? `<a href="${encodeURI(path.basename(h.pdf))}">PDF</a>` : ""}</td></tr>`;
  }).join("\n");
  const date = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  void assets;
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self' data: 'unsafe-inline'">\n<title>Transfer Learning — handouts</title>\n<style>${BASE_CSS}</style>\n</head>\n<body>\n<main>\n` +
    `<h1>Advanced Machine Learning — Transfer Learning</h1>\n<p>Lecture handouts, executed notebooks (${handouts.length}).</p>\n` +
    `<table class="index-table"><thead><tr><th>§</th><th>handout</th><th>kind</th><th>run</th><th>time</th><th>backend</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>\n` +
    `<footer class="run-info">Built ${escapeHtml(date)} by tlab export.</footer>\n</main>\n</body>\n</html>\n`;
}

/** Export `files` into `options.out`; returns one record per notebook (failures recorded, not thrown). */
export async function exportNotebooks(files: string[], options: ExportOptions): Promise<ExportedHandout[]> {
  const out = path.resolve(options.out);
  fs.mkdirSync(out, { recursive: true });
  const assets = options.assets ?? (files.length > 1 ? "shared" : "inline");
  if (assets === "shared") writeSharedAssets(out);
  const names = handoutNames(files);
  const execute_ = options.execute ?? true;
  const tmp = execute_ ? fs.mkdtempSync(path.join(os.tmpdir(), "tlab-export-")) : "";
  const results: ExportedHandout[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const started = Date.now();
      const target = path.join(out, names[i]);
      const record: ExportedHandout = { notebook: file, name: names[i], file: target, title: names[i], status: "not executed", figures: 0, formulas: 0, warnings: [], exportSeconds: 0 };
      try {
        let source = file;
        if (execute_) {
          loadNotebookChecked(file); // a broken notebook is reported before a kernel is started
          const run = await execute(file, options, tmp);
          source = run.nbFile;
          if (run.error) record.error = run.error;
        }
        const nb = loadNotebookChecked(source);
        const handout: Handout = renderHandout(nb, { edition: options.edition, assets, code: options.code, file: path.relative(process.cwd(), file) || file });
        const { html, font } = await withEmbeddedCjkFont(handout.html);
        if (font.missing.length) handout.warnings.push(`${file}: no glyph in Noto Sans SC for ${font.missing.join(" ")}`);
        writeFileAtomic(target, html);
        Object.assign(record, {
          cjkCharacters: font.characters,
          cjkFontBytes: font.cssBytes,
          title: handout.title,
          status: handout.run ? handout.run.status : "not executed",
          seconds: handout.run?.seconds,
          backend: handout.run?.backend,
          figures: handout.figures,
          formulas: handout.formulas,
          warnings: handout.warnings,
        });
      } catch (e) {
        record.error = (e as Error).message;
        record.status = "failed";
      }
      record.exportSeconds = (Date.now() - started) / 1000;
      results.push(record);
      options.onNotebook?.(record);
    }
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (options.pdf) await printPdfs(results);
  if (options.index ?? files.length > 1) writeFileAtomic(path.join(out, "index.html"), indexPage(results, assets));
  return results;
}
