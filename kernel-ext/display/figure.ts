/**
 * Plotly figures as HTML: a div and a `Plotly.newPlot` call, with plotly.js inlined in the first figure of
 * the kernel session so that figures draw offline (Notebook, JupyterLab, exported HTML). The
 * `application/vnd.plotly.v1+json` MIME type alone is dropped by nbconvert, so HTML is the primary part.
 */
import * as fs from "fs";
import { scriptJson } from "./html";
import { MimeBundle, newDisplayId } from "./sink";

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
let plotlyIncluded = false;

function plotlyScript(): string {
  if (plotlySource === null) {
    plotlySource = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  }
  return plotlySource;
}

/** Forget that plotly.js was sent (a new kernel session, or tests). */
export function resetPlotlyInclusion(): void {
  plotlyIncluded = false;
}

function figureTitle(fig: FigureSpec): string {
  const t = fig.layout?.title as string | { text?: string } | undefined;
  return typeof t === "string" ? t : t?.text ?? "";
}

/** The MIME bundle for a Plotly figure. */
export function figureBundle(fig: FigureSpec, options: { height?: number } = {}): MimeBundle {
  const id = newDisplayId("tl-fig");
  const layoutHeight = typeof fig.layout?.height === "number" ? (fig.layout.height as number) : undefined;
  const height = options.height ?? layoutHeight ?? 450;
  const layout = { ...(fig.layout ?? {}), height };
  const config = { responsive: true, displaylogo: false, ...(fig.config ?? {}) };
  const include = !plotlyIncluded;
  plotlyIncluded = true;
  // plotly.js sets window.Plotly; a figure drawn before the library finished loading waits for it briefly
  const draw =
    `(function(){var spec=${scriptJson({ data: fig.data, layout, config })};var tries=0;` +
    `function draw(){var el=document.getElementById(${JSON.stringify(id)});` +
    `if(window.Plotly&&el){window.Plotly.newPlot(el,spec.data,spec.layout,spec.config);}` +
    `else if(tries++<200){setTimeout(draw,50);}}draw();})();`;
  const html =
    (include ? `<script type="text/javascript">${plotlyScript()}</script>\n` : "") +
    `<div id="${id}" class="transferlab-figure" style="width:100%;height:${height}px;"></div>\n` +
    `<script type="text/javascript">${draw}</script>`;
  const title = figureTitle(fig);
  return {
    "text/html": html,
    "text/plain": `<Plotly figure${title ? `: ${title}` : ""}, ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}>`,
  };
}
