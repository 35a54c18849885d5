/**
 * How large a lecture notebook's run is, read from the environment (issue 15):
 * - `TL_QUICK=1`: the smallest setting that still shows each point (tests, CI; about a minute a notebook);
 * - `TL_FULL=1`: the papers' scale — all 12 Office-Caltech pairs, 5 seeds or more, the full label budgets,
 *   more epochs (`TL_FULL=1 npm start`; its running time is in docs/benchmarks.md);
 * - neither: the default of `npm start`, a few minutes a notebook on a laptop.
 * Every notebook picks its sizes with `bySetting`, so the three settings are written side by side.
 */
export type RunSetting = "quick" | "default" | "full";

/** This run's setting; TL_QUICK=1 together with TL_FULL=1 is an error (they contradict each other). */
export function runSetting(env: NodeJS.ProcessEnv = process.env): RunSetting {
  const quick = env.TL_QUICK === "1", full = env.TL_FULL === "1";
  if (quick && full) throw new Error("TL_QUICK=1 and TL_FULL=1 are both set: choose one (TL_QUICK for tests and CI, TL_FULL for the papers' scale)");
  return quick ? "quick" : full ? "full" : "default";
}

/** This run's value among three: `bySetting({ quick: [0], default: [0, 1, 2], full: [0, 1, 2, 3, 4] })`. */
export function bySetting<T>(values: Record<RunSetting, T>, setting: RunSetting = runSetting()): T {
  for (const k of ["quick", "default", "full"] as const) {
    if (!(k in values)) throw new Error(`bySetting: no value for the "${k}" setting (give quick, default and full)`);
  }
  return values[setting];
}

/** The 12 ordered pairs of Office-Caltech10's four domains, as the papers' tables list them (C→A first). */
export const OFFICE_CALTECH_PAIRS = ["CA", "CW", "CD", "AC", "AW", "AD", "WC", "WA", "WD", "DC", "DA", "DW"] as const;

