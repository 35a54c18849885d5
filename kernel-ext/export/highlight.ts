/** TypeScript highlighting at export time (highlight.js core with the one language notebooks use). */
import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import { escapeHtml } from "../display/html";

hljs.registerLanguage("typescript", typescript);

export function highlightTypeScript(code: string): string {
  try {
    return hljs.highlight(code, { language: "typescript", ignoreIllegals: true }).value;
  } catch {
    return escapeHtml(code);
  }
}
