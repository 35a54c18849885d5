/// <reference path="../types/subset-font.d.ts" />
/**
 * Chinese that renders everywhere: a handout carries the glyphs of the CJK characters it uses, cut from
 * Noto Sans SC (@fontsource/noto-sans-sc, SIL OFL) with harfbuzz's subsetter (subset-font). A Linux
 * machine without CJK fonts (a TA's server printing `--pdf`) otherwise shows them as empty boxes.
 *
 * Fontsource splits the font into ~100 files by unicode-range; each file that holds characters of the
 * page is cut to exactly those characters and embedded as a data URI in its own @font-face, whose
 * unicode-range lists exactly those characters, all under one family name (EMBEDDED_CJK_FAMILY, named
 * in the style sheet's font stacks).
 */
import * as fs from "fs";
import * as path from "path";
import subsetFont from "subset-font";

export const EMBEDDED_CJK_FAMILY = "TL Noto Sans SC";

/** Han ideographs, CJK punctuation and symbols, fullwidth forms, CJK compatibility forms. */
const CJK = /[\p{Script=Han}\u2e80-\u2fdf\u3000-\u303f\u3200-\u33ff\ufe30-\ufe4f\uff00-\uffef]/u;

interface FontFile {
  file: string;
  ranges: Array<[number, number]>;
}

let fontFiles: FontFile[] | null = null;

function fontsourceDir(): string {
  return path.dirname(require.resolve("@fontsource/noto-sans-sc/package.json"));
}

/** The regular weight's files and their unicode-ranges, read from Fontsource's own 400.css. */
function regularFiles(): FontFile[] {
  if (fontFiles) return fontFiles;
  const css = fs.readFileSync(path.join(fontsourceDir(), "400.css"), "utf8");
  fontFiles = [...css.matchAll(/url\(\.\/files\/([\w.-]+\.woff2)\)[^;]*;\s*unicode-range:\s*([^;]+);/g)].map((m) => ({
    file: m[1],
    ranges: m[2].split(",").map((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
      return [parseInt(a, 16), parseInt(b ?? a, 16)] as [number, number];
    }),
  }));
  if (fontFiles.length === 0) throw new Error(`@fontsource/noto-sans-sc: no @font-face with a unicode-range in ${path.join(fontsourceDir(), "400.css")}`);
  return fontFiles;
}

/** The distinct CJK characters of `text`, in code point order. */
export function cjkCharacters(text: string): string[] {
  const seen = new Set<string>();
  for (const ch of text) if (CJK.test(ch)) seen.add(ch);
  return [...seen].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

export interface EmbeddedFont {
  /** @font-face rules with the subsets as data URIs ("" when the text has no CJK character) */
  css: string;
  characters: number;
  /** bytes of the font data (woff2) and of the style sheet that carries it (base64) */
  fontBytes: number;
  cssBytes: number;
  /** characters no file of the font holds (they fall back to the reader's fonts) */
  missing: string[];
}

/** The @font-face rules that carry exactly the CJK characters of `text`. */
export async function embeddedCjkFont(text: string): Promise<EmbeddedFont> {
  const chars = cjkCharacters(text);
  const byFile = new Map<string, string[]>();
  const missing: string[] = [];
  for (const ch of chars) {
    const cp = ch.codePointAt(0)!;
    const f = regularFiles().find((x) => x.ranges.some(([a, b]) => cp >= a && cp <= b));
    if (!f) missing.push(ch);
    else byFile.set(f.file, [...(byFile.get(f.file) ?? []), ch]);
  }
  const rules: string[] = [];
  let fontBytes = 0;
  for (const [file, group] of byFile) {
    const source = fs.readFileSync(path.join(fontsourceDir(), "files", file));
    // hinting is for small sizes on old rasterisers; without it the subsets are about a third smaller
    const woff2 = await subsetFont(source, group.join(""), { targetFormat: "woff2", noHinting: true });
    fontBytes += woff2.length;
    const range = group.map((c) => `U+${c.codePointAt(0)!.toString(16)}`).join(",");
    rules.push(`@font-face{font-family:"${EMBEDDED_CJK_FAMILY}";font-style:normal;font-weight:400;font-display:block;` +
      `src:url(data:font/woff2;base64,${woff2.toString("base64")}) format("woff2");unicode-range:${range};}`);
  }
  const css = rules.join("\n");
  return { css, characters: chars.length, fontBytes, cssBytes: Buffer.byteLength(css), missing };
}

/**
 * A handout page with its CJK glyphs embedded: the characters of its body (text, outputs, figure specs)
 * are found, and their font goes into a <style> in the head. Returns the page and what was added.
 */
export async function withEmbeddedCjkFont(html: string): Promise<{ html: string; font: EmbeddedFont }> {
  const body = html.slice(Math.max(0, html.indexOf("<body")));
  const font = await embeddedCjkFont(body);
  if (!font.css) return { html, font };
  const at = html.indexOf("</head>");
  if (at < 0) throw new Error("withEmbeddedCjkFont: the page has no </head>");
  return { html: `${html.slice(0, at)}<style>${font.css}</style>\n${html.slice(at)}`, font };
}
