/**
 * Cross-person activity recognition data (WISDM v1.1 transformed features, data/har/README.md): one row per
 * 10-second accelerometer window, 43 features, the user who wore the phone and the activity. The per-user
 * split is what TransEMDT (Zhao et al. 2011) needs: a labelled source person, an unlabelled target person.
 *
 * The file is not a plain `loadDomain` CSV (the label is a word, a `user` column, `?` for missing values), so
 * it has its own small reader; every error names the file, line and column.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as tf from "../tf";
import { checkOptions } from "../options";
import { dataDir } from "./domains";
import { splitHeader } from "./csv";

/** The six activities, in the order of data/har/README.md; label k is HAR_ACTIVITIES[k]. */
export const HAR_ACTIVITIES = ["Walking", "Jogging", "Upstairs", "Downstairs", "Sitting", "Standing"] as const;

export interface HarData {
  /** windows × 43 features, float32; a missing value (`?` in the file) is NaN */
  X: tf.Tensor2D;
  /** activity index 0..5 (see `activities`) */
  y: Int32Array;
  /** the user (person) of each window, as in the file (1..36) */
  users: Int32Array;
  activities: string[];
  featureNames: string[];
  /** how many cells were missing (`?`) */
  missing: number;
  /** the file that was read */
  path: string;
  name: string;
}

export interface HarLoadOptions {
  /** a `?` cell: NaN in X (default; the tree routes it, `imputeMedian` fills it) or an error naming the cell */
  missing?: "nan" | "error";
}

const DEFAULT_HAR = "har/wisdm_v1.1";
const WISDM_FILE = "WISDM_ar_v1.1_transformed.csv";

/** The CSV behind an id ("har/wisdm_v1.1", a folder in data/) or a path to the CSV itself (.gz read too). */
function resolveHar(idOrPath: string): string {
  const candidates: string[] = [];
  if (/^[\w.-]+\/[\w.-]+$/.test(idOrPath)) {
    try {
      candidates.push(path.join(dataDir(), idOrPath, WISDM_FILE));
    } catch {
      /* no data folder: try it as a path below */
    }
  }
  const asPath = path.resolve(idOrPath);
  candidates.push(asPath, path.join(asPath, WISDM_FILE));
  for (const c of candidates) {
    for (const f of [c, `${c}.gz`]) {
      try {
        if (fs.statSync(f).isFile()) return f;
      } catch {
        /* next */
      }
    }
  }
  throw new Error(`loadHar: no WISDM file for "${idOrPath}": tried ${candidates.join(", ")} (and .gz); ` +
    `the default id is "${DEFAULT_HAR}" (data/har/wisdm_v1.1/${WISDM_FILE}.gz)`);
}

/**
 * Loads WISDM v1.1 (`loadHar()`), or another file in its format (header `UNIQUE_ID,user,<features>,class`).
 * Activities are coded 0..5 as in `HAR_ACTIVITIES`; an unknown activity, a non-numeric cell, a wrong number
 * of cells or (with `missing: "error"`) a `?` is an error naming file, line and column.
 */
export async function loadHar(idOrPath: string = DEFAULT_HAR, options: HarLoadOptions = {}): Promise<HarData> {
  const opts = checkOptions("loadHar", options, { missing: "nan" as "nan" | "error" });
  if (opts.missing !== "nan" && opts.missing !== "error") {
    throw new Error(`loadHar: option "missing" must be "nan" or "error", got ${JSON.stringify(opts.missing)}`);
  }
  const file = resolveHar(idOrPath);
  let raw = await fs.promises.readFile(file);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) raw = zlib.gunzipSync(raw);
  return parseHar(raw.toString("utf8"), file, opts.missing);
}

