/**
 * Handout export speed and size: `tlab export` vs Debian's `jupyter nbconvert --to html` on the same
 * executed lecture notebooks, in one run. Targets (issue 6): ≤ 0.5× nbconvert's time, and an inline
 * handout ≤ 1.1× (plotly.js once + content).
 *
 *   npm run bench:export        (needs executed notebooks in dist/notebooks: run `npm start` first)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exportNotebooks } from "../kernel-ext/export";

// compiled to bench/lib/bench/export.js
const ROOT = path.resolve(__dirname, "../../..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const executed = path.join(ROOT, "dist", "notebooks");
  const files = fs.existsSync(executed) ? fs.readdirSync(executed).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(executed, f)) : [];
  if (files.length === 0) {
    console.error("bench/export: no executed notebooks in dist/notebooks: run `npm start` first");
    process.exit(1);
  }
  const plotlyBytes = fs.statSync(require.resolve("plotly.js-dist-min/plotly.min.js")).size;
  const jupyter = ["/usr/bin/jupyter", "jupyter"].find((j) => spawnSync(j, ["nbconvert", "--version"]).status === 0);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-export-"));
  const REPEAT = 3;
  console.log(`export of ${files.length} executed notebooks, median of ${REPEAT} runs each (wall time includes process start for both)`);
  console.log(["notebook", "tlab s", "nbconvert s", "time ratio", "tlab bytes", "nbconvert bytes", "plotly.js+content", "size ratio"].join("\t"));
  for (const file of files) {
    const name = path.basename(file, ".ipynb");
    const ours: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t = Date.now();
      const r = spawnSync(process.execPath, [path.join(ROOT, "kernel-ext", "bin", "tlab.js"), "export", file, "--out", path.join(tmp, "tlab"), "--no-execute"], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`tlab export failed: ${r.stderr}`);
      ours.push((Date.now() - t) / 1000);
    }
    // in-process time too: what a handout set costs once the CLI has started
    const t0 = Date.now();
    await exportNotebooks([file], { out: path.join(tmp, "inproc"), execute: false });
    const inproc = (Date.now() - t0) / 1000;
    const ourBytes = fs.statSync(path.join(tmp, "tlab", `${name}.html`)).size;
    // content: the notebook's outputs and sources without the plotly.js copies it carries (the kernel
    // includes one with the first figure of each output set; JSON-escaped, so count them in the text)
    const nbText = fs.readFileSync(file, "utf8");
    const copies = nbText.split("* plotly.js v").length - 1;
    const escapedPlotly = JSON.stringify(fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8")).length - 2;
    const contentBytes = Math.max(0, Buffer.byteLength(nbText) - copies * escapedPlotly);
    let theirs = NaN;
    let theirBytes = NaN;
    if (jupyter) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = Date.now();
        const r = spawnSync(jupyter, ["nbconvert", "--to", "html", file, "--output-dir", path.join(tmp, "nbconvert")], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`nbconvert failed: ${r.stderr}`);
        times.push((Date.now() - t) / 1000);
      }
      theirs = median(times);
      theirBytes = fs.statSync(path.join(tmp, "nbconvert", `${name}.html`)).size;
    }
    const reference = plotlyBytes + contentBytes;
    console.log([
      name, median(ours).toFixed(2) + ` (${inproc.toFixed(2)} in-process)`, Number.isNaN(theirs) ? "n/a" : theirs.toFixed(2),
      Number.isNaN(theirs) ? "n/a" : (median(ours) / theirs).toFixed(2) + "×",
      ourBytes, Number.isNaN(theirBytes) ? "n/a" : theirBytes, reference, (ourBytes / reference).toFixed(3) + "×",
    ].join("\t"));
  }
  if (!jupyter) console.log("nbconvert not found (Debian: apt-get install jupyter-nbconvert): its columns are n/a");
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
