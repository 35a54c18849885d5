import * as fs from "fs";
import * as path from "path";
import { autograde } from "../kernel-ext/grade/autograde";
import { releaseEdition } from "../kernel-ext/grade/assign";
import { gradeId } from "../kernel-ext/grade/checksum";
(async () => {
  const names = process.argv.slice(2);
  const tmp = fs.mkdtempSync("/tmp/gradeall-");
  const sources: string[] = [];
  for (const n of names) {
    const src = path.resolve("notebooks/exercises", `${n}.ipynb`);
    const nb = JSON.parse(fs.readFileSync(src, "utf8"));
    const rel = releaseEdition(nb, src);
    // the student hands in the instructor's solution cells
    const byId = new Map(nb.cells.map((c: any) => [gradeId(c), c]));
    for (const c of rel.cells) { const s: any = byId.get(gradeId(c)); if (s && s.metadata?.nbgrader?.solution) c.source = s.source; }
    fs.mkdirSync(path.join(tmp, "subs", "solver"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "subs", "solver", `${n}.ipynb`), JSON.stringify(rel));
    sources.push(src);
  }
  const t0 = Date.now();
  const r = await autograde({ sources, submissions: path.join(tmp, "subs"), gradebook: path.join(tmp, "gb.sqlite"), timeoutSec: 300, workers: 1 });
  for (const x of r) console.log(x.notebook, x.status, `${x.score}/${x.max_score}`, x.message.slice(0, 400));
  console.log("seconds", (Date.now() - t0) / 1000);
})();
