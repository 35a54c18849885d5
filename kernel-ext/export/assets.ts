/**
 * What a handout needs besides its content: plotly.js, KaTeX's style sheet and fonts, the code colours,
 * our own style sheet. `inline` puts them in the page (one self-contained file); `shared` writes them once
 * to DIR/assets/ for a whole handout set. All are read from the installed packages: nothing is fetched.
 */
import * as fs from "fs";
import * as path from "path";

export type AssetMode = "inline" | "shared";
export const ASSET_MODES: readonly AssetMode[] = ["inline", "shared"];

const cache = new Map<string, string>();
function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, "utf8");
    cache.set(file, text);
  }
  return text;
}

export function plotlyPath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

function katexDir(): string {
  return path.dirname(require.resolve("katex/dist/katex.min.css"));
}

/** KaTeX's CSS with only the woff2 fonts, either as data URIs or as paths under `fontBase`. */
export function katexCss(fontBase: string | null): string {
  const key = `katex:${fontBase}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const css = read(path.join(katexDir(), "katex.min.css")).replace(
    /src:url\(fonts\/([\w-]+)\.woff2\) format\("woff2"\)(,url\([^)]*\) format\("[\w]+"\))*/g,
    (_m, name: string) => {
      const url = fontBase === null
        ? `data:font/woff2;base64,${fs.readFileSync(path.join(katexDir(), "fonts", `${name}.woff2`)).toString("base64")}`
        : `${fontBase}/${name}.woff2`;
      return `src:url(${url}) format("woff2")`;
    },
  );
  cache.set(key, css);
  return css;
}

export function highlightCss(): string {
  return read(require.resolve("highlight.js/styles/github.min.css"));
}

/** Write the shared assets into `dir/assets/` (once per handout set); returns the relative paths. */
export function writeSharedAssets(dir: string): { plotly: string; katex: string; highlight: string } {
  const assets = path.join(dir, "assets");
  const fonts = path.join(assets, "katex-fonts");
  fs.mkdirSync(fonts, { recursive: true });
  const copy = (from: string, to: string) => {
    const tmp = `${to}.${process.pid}.tmp`;
    fs.copyFileSync(from, tmp);
    fs.renameSync(tmp, to);
  };
  copy(plotlyPath(), path.join(assets, "plotly.min.js"));
  for (const f of fs.readdirSync(path.join(katexDir(), "fonts"))) {
    if (f.endsWith(".woff2")) copy(path.join(katexDir(), "fonts", f), path.join(fonts, f));
  }
  const writeText = (name: string, text: string) => {
    const to = path.join(assets, name);
    fs.writeFileSync(`${to}.${process.pid}.tmp`, text);
    fs.renameSync(`${to}.${process.pid}.tmp`, to);
  };
  writeText("katex.css", katexCss("katex-fonts"));
  writeText("highlight.css", highlightCss());
  return { plotly: "assets/plotly.min.js", katex: "assets/katex.css", highlight: "assets/highlight.css" };
}

export function plotlySource(): string {
  return read(plotlyPath());
}

/** Our style sheet: readable lecture pages, callouts, folded code, print (A4). */
export const BASE_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --border:#d1d9e0; --code-bg:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin:0; color:var(--fg); font:16px/1.6 -apple-system,"Segoe UI","Noto Sans","TL Noto Sans SC","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif; }
.layout { display:flex; max-width:1400px; margin:0 auto; }
nav.toc { position:sticky; top:0; align-self:flex-start; width:270px; max-height:100vh; overflow:auto; padding:24px 16px; font-size:14px; border-right:1px solid var(--border); }
nav.toc ol { list-style:none; padding-left:0; margin:0; }
nav.toc ol ol { padding-left:14px; }
nav.toc a { color:var(--fg); text-decoration:none; display:block; padding:2px 0; }
nav.toc a:hover { color:var(--accent); }
nav.toc .toc-title { font-weight:600; margin-bottom:8px; }
main { flex:1; min-width:0; padding:24px 40px 40px; }
h1,h2,h3,h4 { line-height:1.25; margin-top:1.6em; }
h1 { font-size:2em; border-bottom:1px solid var(--border); padding-bottom:.3em; }
h2 { font-size:1.5em; border-bottom:1px solid var(--border); padding-bottom:.3em; }
.section-number { color:var(--muted); margin-right:.3em; }
a.anchor { visibility:hidden; text-decoration:none; color:var(--muted); font-size:.8em; }
h1:hover a.anchor,h2:hover a.anchor,h3:hover a.anchor,h4:hover a.anchor { visibility:visible; }
table { border-collapse:collapse; margin:1em 0; font-size:14px; }
th,td { border:1px solid var(--border); padding:4px 10px; }
th { background:var(--code-bg); }
code { font-size:.9em; }
/* "TL Noto Sans SC": the handout's own CJK glyphs (cjkfont.ts), for Chinese in code, outputs and formulas too */
code, pre, kbd, samp { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"TL Noto Sans SC",monospace; }
.katex .mord.text, .katex .text { font-family:KaTeX_Main,"Times New Roman","TL Noto Sans SC",serif; }
:not(pre) > code { background:var(--code-bg); padding:.1em .3em; border-radius:4px; }
.cell { margin:14px 0; }
.input { display:flex; gap:8px; }
.prompt { flex:0 0 64px; color:var(--muted); font:12px/1.9 ui-monospace,monospace; text-align:right; padding-top:10px; }
.input pre, .output pre { margin:0; }
.input pre code.hljs, .output pre code.hljs { padding:0; background:transparent; overflow:visible; }
.input pre { flex:1; min-width:0; background:var(--code-bg); border:1px solid var(--border); border-radius:6px; padding:10px 12px; overflow:auto; font-size:13px; line-height:1.45; }
.outputs { margin-left:72px; }
.output { margin:6px 0; overflow-x:auto; }
.output pre { font-size:13px; line-height:1.4; white-space:pre-wrap; word-break:break-word; }
.output.stderr pre { background:#fff8e6; border-left:3px solid #d4a72c; padding:6px 10px; }
.output.error pre { background:#ffebe9; border-left:3px solid #cf222e; padding:6px 10px; color:#82071e; }
.output.note { color:var(--muted); font-style:italic; font-size:14px; }
details.fold > summary { cursor:pointer; color:var(--muted); font-size:13px; margin:4px 0 4px 72px; }
figure.figure { margin:10px 0; }
figure.figure figcaption { color:var(--muted); font-size:14px; text-align:center; }
.callout { border-left:4px solid var(--accent); background:#f0f6fc; padding:8px 16px; margin:1em 0; border-radius:0 6px 6px 0; }
.callout-title { font-weight:600; margin:0 0 4px; }
.callout-tip { border-color:#1a7f37; background:#eefbf1; } .callout-important { border-color:#8250df; background:#f6f0ff; }
.callout-warning { border-color:#9a6700; background:#fff8c5; } .callout-caution { border-color:#cf222e; background:#ffebe9; }
blockquote:not(.callout) { color:var(--muted); border-left:4px solid var(--border); margin:1em 0; padding:0 1em; }
.solution { border:2px dashed #8250df; border-radius:8px; padding:2px 8px; }
.solution-badge { display:inline-block; background:#8250df; color:#fff; font-size:12px; border-radius:10px; padding:0 8px; margin-left:72px; }
.math-display { overflow-x:auto; overflow-y:hidden; }
footer.run-info { margin-top:40px; padding-top:12px; border-top:1px solid var(--border); color:var(--muted); font-size:13px; }
.index-table td, .index-table th { text-align:left; }
.status-ok { color:#1a7f37; } .status-failed { color:#cf222e; }
@media (max-width: 900px) { nav.toc { display:none; } main { padding:16px; } .outputs { margin-left:0; } .prompt { display:none; } }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  nav.toc { display:none; }
  main { padding:0; }
  .layout { display:block; }
  details.fold:not(.hidden-by-tag)::details-content { content-visibility: visible; display: block; }
  details.fold > summary { display:none; }
  figure.figure, table, .output.html { break-inside: avoid-page; }
  .input pre { white-space: pre-wrap; word-break: break-word; overflow: visible; }
  a.anchor { display:none; }
}
`;
