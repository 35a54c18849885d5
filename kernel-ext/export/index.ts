/** Notebook → HTML handouts (`tlab export`). */
export { exportNotebooks, handoutNames, loadNotebookChecked, chromiumPath, ExportOptions, ExportedHandout } from "./exporter";
export { renderHandout, HandoutOptions, Handout, CodeMode, CODE_MODES } from "./handout";
export { studentEdition, stripSolutions, stripHiddenTests, revealsSolution, nbgraderMeta, checkEdition, Edition, EDITIONS } from "./editions";
export { renderMarkdown, newMarkdownEnv, slugify, MarkdownEnv, Heading } from "./markdown";
export { AssetMode, ASSET_MODES, writeSharedAssets } from "./assets";
export { embeddedCjkFont, withEmbeddedCjkFont, cjkCharacters, EmbeddedFont, EMBEDDED_CJK_FAMILY } from "./cjkfont";
