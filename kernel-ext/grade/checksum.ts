/**
 * nbgrader's cell checksum (nbgrader/utils.py compute_checksum), so that notebooks released by nbgrader and
 * by us check each other: md5 over source, cell_type, str(is_grade), str(is_solution), str(is_locked),
 * grade_id and, for grade cells only, Python's str(float(points)).
 */
import { createHash } from "crypto";
import type { Cell } from "../notebook";
import { joinText } from "../notebook";
import { nbgraderMeta } from "../export/editions";

const py = (b: boolean) => (b ? "True" : "False");

/** Python's repr of a float: "1.0", "0.5", "1e-07", "1e+16" (two-digit exponents, ".0" on integers). */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mant, exp] = x.toExponential().split("e");
    const sign = exp[0] === "-" ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export const isGrade = (c: Cell) => Boolean(nbgraderMeta(c)?.grade);
export const isSolution = (c: Cell) => Boolean(nbgraderMeta(c)?.solution);
/** nbgrader: solution cells are never locked, grade cells always are, else the "locked" flag. */
export function isLocked(c: Cell): boolean {
  if (isSolution(c)) return false;
  if (isGrade(c)) return true;
  return Boolean(nbgraderMeta(c)?.locked);
}
export const gradeId = (c: Cell) => nbgraderMeta(c)?.grade_id ?? "";
export const points = (c: Cell) => Number(nbgraderMeta(c)?.points ?? 0);

export function computeChecksum(cell: Cell): string {
  const h = createHash("md5");
  h.update(joinText(cell.source), "utf8");
  h.update(cell.cell_type, "utf8");
  h.update(py(isGrade(cell)), "utf8");
  h.update(py(isSolution(cell)), "utf8");
  h.update(py(isLocked(cell)), "utf8");
  h.update(gradeId(cell), "utf8");
  if (isGrade(cell)) h.update(pythonFloat(points(cell)), "utf8");
  return h.digest("hex");
}