/** Parses the text of a WISDM-format CSV; `file` names the source in errors. */
export function parseHar(text: string, file = "<har>", missing: "nan" | "error" = "nan"): HarData {
  const lines = text.split("\n");
  const header = splitHeader((lines[0] ?? "").replace(/^\uFEFF/, "").replace(/\r$/, ""));
  const col = (name: string): number => {
    const i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0) throw new Error(`${file}: line 1 (header) has no "${name}" column; expected UNIQUE_ID,user,<43 features>,class`);
    return i;
  };
  const userCol = col("user");
  const classCol = col("class");
  const idCol = header.findIndex((h) => h.toLowerCase() === "unique_id");
  const featureCols = header.map((_, j) => j).filter((j) => j !== userCol && j !== classCol && j !== idCol);
  const d = featureCols.length;
  const activities = HAR_ACTIVITIES as readonly string[];
  const data: number[] = [];
  const y: number[] = [];
  const users: number[] = [];
  let missingCount = 0;
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li].replace(/\r$/, "");
    if (line.trim() === "") {
      if (lines.slice(li + 1).some((l) => l.trim() !== "")) throw new Error(`${file}: line ${li + 1} is blank but data follows`);
      break;
    }
    const cells = line.split(",");
    const where = (j: number) => `${file}: line ${li + 1}, column ${j + 1} ("${header[j]}")`;
    if (cells.length !== header.length) {
      throw new Error(`${file}: line ${li + 1} has ${cells.length} cells, expected ${header.length} (as many as the header's columns)`);
    }
    const activity = cells[classCol].trim();
    const k = activities.indexOf(activity);
    if (k < 0) throw new Error(`${where(classCol)}: unknown activity "${activity}"; expected one of ${activities.join(", ")}`);
    const user = Number(cells[userCol]);
    if (!Number.isInteger(user)) throw new Error(`${where(userCol)}: user "${cells[userCol]}" is not an integer id`);
    for (const j of featureCols) {
      const cell = cells[j].trim();
      if (cell === "?" || cell === "") {
        if (missing === "error") throw new Error(`${where(j)}: missing value (${cell === "" ? "empty cell" : '"?"'}); load with { missing: "nan" } to read it as NaN`);
        missingCount++;
        data.push(NaN);
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${where(j)}: "${cell}" is not a number`);
      data.push(v);
    }
    y.push(k);
    users.push(user);
  }
  if (y.length === 0) throw new Error(`${file}: the file has a header but no data rows`);
  return {
    X: tf.tensor2d(Float32Array.from(data), [y.length, d]),
    y: Int32Array.from(y),
    users: Int32Array.from(users),
    activities: [...activities],
    featureNames: featureCols.map((j) => header[j]),
    missing: missingCount,
    path: file,
    name: path.basename(file).replace(/\.gz$/, "").replace(/\.csv$/, ""),
  };
}

/** The users of `har`, ascending. */
export function harUsers(har: Pick<HarData, "users">): number[] {
  return [...new Set(har.users)].sort((a, b) => a - b);
}

/** Users with at least `minPerActivity` windows of every activity (data/har/README.md: 18 users at 1). */
export function usersWithAllActivities(har: Pick<HarData, "users" | "y" | "activities">, minPerActivity = 1): number[] {
  const counts = new Map<number, number[]>();
  har.users.forEach((u, i) => {
    const c = counts.get(u) ?? new Array(har.activities.length).fill(0);
    c[har.y[i]]++;
    counts.set(u, c);
  });
  return [...counts.entries()].filter(([, c]) => c.every((v) => v >= minPerActivity)).map(([u]) => u).sort((a, b) => a - b);
}

/** Row indices of the windows of `users` (one id or several); an id absent from the data is an error naming the file. */
export function userRows(har: Pick<HarData, "users" | "path">, users: number | number[]): Int32Array {
  const wanted = new Set(Array.isArray(users) ? users : [users]);
  const present = new Set(har.users);
  for (const u of wanted) {
    if (!present.has(u)) {
      const all = [...present].sort((a, b) => a - b);
      throw new Error(`user ${u} is not in ${har.path} (its users: ${all.length > 12 ? `${all[0]}..${all[all.length - 1]}, ${all.length} in all` : all.join(", ")})`);
    }
  }
  const rows: number[] = [];
  har.users.forEach((u, i) => {
    if (wanted.has(u)) rows.push(i);
  });
  return Int32Array.from(rows);
}

export interface PersonSplit {
  source: { X: tf.Tensor2D; y: Int32Array; users: number[] };
  target: { X: tf.Tensor2D; y: Int32Array; users: number[] };
}

/**
 * The cross-person setting: the target person's windows, and the source persons' (by default every other
 * user; the target is left out of `sourceUsers` when listed there, so one list serves a leave-one-user-out
 * loop). The caller disposes both tensors.
 */
export function splitByUser(har: HarData, target: number, sourceUsers?: number[]): PersonSplit {
  const sources = (sourceUsers ?? harUsers(har)).filter((u) => u !== target);
  if (sources.length === 0) throw new Error(`splitByUser: no source users left besides the target ${target}`);
  const t = userRows(har, target);
  const s = userRows(har, sources);
  const take = (rows: Int32Array) => tf.tidy(() => tf.gather(har.X, tf.tensor1d(rows, "int32")) as tf.Tensor2D);
  return {
    source: { X: take(s), y: Int32Array.from(s, (i) => har.y[i]), users: sources },
    target: { X: take(t), y: Int32Array.from(t, (i) => har.y[i]), users: [target] },
  };
}

/**
 * Fills NaN cells with a per-column median: of `X` itself, or `medians` given (e.g. the source's, to fill the
 * target alike). Returns the filled matrix (a new tensor) and the medians used. A column without any value is 0.
 */
export function imputeMedian(X: tf.Tensor2D, medians?: ArrayLike<number>): { X: tf.Tensor2D; medians: Float64Array } {
  const [n, d] = X.shape;
  const data = Float32Array.from(X.dataSync());
  let med: Float64Array;
  if (medians) {
    if (medians.length !== d) throw new Error(`imputeMedian: ${medians.length} medians for ${d} columns`);
    med = Float64Array.from(medians);
  } else {
    med = new Float64Array(d);
    const col: number[] = [];
    for (let j = 0; j < d; j++) {
      col.length = 0;
      for (let i = 0; i < n; i++) {
        const v = data[i * d + j];
        if (!Number.isNaN(v)) col.push(v);
      }
      col.sort((a, b) => a - b);
      med[j] = col.length === 0 ? 0 : col.length % 2 ? col[(col.length - 1) / 2] : (col[col.length / 2 - 1] + col[col.length / 2]) / 2;
    }
  }
  for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) data[i] = med[i % d];
  return { X: tf.tensor2d(data, [n, d]), medians: med };
}
