/**
 * notebooks/09-summary.ipynb reads the headline numbers other notebooks saved: run 00 and 01 (quick) into a
 * results folder, add a stale 02 file, leave the rest missing, and check what 09 shows.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNotebook } from "../../kernel-ext/run";
import { readNotebook } from "../../kernel-ext/notebook";
import { ROOT, runLecture } from "../helpers/notebooks";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-summary-nb-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** every text output of the executed notebook, joined */
function outputText(file: string): string {
  return readNotebook(file).cells.flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .map((o) => {
      const out = o as { text?: string | string[]; data?: Record<string, unknown> };
      const t = out.text ?? out.data?.["text/html"] ?? out.data?.["text/plain"] ?? "";
      return Array.isArray(t) ? t.join("") : String(t);
    }).join("\n")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

test("09-summary shows the saved numbers, a not-run line for a missing notebook and a note for a stale file", async () => {
  const intro = await runLecture("00-introduction", tmp, 200);
  await runLecture("01-concepts", tmp, 200);
  const results = path.join(tmp, "results");
  fs.writeFileSync(path.join(results, "02-instance-based.json"), JSON.stringify({ notebook: "02-instance-based", date: new Date().toISOString(), quick: true }));
  const run = await runNotebook(path.join(ROOT, "notebooks", "09-summary.ipynb"), { out: path.join(tmp, "summary"), timeoutSec: 120, env: { TL_RESULTS_DIR: results } });
  if (run.failure) throw new Error(run.failure.message + "\n" + run.failure.error);
  const text = outputText(run.output);
  // the numbers of 00, as 09 formats them (percent, one decimal)
  const pc = (v: number) => `${(100 * v).toFixed(1)} %`;
  expect(text).toContain(`i.i.d. test ${pc(intro.saved.iidAccuracy)} → shifted test ${pc(intro.saved.shiftedAccuracy)}`);
  expect(text).toContain(`target-only ${pc(intro.saved.targetOnly[0])}, source + target ${pc(intro.saved.pooled[0])}`);
  expect(text).toContain("(quick setting)");
  // missing notebooks: the not-run line, never a number
  expect(text).toContain("not run yet: run npm start or the notebook notebooks/06-deep-transferability.ipynb");
  expect(text).toContain("not run yet: run npm start or the notebook notebooks/08-negative-transfer.ipynb");
  // a result file without the fields 09 reads
  expect(text).toMatch(/02-instance-based\.json has no "kmmRegression\.unweighted\.mean"/);
  const saved = JSON.parse(fs.readFileSync(path.join(results, "09-summary.json"), "utf8"));
  expect(saved.present).toEqual(["00-introduction", "01-concepts", "02-instance-based"]);
  expect(saved.missing).toEqual(["03-feature-based", "04-model-based", "05-relation-based", "06-deep-transferability", "07-finetuning-vs-linear-probing", "08-negative-transfer"]);
}, 400_000);
