/** Cap each cell's outputs: a 100 MB print must not become a 100 MB graded notebook or feedback page. */
import type { Notebook, Output } from "../notebook";
import { joinText } from "../notebook";

export function capOutputs(nb: Notebook, maxBytes: number): number {
  let truncated = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    let budget = maxBytes;
    const kept: Output[] = [];
    let dropped = 0;
    for (const o of cell.outputs) {
      const size = Buffer.byteLength(JSON.stringify(o));
      if (size <= budget) {
        kept.push(o);
        budget -= size;
        continue;
      }
      dropped += size;
      if (o.output_type === "stream" && budget > 0) {
        const text = joinText(o.text);
        kept.push({ ...o, text: text.slice(0, Math.floor(budget / 2)) });
        budget = 0;
      }
    }
    if (dropped > 0) {
      truncated++;
      kept.push({ output_type: "stream", name: "stderr", text: `\n[tlab grade: output truncated: ${(dropped / 1048576).toFixed(1)} MB over the ${(maxBytes / 1024).toFixed(0)} KB limit per cell]\n` });
      cell.outputs = kept;
    }
  }
  return truncated;
}
