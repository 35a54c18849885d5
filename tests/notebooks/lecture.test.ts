/**
 * The lecture notebooks, executed end to end through the headless runner (TL_QUICK=1), with assertions on
 * the numbers they compute and save — not only that they ran.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { figures, runLecture, expectSmallWhenSaved } from "../helpers/notebooks";

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-lecture-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (name: string) => runLecture(name, tmp);

test("00-introduction: the shifted test costs accuracy, and source labels help most when target labels are few", async () => {
  const { result, nb, saved } = await run("00-introduction");
  expect(result.status).toBe("ok");
  expect(result.backend).toBe("wasm");
  expect(saved.quick).toBe(true);
  // the i.i.d. test beats the shifted target by a clear margin
  expect(saved.iidAccuracy - saved.shiftedAccuracy).toBeGreaterThan(0.03);
  // with 1 label per class, pooling the source wins by far; with 10 the gap has shrunk
  const gain = saved.pooled.map((p: number, i: number) => p - saved.targetOnly[i]);
  expect(gain[0]).toBeGreaterThan(0.15);
  expect(gain[gain.length - 1]).toBeLessThan(gain[0]);
  // target-only improves with more labels
  expect(saved.targetOnly[3]).toBeGreaterThan(saved.targetOnly[0]);
  // the source-only logistic regression on C→A (a peer library reports 53.12 %)
  expect(saved.sourceOnly[0]).toBeGreaterThan(0.5);
  expect(figures(nb)).toHaveLength(3);
  // plotly.js travels once per kernel session: with the notebook's first figure only
  const html = nb.cells
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .map((o) => String((o as { data?: Record<string, unknown> }).data?.["text/html"] ?? ""))
    .filter((h) => h.includes("Plotly.newPlot"));
  expect(html.map((h) => h.includes("window.Plotly = Plotly"))).toEqual(html.map((_, i) => i === 0));
  expectSmallWhenSaved(result.output);
});

test("01-concepts: each shift is generated and measured, conditional shift invisible to marginal distances", async () => {
  const { result, nb, saved } = await run("01-concepts");
  expect(result.status).toBe("ok");
  const byShift = Object.fromEntries(saved.shifts.map((r: Record<string, number | string>) => [r.shift, r]));
  const cov = byShift["covariate (marginal) shift"];
  const cond = byShift["conditional shift"];
  const label = byShift["label (prior) shift"];
  expect(cov["MMD²"]).toBeGreaterThan(0.05);
  expect(label["MMD²"]).toBeGreaterThan(0.05);
  // same P(X): MMD ≈ 0 and a linear domain classifier is near chance …
  expect(Math.abs(cond["MMD²"])).toBeLessThan(0.01);
  expect(cond["proxy A-distance"]).toBeLessThan(0.3);
  // … yet the source classifier loses accuracy on the target
  expect(cond["source classifier on source (%)"] - cond["… on target (%)"]).toBeGreaterThan(15);
  // Office-Caltech10: DSLR and webcam are the closest pair; the diagonal (halves of one domain) is the smallest
  const { domains, matrix } = saved.officeCaltechMMD;
  const d = domains.indexOf("dslr"), w = domains.indexOf("webcam");
  const off = [] as number[];
  for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) off.push(matrix[i][j]);
  expect(matrix[d][w]).toBe(Math.min(...off));
  for (let i = 0; i < 4; i++) expect(matrix[i][i]).toBeLessThan(Math.min(...off));
  expect(figures(nb).length).toBeGreaterThanOrEqual(7);
  expectSmallWhenSaved(result.output);
});
