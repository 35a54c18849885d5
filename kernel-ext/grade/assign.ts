/** `tlab grade assign`: the student edition of each source, with nbgrader checksums recorded. */
import * as fs from "fs";
import * as path from "path";
import type { Notebook } from "../notebook";
import { joinText, readNotebook, writeFileAtomic, writeNotebookAtomic } from "../notebook";
import { nbgraderMeta, studentEdition } from "../export/editions";
import { computeChecksum, gradeId, isGrade, isLocked, isSolution } from "./checksum";
import { studentReadme, writeKit } from "./kit";

/** Problems in an exercise source that would make grading ambiguous: missing or repeated grade ids. */
export function checkSource(nb: Notebook, file: string): void {
  const seen = new Set<string>();
  nb.cells.forEach((cell, i) => {
    const meta = nbgraderMeta(cell);
    if (!meta || !(meta.grade || meta.solution || meta.locked)) return;
    const id = meta.grade_id;
    if (!id) throw new Error(`${file}, cell ${i + 1}: an nbgrader cell needs a grade_id`);
    if (seen.has(id)) throw new Error(`${file}, cell ${i + 1}: grade_id "${id}" is used twice`);
    seen.add(id);
    if (meta.grade && !(Number(meta.points) >= 0)) throw new Error(`${file}, cell ${i + 1} ("${id}"): points must be a number ≥ 0, got ${JSON.stringify(meta.points)}`);
  });
  if (seen.size === 0) throw new Error(`${file}: no nbgrader cells (is this an exercise source?)`);
  // a student edition or a submission carries the release's checksums, and its answers are stubs: grading
  // against it would silently drop the hidden tests, and assigning it would wipe the signatures
  const released = nb.cells.filter((c) => nbgraderMeta(c)?.checksum !== undefined);
  if (released.length) {
    const regions = nb.cells.some((c) => isSolution(c) && /BEGIN SOLUTION/.test(joinText(c.source)));
    throw new Error(
      `${file}: this is a student edition or a submission, not the instructor's source: its cells carry the release's checksums` +
        `${regions ? "" : " and it has no solution regions (// BEGIN SOLUTION)"}; give the source notebook the release was made from`,
    );
  }
}

/** The student edition with checksums of every nbgrader cell, as nbgrader's generate_assignment. */
export function releaseEdition(nb: Notebook, file: string): Notebook {
  checkSource(nb, file);
  const student = studentEdition(nb, file);
  for (const cell of student.cells) {
    const meta = nbgraderMeta(cell);
    if (!meta || !gradeId(cell) || !(isGrade(cell) || isSolution(cell) || isLocked(cell))) continue;
    meta.checksum = computeChecksum(cell);
  }
  return student;
}

export interface AssignOptions {
  /** write the course kit (kit.ts: tarballs, package.json, README) beside the notebooks (default true) */
  kit?: boolean;
  /** names the kit's package (default: the release folder's name) */
  course?: string;
}

/**
 * The student editions of `sources` in `out`, with the course kit students install (kit.ts) or, with
 * `kit: false`, only a README. Nothing is left behind when a source is refused or packing fails.
 */
export function assign(sources: string[], out: string, options: AssignOptions = {}): string[] {
  // every edition first: a source that fails leaves no folder and no half release behind
  const editions = sources.map((src) => {
    const target = path.join(out, path.basename(src));
    if (path.resolve(target) === path.resolve(src)) throw new Error(`${src}: --out would overwrite the source; choose another folder`);
    return { target, nb: releaseEdition(readNotebook(src), src) };
  });
  const existed = fs.existsSync(out);
  fs.mkdirSync(out, { recursive: true });
  try {
    const written: string[] = [];
    for (const { target, nb } of editions) {
      writeNotebookAtomic(target, nb);
      written.push(target);
    }
    if (options.kit === false) writeFileAtomic(path.join(out, "README.md"), studentReadme());
    else {
      const kit = writeKit(out, options.course ?? path.basename(path.resolve(out)));
      written.push(...Object.values(kit.tarballs).map((t) => path.join(out, t)), path.join(out, "package.json"));
    }
    return written;
  } catch (e) {
    if (!existed) fs.rmSync(out, { recursive: true, force: true });
    throw e;
  }
}
