/**
 * TL_QUICK / TL_FULL: the run's setting (kernel-ext/setting.ts), and every lecture notebook reading it through
 * runSetting, so that TL_FULL=1 changes what a notebook runs (issue 15) rather than only what `tlab start` prints.
 */
import * as fs from "fs";
import * as path from "path";
import { bySetting, runSetting } from "../../kernel-ext/setting";
import { ROOT } from "../helpers/notebooks";

test("runSetting reads TL_QUICK and TL_FULL; both at once is an error naming them", () => {
  expect(runSetting({})).toBe("default");
  expect(runSetting({ TL_QUICK: "1" })).toBe("quick");
  expect(runSetting({ TL_FULL: "1" })).toBe("full");
  expect(runSetting({ TL_FULL: "0" })).toBe("default");
  expect(() => runSetting({ TL_QUICK: "1", TL_FULL: "1" })).toThrow(/TL_QUICK=1 and TL_FULL=1/);
});

test("bySetting picks this run's value and wants all three", () => {
  const seeds = { quick: [0], default: [0, 1, 2], full: [0, 1, 2, 3, 4] };
  expect(bySetting(seeds, "full")).toEqual([0, 1, 2, 3, 4]);
  expect(bySetting(seeds, "quick")).toEqual([0]);
  expect(() => bySetting({ quick: 1, default: 2 } as unknown as Record<"quick" | "default" | "full", number>, "quick")).toThrow(/no value for the "full" setting/);
});

const code = (name: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", name), "utf8")).cells as { cell_type: string; source: string[] }[])
  .filter((c) => c.cell_type === "code").map((c) => c.source.join("")).join("\n");

test.each(fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^0[0-8]-.*\.ipynb$/.test(f)))("%s reads its setting with runSetting, and TL_FULL=1 changes what it runs", (name) => {
  const text = code(name);
  expect(text).toContain("runSetting()");
  expect(text).not.toMatch(/process\.env\.TL_(QUICK|FULL)/);
  expect(text).toMatch(/bySetting[<(]/);
  expect(text).toMatch(/full: /);
});
