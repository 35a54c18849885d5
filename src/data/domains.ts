/**
 * Loading a domain (one CSV of samples × features plus a label column) by data set id or by path.
 * Ids ("office_caltech10_surf/caltech10") resolve in the data package `@transferlab/data` (data/ of the
 * repository), found from this module's own location, so notebooks, tests and a user's project load the same
 * files whatever their working directory.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import * as tf from "../tf";
import { checkCsvOptions, CsvOptions, parseCsv } from "./csv";

export interface Domain {
  /** samples × features, float32 */
  X: tf.Tensor2D;
  /** class labels as written in the file */
  y: Int32Array;
  /** the file's base name without extension, e.g. "caltech10" */
  name: string;
  featureNames: string[];
  /** the file that was read (absolute; may end in .csv.gz) */
  path: string;
}

export type LoadOptions = CsvOptions;

const WORKSPACE_NAME = "transferlab-workspace";
/** the data package: data/ of this repository, installed next to transferlab in a user's project */
export const DATA_PACKAGE = "@transferlab/data";
let cachedDataDir: string | null = null;

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isWorkspaceRoot(dir: string): boolean {
  if (!isDir(path.join(dir, "data"))) return false;
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === WORKSPACE_NAME;
  } catch {
    return false;
  }
}

/** The transferlab workspace (this repository) above this module, or null when installed elsewhere. */
export function workspaceRoot(): string | null {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (isWorkspaceRoot(dir)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * The folder where results and saved networks go by default (`dist/` in it): the workspace root inside this
 * repository, else the working directory (a user's project).
 */
export function projectDir(): string {
  return workspaceRoot() ?? process.cwd();
}

/**
 * The data folder, in this order:
 * 1. $TRANSFERLAB_DATA when set;
 * 2. the `@transferlab/data` package as Node resolves it from here (installed next to transferlab, or linked
 *    into node_modules by the workspace);
 * 3. `data/` of the workspace above this module (a checkout whose node_modules lacks the link).
 */
export function dataDir(): string {
  const env = process.env.TRANSFERLAB_DATA;
  if (env) {
    const d = path.resolve(env);
    if (!isDir(d)) throw new Error(`TRANSFERLAB_DATA=${env} is not a directory`);
    return d;
  }
  if (cachedDataDir) return cachedDataDir;
  try {
    return (cachedDataDir = path.dirname(require.resolve(`${DATA_PACKAGE}/package.json`)));
  } catch {
    // not installed: try the workspace
  }
  const root = workspaceRoot();
  if (root) return (cachedDataDir = path.join(root, "data"));
  throw new Error(`cannot find the transferlab data: the package ${DATA_PACKAGE} is not installed ` +
    `(npm install ${DATA_PACKAGE}, or the .tgz that \`npm pack\` makes in data/ of the transferlab repository) ` +
    `and no parent of ${__dirname} is the transferlab workspace; or set TRANSFERLAB_DATA to the folder`);
}

const CSV_FILE = /^(.+)\.csv(\.gz)?$/;

/** Every data set id in the data folder ("folder/name" for data/folder/name.csv or .csv.gz), sorted. */
export function listDomains(): string[] {
  const root = dataDir();
  const ids = new Set<string>();
  for (const sub of fs.readdirSync(root).sort()) {
    const dir = path.join(root, sub);
    if (!isDir(dir)) continue;
    for (const f of fs.readdirSync(dir)) {
      const m = CSV_FILE.exec(f);
      if (m && isFile(path.join(dir, f))) ids.add(`${sub}/${m[1]}`);
    }
  }
  return [...ids].sort();
}

// "folder/name" or "folder/name.csv": letters, digits, _ . - only, not starting with a dot
const ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\/[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** A file, or the same with .gz appended when only the compressed copy is there. */
function existing(file: string): string | null {
  if (isFile(file)) return file;
  if (file.endsWith(".csv") && isFile(`${file}.gz`)) return `${file}.gz`;
  return null;
}

/** The file behind a data set id or a path; an id wins over a same-named relative path (write ./x/y to force a path). */
export function resolveDomain(idOrPath: string): string {
  if (typeof idOrPath !== "string" || idOrPath.trim() === "") {
    throw new Error(`loadDomain needs a data set id or a CSV path, got ${JSON.stringify(idOrPath)}`);
  }
  let root: string | null = null;
  let rootError = "";
  try {
    root = dataDir();
  } catch (e) {
    rootError = (e as Error).message;
  }
  if (root && ID.test(idOrPath)) {
    const stem = idOrPath.replace(/\.csv(\.gz)?$/, "");
    const found = existing(path.join(root, `${stem}.csv`));
    if (found) return found;
  }
  const asPath = path.resolve(idOrPath);
  const found = existing(asPath);
  if (found) return found;
  const ids = root ? listDomains() : [];
  throw new Error(`no data set "${idOrPath}": ` +
    (root ? `it is not an id in ${root}` : `the data folder is unknown (${rootError})`) +
    ` and there is no file ${asPath}${asPath.endsWith(".csv") ? " (nor .csv.gz)" : ""}. ` +
    (ids.length ? `Data set ids: ${ids.join(", ")}` : "No data set ids are available."));
}

/** The bytes of a CSV file, gunzipped when compressed (by its gzip magic number, whatever the extension). */
async function readCsvBytes(file: string): Promise<Buffer> {
  const raw = await fs.promises.readFile(file);
  return raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
}

/**
 * Loads one domain: a data set id such as "office_caltech10_surf/caltech10" (see `listDomains()`), or a path to a
 * CSV file (absolute or relative to the working directory; `.csv.gz` is read when only it exists).
 * The file has a header row and a `label` column (`{ labelColumn }` picks another); labels are kept as written.
 */
export async function loadDomain(idOrPath: string, options: LoadOptions = {}): Promise<Domain> {
  checkCsvOptions(options);
  const file = resolveDomain(idOrPath);
  const parsed = parseCsv(await readCsvBytes(file), file, options);
  return {
    X: tf.tensor2d(parsed.data, [parsed.rows, parsed.cols], "float32"),
    y: parsed.labels,
    name: path.basename(file).replace(/\.gz$/, "").replace(/\.[^.]*$/, ""),
    featureNames: parsed.featureNames,
    path: file,
  };
}
