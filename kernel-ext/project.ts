/** Paths of the transferlab project this package is installed in (the npm workspace root). */
import * as fs from "fs";
import * as path from "path";

const WORKSPACE_NAME = "transferlab-workspace";

/** The workspace root: the nearest parent of this module whose package.json is the transferlab workspace. */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === WORKSPACE_NAME) return dir;
    } catch {
      // not here: keep walking up
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`cannot find the transferlab project root above ${__dirname} (a package.json named "${WORKSPACE_NAME}")`);
}

/** The lecture notebooks (notebooks/NN-*.ipynb), in lecture order. */
export function lectureNotebooks(root = projectRoot()): string[] {
  const dir = path.join(root, "notebooks");
  return fs.readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
