/**
 * Handouts in real headless Chromium: each loads with no console error and no network request, every
 * Plotly figure draws its SVG, every formula is a KaTeX node, every TOC link has its target, and every
 * Chinese character is drawn from the handout's embedded font (this machine may have no CJK font at all:
 * Chromium reports, through DevTools' CSS.getPlatformFontsForNode, which font each probe's glyphs came from).
 * Skips with a printed reason where Chromium is missing (.ci/run installs it).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, Browser, Page } from "playwright-core";
import { exportNotebooks, chromiumPath, ExportedHandout, EMBEDDED_CJK_FAMILY } from "../../kernel-ext/export";
import { skipPeer } from "../helpers/peer";
import { feedbackPage } from "../../kernel-ext/grade/feedback";
import { readNotebook } from "../../kernel-ext/notebook";
import type { SubmissionRow } from "../../kernel-ext/grade/gradebook";

const ROOT = path.resolve(__dirname, "../..");
const CHROMIUM = chromiumPath();
const LECTURE = ["00-introduction", "01-concepts"].map((n) => path.join(ROOT, "notebooks", `${n}.ipynb`));

describe("handouts in Chromium", () => {
  let dir = "";
  let browser: Browser | null = null;
  let shared: ExportedHandout[] = [];
  let inline: ExportedHandout[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-handouts-"));
    const env = { TL_QUICK: "1", TL_RESULTS_DIR: path.join(dir, "results") };
    // executes the lecture notebooks (the exporter's default), a handout set with shared assets …
    shared = await exportNotebooks(LECTURE, { out: path.join(dir, "shared"), env });
    // … and one self-contained handout from an executed copy, with math and figures inline
    const { runNotebook } = await import("../../kernel-ext/run");
    const run = await runNotebook(LECTURE[1], { out: path.join(dir, "executed"), env });
    inline = await exportNotebooks([run.output], { out: path.join(dir, "inline"), execute: false, code: "fold" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The fonts that draw the Chinese of the page: every element whose own text holds CJK characters gets a
   * probe child with just those characters (inheriting the element's font stack), and Chromium says which
   * fonts rendered each probe. Returns the probes' characters and the fonts other than the embedded one.
   */
  async function cjkFonts(page: Page): Promise<{ characters: string; probes: number; checked: boolean; elsewhere: string[] }> {
    const { characters, probes } = await page.evaluate(() => {
      document.querySelectorAll("details").forEach((d) => ((d as HTMLDetailsElement).open = true));
      const cjk = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
      const byParent = new Map<Element, Set<string>>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest("script,style,svg,.katex-mathml")) continue;
        for (const ch of n.textContent ?? "") if (cjk.test(ch)) byParent.set(el, (byParent.get(el) ?? new Set()).add(ch));
      }
      const all = new Set<string>();
      for (const [el, chars] of byParent) {
        const probe = document.createElement("span");
        probe.className = "tl-cjk-probe";
        probe.textContent = [...chars].join("");
        el.appendChild(probe);
        chars.forEach((c) => all.add(c));
      }
      return { characters: [...all].join(""), probes: byParent.size };
    });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const checked = await page.evaluate(([family, text]) => document.fonts.check(`16px "${family}"`, text), [EMBEDDED_CJK_FAMILY, characters]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeIds } = await cdp.send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: ".tl-cjk-probe" });
    const elsewhere = new Set<string>();
    for (const nodeId of nodeIds) {
      const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
      if (fonts.length === 0) elsewhere.add("(probe not laid out)");
      // Chromium names a web font by its file's own name table ("Noto Sans SC …"), and marks it custom
      for (const f of fonts) if (!f.isCustomFont || !f.familyName.startsWith("Noto Sans SC")) elsewhere.add(`${f.familyName} (${f.glyphCount} glyphs)`);
    }
    await cdp.detach();
    return { characters, probes: nodeIds.length, checked, elsewhere: [...elsewhere] };
  }

  async function check(file: string, figures: number, formulas: number): Promise<void> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("request", (r) => {
      if (!/^(file|data|blob|about):/.test(r.url())) requests.push(r.url());
    });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot").length >= n, figures, { timeout: 30_000 });
    const facts = await page.evaluate(() => {
      const plots = Array.from(document.querySelectorAll(".transferlab-figure"));
      const links = Array.from(document.querySelectorAll("nav.toc a")).map((a) => a.getAttribute("href") ?? "");
      return {
        figures: plots.length,
        drawn: plots.filter((p) => p.querySelector("svg.main-svg")).length,
        katex: document.querySelectorAll(".katex").length,
        katexErrors: document.querySelectorAll(".katex-error").length,
        links: links.length,
        missingTargets: links.filter((h) => !h.startsWith("#") || !document.getElementById(decodeURIComponent(h.slice(1)))),
        title: document.title,
      };
    });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(facts.figures).toBe(figures);
    expect(facts.drawn).toBe(figures);
    // every formula in the body is a KaTeX node (the TOC repeats those in headings)
    expect(facts.katex).toBeGreaterThanOrEqual(formulas);
    expect(facts.katexErrors).toBe(0);
    expect(facts.links).toBeGreaterThan(0);
    expect(facts.missingTargets).toEqual([]);
    // the Chinese of the handout (the lecture's quotes) is drawn from its embedded font, none from a fallback
    const cjk = await cjkFonts(page);
    expect(cjk.characters.length).toBeGreaterThan(0);
    expect(cjk.checked).toBe(true);
    expect(cjk.elsewhere).toEqual([]);
    await page.close();
  }

  test("the lecture handout set (shared assets) loads offline with every figure and formula", async () => {
    if (!CHROMIUM) return void skipPeer("handouts in Chromium", "no Chromium or Chrome (Debian: apt-get install chromium)");
    expect(shared.map((h) => h.error ?? "ok")).toEqual(["ok", "ok"]);
    expect(fs.existsSync(path.join(dir, "shared", "index.html"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "shared", "assets", "plotly.min.js"))).toBe(true);
    for (const h of shared) {
      expect(h.status).toBe("ok");
      expect(h.figures).toBeGreaterThan(0);
      await check(h.file, h.figures, h.formulas);
    }
  }, 120_000);

  test("a self-contained handout (inline assets, folded code) loads offline too", async () => {
    if (!CHROMIUM) return void skipPeer("handouts in Chromium", "no Chromium or Chrome (Debian: apt-get install chromium)");
    expect(inline).toHaveLength(1);
    const html = fs.readFileSync(inline[0].file, "utf8");
    expect(html).not.toMatch(/<link rel="stylesheet"|<script[^>]+src=/);
    await check(inline[0].file, inline[0].figures, inline[0].formulas);
  }, 60_000);

  test("a feedback page carries the glyphs of its Chinese as handouts do, and Chromium draws them from it", async () => {
    // exercise 07 quotes the lecture's section title in Chinese (深度网络的两种常用迁移方式)
    const graded = readNotebook(path.join(ROOT, "notebooks", "exercises", "07-finetuning-vs-linear-probing.ipynb"));
    const sub: SubmissionRow = { student: "s1", notebook: "07-finetuning-vs-linear-probing", status: "ok", score: 7, max_score: 10, source_hash: "", submission_hash: "",
      message: "", tampering: "", seconds: 1, graded_at: "2026-12-05T12:00:00Z", integrity: "", sandbox: "on" };
    const html = await feedbackPage(graded, sub, []);
    expect(html).toContain(`font-family:"${EMBEDDED_CJK_FAMILY}"`);
    expect(html).toContain(`U+${"深".codePointAt(0)!.toString(16)}`);
    if (!CHROMIUM) return void skipPeer("feedback page in Chromium", "no Chromium or Chrome (Debian: apt-get install chromium)");
    const file = path.join(dir, "feedback.html");
    fs.writeFileSync(file, html);
    const page = await browser!.newPage();
    await page.goto(`file://${file}`, { waitUntil: "load" });
    const cjk = await cjkFonts(page);
    expect(cjk.characters).toContain("深");
    expect(cjk.checked).toBe(true);
    expect(cjk.elsewhere).toEqual([]);
    await page.close();
  }, 60_000);

  test("the index links every handout with its title and run status", async () => {
    if (!CHROMIUM) return void skipPeer("handouts in Chromium", "no Chromium or Chrome (Debian: apt-get install chromium)");
    const page = await browser!.newPage();
    await page.goto(`file://${path.join(dir, "shared", "index.html")}`);
    const rows = await page.evaluate(() => Array.from(document.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent?.trim())));
    expect(rows.map((r) => [r[0], r[2], r[3], r[5]])).toEqual([["00", "lecture", "ok", "wasm"], ["01", "lecture", "ok", "wasm"]]);
    expect(rows[0][1]).toMatch(/^00 · Introduction/);
    await page.close();
  });
});
