/**
 * Plotly figures as a MIME bundle:
 * - text/html: a div and a `Plotly.newPlot` call. plotly.js (4.9 MB) is inlined once per kernel session
 *   (or process): in its first figure, and again in the next figure when the kernel clears the output
 *   that carried it. Later figures wait for `window.Plotly`, so a saved notebook holds the library once,
 *   not once per figure cell. The trade-off: a front end that drops the carrying output (the cell cleared
 *   or re-run by hand) leaves later figures of the saved notebook static until they are re-run.
 *   Inside the div, a static description of the figure that the drawing replaces: a notebook opened
 *   untrusted (Jupyter strips scripts), rendered by a static site, or whose plotly.js never came shows
 *   what the figure is rather than an empty box.
 * - application/vnd.plotly.v1+json: the spec itself, for front ends with a Plotly renderer (nbconvert
 *   drops this type alone, so HTML stays the primary part).
 * - text/plain: one line naming the figure.
 */
import * as fs from "fs";
import { escapeHtml, scriptJson } from "./html";
import { MimeBundle, newDisplayId, outputSet } from "./sink";

export interface FigureSpec {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export function isFigureSpec(value: unknown): value is FigureSpec {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.data) && (v.layout === undefined || (v.layout !== null && typeof v.layout === "object"));
}

let plotlySource: string | null = null;
/**
 * Where the output set that carries plotly.js is kept (see outputSet; absent: not sent yet in this
 * session). On globalThis, so that the kernel can forget it when it clears that set's output, and so that
 * two copies of this module in one process still send the library once.
 */
export const PLOTLY_CARRIER = Symbol.for("transferlab.plotlyCarrier");
/** How long a figure without plotly.js waits for it before leaving its static description (ms). */
const WAIT_FOR_PLOTLY_MS = 20_000;

function plotlyScript(): string {
  if (plotlySource === null) {
    plotlySource = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/** Forget that plotly.js was sent (tests, or a caller starting a new document). */
export function resetPlotlyInclusion(): void {
  delete (globalThis as Record<symbol, unknown>)[PLOTLY_CARRIER];
}

function figureTitle(fig: FigureSpec): string {
  const t = fig.layout?.title as string | { text?: string } | undefined;
  return typeof t === "string" ? t : t?.text ?? "";
}

/**
 * A copy with every non-integer number to 6 significant digits (typed arrays as plain arrays): no figure can
 * show more, and a scatter of full doubles is twice the size in a saved notebook (where the spec is stored twice).
 */
function compact(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) || !Number.isFinite(value) ? value : +value.toPrecision(6);
  if (Array.isArray(value)) return value.map(compact);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, compact);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  return value;
}

/** The MIME bundle for a Plotly figure. */
export function figureBundle(fig: FigureSpec, options: { height?: number } = {}): MimeBundle {
  const id = newDisplayId("tl-fig");
  const layoutHeight = typeof fig.layout?.height === "number" ? (fig.layout.height as number) : undefined;
  const height = options.height ?? layoutHeight ?? 450;
  const layout = compact({ ...(fig.layout ?? {}), height }) as Record<string, unknown>;
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const data = compact(fig.data) as unknown[];
  const g = globalThis as Record<symbol, unknown>;
  // outside a kernel (null) the process is one output set
  const include = !(PLOTLY_CARRIER in g);
  if (include) g[PLOTLY_CARRIER] = outputSet();
  // plotly.js sets window.Plotly, in this output or in the session's first figure (which a reopened notebook
  // may render after this one): wait for it, and if it never comes say why the description stays
  const draw =
    `(function(){var spec=${scriptJson({ data, layout, config })};var tries=0;` +
    `function draw(){var el=document.getElementById(${JSON.stringify(id)});` +
    `if(window.Plotly&&el){el.innerHTML="";el.style.height=${JSON.stringify(`${height}px`)};` +
    `window.Plotly.newPlot(el,spec.data,spec.layout,spec.config);}` +
    `else if(tries++<${WAIT_FOR_PLOTLY_MS / 50}){setTimeout(draw,50);}` +
    `else if(el){var n=el.querySelector(".transferlab-figure-static small");` +
    `if(n)n.textContent=${JSON.stringify(NO_PLOTLY_NOTE)};}}draw();})();`;
  const title = figureTitle(fig);
  const html =
    (include ? `<script type="text/javascript">${plotlyScript()}</script>\n` : "") +
    `<div id="${id}" class="transferlab-figure" style="width:100%;">${staticDescription(fig, title)}</div>\n` +
    `<script type="text/javascript">${draw}</script>`;
  return {
    "text/html": html,
    "application/vnd.plotly.v1+json": { data, layout, config },
    "text/plain": `<Plotly figure${title ? `: ${title}` : ""}, ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}>`,
  };
}

const NO_PLOTLY_NOTE =
  "plotly.js did not load: it ships with the first figure of the kernel session, whose output was cleared. Re-run this cell to draw the figure.";

/** What the figure is, in HTML without scripts: its title, axes and traces (name, type, points). */
function staticDescription(fig: FigureSpec, title: string): string {
  const traces = fig.data.slice(0, 12).map((t) => {
    const trace = (t ?? {}) as Record<string, unknown>;
    const type = typeof trace.type === "string" ? trace.type : "scatter";
    const n = Array.isArray(trace.y) ? trace.y.length : Array.isArray(trace.x) ? trace.x.length : Array.isArray(trace.z) ? trace.z.length : undefined;
    const name = typeof trace.name === "string" && trace.name ? `${trace.name}: ` : "";
    return `<li>${escapeHtml(`${name}${type}${n === undefined ? "" : `, ${n} points`}`)}</li>`;
  });
  if (fig.data.length > 12) traces.push(`<li>… ${fig.data.length - 12} more</li>`);
  const axis = (key: string) => {
    const t = (fig.layout?.[key] as { title?: string | { text?: string } } | undefined)?.title;
    return typeof t === "string" ? t : t?.text ?? "";
  };
  const axes = [axis("xaxis"), axis("yaxis")].filter(Boolean);
  return (
    `<div class="transferlab-figure-static" style="border:1px dashed #bbb;padding:6px 10px;color:#555;font:13px sans-serif">` +
    `<b>${escapeHtml(title || "Plotly figure")}</b>` +
    (axes.length ? ` <span>(${escapeHtml(axes.join(" vs "))})</span>` : "") +
    `<ul style="margin:4px 0 4px 18px;padding:0">${traces.join("")}</ul>` +
    `<small>Interactive figure: drawn when the notebook is trusted or the cell is run.</small></div>`
  );
}
