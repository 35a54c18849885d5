/**
 * Peer check in a real browser: Debian's Jupyter Notebook 6 opens each lecture notebook with the
 * transferlab kernel, runs all cells live, and every Plotly figure is drawn (an SVG in the page). Then the
 * notebook is saved (small: plotly.js once), its kernel shut down, and the saved notebook reopened: being
 * trusted, it draws every figure again from its stored outputs, those after the first included (they find
 * the window.Plotly that the first figure's output defines).
 * Skips with a printed reason where Jupyter Notebook or Chromium is missing (.ci/run installs both).
 */
import { spawn, spawnSync, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as net from "net";
import { chromium, Browser } from "playwright-core";
import { installKernelspec } from "../../kernel-ext/kernel";
import { skipPeer } from "../helpers/peer";
import { SAVED_NOTEBOOK_BUDGET } from "../helpers/notebooks";

const ROOT = path.resolve(__dirname, "../..");
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
const JUPYTER = "/usr/bin/jupyter";
const hasNotebook6 = fs.existsSync(JUPYTER) && spawnSync(JUPYTER, ["notebook", "--version"], { encoding: "utf8" }).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Jupyter Notebook did not answer at ${url} within ${ms} ms`);
}

describe("lecture notebooks in Jupyter Notebook 6 (browser)", () => {
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  let work = "";
  let dataDir = "";
  let base = "";
  const token = "transferlab-test";

  beforeAll(async () => {
    if (!hasNotebook6 || !CHROMIUM) return;
    // a scratch copy inside the project, so the kernel resolves "transferlab" from its node_modules and the
    // committed notebooks are never touched by autosave
    work = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-nb6-"));
    for (const nb of ["00-introduction.ipynb", "01-concepts.ipynb"]) fs.copyFileSync(path.join(ROOT, "notebooks", nb), path.join(work, nb));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-jupyter-data-"));
    installKernelspec({ env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(JUPYTER, ["notebook", "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1",
      `--NotebookApp.token=${token}`, `--notebook-dir=${work}`], {
      env: { ...process.env, JUPYTER_DATA_DIR: dataDir, TL_QUICK: "1", TL_RESULTS_DIR: path.join(work, "results"), JUPYTER_CONFIG_DIR: path.join(dataDir, "config") },
      stdio: "ignore",
      detached: true,
    });
    await waitForServer(`${base}/api?token=${token}`, 30_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test.each([
    ["00-introduction.ipynb", 3],
    ["01-concepts.ipynb", 7],
  ])("%s runs live and draws its %i figures", async (name, figures) => {
    if (!hasNotebook6) return void skipPeer("Notebook 6 in Chromium", "no Jupyter Notebook (Debian: apt-get install jupyter-notebook)");
    if (!CHROMIUM) return void skipPeer("Notebook 6 in Chromium", "no Chromium (Debian: apt-get install chromium)");
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${base}/notebooks/${name}?token=${token}`);
    // the kernel is "TypeScript (transferlab)" and becomes ready
    await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), undefined, { timeout: 60_000 });
    const kernelName = await page.evaluate(() => (window as any).Jupyter.notebook.kernel.name);
    expect(kernelName).toBe("transferlab");
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
    // done when every code cell has an execution count and the kernel is idle
    await page.waitForFunction(() => {
      const nb = (window as any).Jupyter.notebook;
      const cells = nb.get_cells().filter((c: any) => c.cell_type === "code");
      return cells.every((c: any) => typeof c.input_prompt_number === "number") && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
    }, undefined, { timeout: 180_000, polling: 500 });
    await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n, figures, { timeout: 30_000 });
    const drawn = await page.evaluate(() => document.querySelectorAll(".js-plotly-plot").length);
    const errors = await page.evaluate(() => Array.from(document.querySelectorAll(".output_stderr")).map((e) => e.textContent));
    expect(errors).toEqual([]);
    expect(drawn).toBe(figures);
    expect(pageErrors).toEqual([]);
    const shots = process.env.TL_SCREENSHOTS;
    if (shots) {
      fs.mkdirSync(shots, { recursive: true });
      // Notebook 6 scrolls inside #site, not the page: a tall viewport captures the whole notebook
      const height = await page.evaluate(() => document.querySelector("#notebook-container")?.scrollHeight ?? 2000);
      await page.setViewportSize({ width: 1280, height: Math.min(height + 200, 16_000) });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(shots, name.replace(".ipynb", ".png")) });
    }
    // save, stop the kernel, reopen: the stored outputs alone draw every figure
    await page.evaluate(() => (window as any).Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !(window as any).Jupyter.notebook.dirty, undefined, { timeout: 30_000 });
    const saved = path.join(work, name);
    const text = fs.readFileSync(saved, "utf8");
    expect(text.split("window.Plotly = Plotly").length - 1).toBe(1);
    expect(fs.statSync(saved).size).toBeLessThanOrEqual(SAVED_NOTEBOOK_BUDGET());
    await page.evaluate(() => (window as any).Jupyter.notebook.kernel.kill());
    await page.close();
    const reopened = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    reopened.on("pageerror", (e) => pageErrors.push(e.message));
    await reopened.goto(`${base}/notebooks/${name}?token=${token}`);
    await reopened.waitForFunction(() => (window as any).Jupyter?.notebook?._fully_loaded, undefined, { timeout: 60_000 });
    expect(await reopened.evaluate(() => (window as any).Jupyter.notebook.trusted)).toBe(true);
    await reopened.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n, figures, { timeout: 30_000 });
    // no cell ran: every figure was drawn from the saved outputs, none left as its static description
    const counts = await reopened.evaluate(() =>
      (window as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code").map((c: any) => c.input_prompt_number));
    expect(await reopened.evaluate(() => document.querySelectorAll(".js-plotly-plot").length)).toBe(figures);
    expect(await reopened.evaluate(() => document.querySelectorAll(".transferlab-figure-static").length)).toBe(0);
    expect(counts.every((c: unknown) => typeof c === "number")).toBe(true); // the run's counts, stored
    expect(pageErrors).toEqual([]);
    await reopened.close();
  }, 300_000);
});
