/** `tlab grade …`: the subcommands of the grading contract (docs/design.md, docs/grading.md); each takes --json. */
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";

export const GRADE_USAGE = `usage:
  tlab grade assign SOURCE.ipynb... --out DIR [--course NAME] [--no-kit]
             student editions and the course kit students install: the course's packages as
             tarballs (npm pack), a package.json on them and a README (--no-kit: notebooks + README)
  tlab grade validate STUDENT.ipynb [--timeout S]   run the visible tests; exit 1 if one fails
  tlab grade autograde --source SOURCE.ipynb [--source …] --submissions DIR --gradebook FILE.sqlite
             [--timeout S] [--notebook-timeout S] [--memory MB] [--workers N] [--student ID]
             [--roster FILE] [--force] [--integrity zero|warn] [--insecure] [--shard K/N]
             --shard K/N grades only the students whose id hashes to shard K of N, into its own gradebook
             refuses where student code cannot be isolated (root on Linux: own user, PID, network
             and mount namespaces); --insecure grades anyway and records the sandbox as off
  tlab grade override --gradebook F --student ID --cell GRADE_ID --score N [--comment TEXT] [--notebook NAME]
  tlab grade override --gradebook F --student ID --cell GRADE_ID --clear   the autograder's score again
  tlab grade feedback --gradebook FILE.sqlite --out DIR
             (graded notebooks: graded/<gradebook name>/<student>/<notebook>.ipynb beside the gradebook)
  tlab grade export --gradebook FILE.sqlite [--csv OUT.csv] [--gradescope OUT_DIR]
             [--hidden-visibility visible|hidden|after_due_date|after_published]   (of hidden tests; default visible)
  tlab grade slurm --source SOURCE.ipynb… --submissions DIR --shards N --out DIR [--cpus-per-task C]
             [--partition P] [--time T] [--mem M] [--workers N] [--timeout S] [--memory MB] [--roster F]
             [--insecure] [--tlab CMD]      a job array of N shards + a dependent merge job, and a README
  tlab grade k8s --source SOURCE.ipynb… --submissions DIR --shards N --out DIR [--image I] [--pvc CLAIM]
             [--mount /course] [--gradebooks DIR] [--namespace NS] [--cpu C] [--pod-memory M] [--workers N]
             [--timeout S] [--memory MB] [--roster F] [--tlab CMD]   Indexed Job + merge Job + NetworkPolicy
             + Dockerfile; --source/--submissions/--gradebooks are paths as the pods see them
  tlab grade gradescope-bundle --source SOURCE.ipynb… --out DIR [--hidden-visibility V] [--timeout S]
             [--memory MB] [--insecure] [--without-project]   setup.sh + run_autograder for Gradescope
  tlab grade merge --out ALL.sqlite SHARD.sqlite...   shard gradebooks into one; exit 1 when a conflict
             (a submission graded differently in two of them) was found: every version is kept
  every subcommand takes --json for machine-readable output`;

export class GradeUsageError extends Error {}



type Spec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

function parse(args: string[], options: Spec) {
  try {
    const r = parseArgs({ args, options: { ...options, json: { type: "boolean" } }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | string[] | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new GradeUsageError((e as Error).message);
  }
}

function need(v: unknown, flag: string): string {
  if (typeof v !== "string" || v === "") throw new GradeUsageError(`${flag} is required`);
  return v;
}

function num(v: unknown, flag: string, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new GradeUsageError(`${flag} must be a number ≥ ${min}, got "${v}"`);
  return n;
}

/** The flags every bundle (slurm, k8s) takes: the autograde of one shard, and where to write. */
const BUNDLE_FLAGS: Spec = {
  source: { type: "string", multiple: true },
  submissions: { type: "string" },
  shards: { type: "string" },
  out: { type: "string" },
  workers: { type: "string" },
  timeout: { type: "string" },
  memory: { type: "string" },
  roster: { type: "string" },
  insecure: { type: "boolean" },
  tlab: { type: "string" },
};

function bundleJob(values: Record<string, string | string[] | boolean | undefined>) {
  const sources = (values.source as string[] | undefined) ?? [];
  if (sources.length === 0) throw new GradeUsageError("--source is required");
  return {
    sources,
    submissions: need(values.submissions, "--submissions"),
    shards: num(need(values.shards, "--shards"), "--shards", 1)!,
    out: need(values.out, "--out"),
    workers: num(values.workers, "--workers", 1),
    timeoutSec: num(values.timeout, "--timeout"),
    memoryMb: num(values.memory, "--memory", 64),
    roster: values.roster as string | undefined,
    insecure: Boolean(values.insecure),
    tlab: values.tlab as string | undefined,
  };
}

/** A bad option found by a module (a --shard spec, a bundle's checkJob) is a usage error naming the argument. */
function bundleCall<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new GradeUsageError((e as Error).message);
  }
}

/** Gradescope's visibilities of a test (results.json), for --hidden-visibility. */
const VISIBILITIES = ["visible", "hidden", "after_due_date", "after_published"] as const;

function visibilityArg(v: unknown, fallback: (typeof VISIBILITIES)[number]): (typeof VISIBILITIES)[number] {
  if (v === undefined) return fallback;
  const found = VISIBILITIES.find((x) => x === v);
  if (!found) throw new GradeUsageError(`--hidden-visibility must be one of ${VISIBILITIES.join(", ")}, got "${v}"`);
  return found;
}

const out = (json: boolean, value: unknown, text: () => void) => (json ? console.log(JSON.stringify(value, null, 2)) : text());

const fmtTime = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`);

export async function gradeCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "assign": {
      const { values, positionals } = parse(rest, { out: { type: "string" }, course: { type: "string" }, "no-kit": { type: "boolean" } });
      if (positionals.length === 0) throw new GradeUsageError("grade assign needs at least one SOURCE.ipynb");
      const { assign } = await import("./assign");
      const dir = need(values.out, "--out");
      const kit = !values["no-kit"];
      if (kit && !values.json) console.log("tlab grade assign: packing the course kit (npm pack of transferlab, @transferlab/data, @transferlab/kernel-ext) …");
      const written = assign(positionals, dir, { kit, ...(typeof values.course === "string" ? { course: values.course } : {}) });
      out(Boolean(values.json), { written, readme: path.join(dir, "README.md") }, () => {
        for (const f of written) console.log(`tlab grade assign: ${f}`);
        console.log(`tlab grade assign: ${path.join(dir, "README.md")} tells students how to install${kit ? " the kit" : ""} and validate`);
      });
      return 0;
    }
    case "validate": {
      const { values, positionals } = parse(rest, { timeout: { type: "string" } });
      if (positionals.length !== 1) throw new GradeUsageError("grade validate takes one STUDENT.ipynb");
      const { validate } = await import("./validate");
      const v = await validate(positionals[0], num(values.timeout, "--timeout"));
      out(Boolean(values.json), v, () => {
        if (v.setup) console.log(`SETUP  ${v.setup}`);
        if (v.libraries) console.log(`NOTE   libraries: ${v.libraries}`);
        for (const e of v.errors) console.log(`ERROR  cell ${e.cell}${e.grade_id ? ` (${e.grade_id})` : ""}: ${e.code ? `${e.code} ` : ""}${e.message}\n${e.detail.split("\n").map((l) => `       ${l}`).join("\n")}`);
        for (const g of v.grades) {
          const pts = g.score === null ? `?/${g.max_score}` : `${g.score}/${g.max_score}`;
          console.log(`  ${g.status === "passed" ? "PASS" : g.status === "partial" ? "PART" : g.status === "manual" ? "HAND" : "FAIL"}  ${g.grade_id}  ${pts}${g.status === "passed" ? "" : `  ${g.message}`}`);
        }
        console.log(`${v.notebook}: ${v.score}/${v.max_score} points from the visible tests${v.passed ? "" : "; some tests fail"} (more tests are run when it is graded)`);
      });
      return v.passed ? 0 : 1;
    }
    case "autograde": {
      const { values } = parse(rest, {
        source: { type: "string", multiple: true },
        submissions: { type: "string" },
        gradebook: { type: "string" },
        timeout: { type: "string" },
        "notebook-timeout": { type: "string" },
        memory: { type: "string" },
        workers: { type: "string" },
        student: { type: "string" },
        roster: { type: "string" },
        force: { type: "boolean" },
        integrity: { type: "string" },
        insecure: { type: "boolean" },
        shard: { type: "string" },
      });
      const { parseShard } = await import("./shard");
      const shard = values.shard === undefined ? undefined : bundleCall(() => parseShard(values.shard as string));
      const integrity = (values.integrity as string | undefined) ?? "zero";
      if (integrity !== "zero" && integrity !== "warn") throw new GradeUsageError(`--integrity must be "zero" or "warn", got "${integrity}"`);
      const sources = (values.source as string[] | undefined) ?? [];
      if (sources.length === 0) throw new GradeUsageError("--source is required");
      const json = Boolean(values.json);
      const tty = process.stderr.isTTY && !json;
      const { autograde } = await import("./autograde");
      const warnings: string[] = [];
      const sourceChanged: Record<string, string[]> = {};
      const t0 = Date.now();
      const results = await autograde({
        sources,
        submissions: need(values.submissions, "--submissions"),
        gradebook: need(values.gradebook, "--gradebook"),
        timeoutSec: num(values.timeout, "--timeout"),
        notebookTimeoutSec: num(values["notebook-timeout"], "--notebook-timeout", 1),
        memoryMb: num(values.memory, "--memory", 64),
        workers: num(values.workers, "--workers", 1) ?? os.cpus().length,
        student: values.student as string | undefined,
        roster: values.roster as string | undefined,
        force: Boolean(values.force),
        insecure: Boolean(values.insecure),
        integrity,
        shard,
        onSourceChanged: (nb, ids) => void (sourceChanged[nb] = ids),
        onWarning: (m) => warnings.push(m) && !json && console.error(`tlab grade autograde: warning: ${m}`),
        onResult: (r) => {
          if (json) return;
          if (tty) process.stderr.write("\r\x1b[K");
          const flag = r.status === "ok" ? "" : `  [${r.status}]`;
          const why = r.message ? `  ${r.message}` : "";
          const overridden = r.overrides?.length ? `  (by hand: ${r.overrides.join(", ")})` : "";
          console.log(`${r.student}  ${r.notebook}  ${r.score}/${r.max_score}${flag}${overridden}${r.regraded ? `  (regraded: ${r.regraded})` : ""}${why}`);
        },
        onProgress: ({ done, total, etaSec }) => {
          if (json) return;
          const width = 30;
          const bar = "#".repeat(Math.round((done / total) * width)).padEnd(width, ".");
          const line = `[${bar}] ${done}/${total}  ETA ${etaSec === null ? "?" : fmtTime(etaSec)}`;
          if (tty) process.stderr.write(`\r\x1b[K${line}`);
          else if (done === total || done % 10 === 0) process.stderr.write(`${line}\n`);
        },
      });
      if (tty) process.stderr.write("\r\x1b[K");
      const graded = results.filter((r) => !r.skipped);
      const byStatus: Record<string, number> = {};
      for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const seconds = (Date.now() - t0) / 1000;
      const { isolation } = await import("./sandbox");
      const iso = isolation();
      const sandbox = { user: iso.user, pidNamespace: iso.pidNamespace, netNamespace: iso.netNamespace, mountNamespace: iso.mountNamespace, off: iso.off, insecure: Boolean(values.insecure) };
      const summary = { graded: graded.length, skipped: results.length - graded.length, byStatus, seconds, warnings, sandbox, sourceChanged };
      // --json: typed JSON (tampering and integrity as arrays, not the gradebook's JSON text)
      const typed = results.map((r) => ({ ...r, tampering: JSON.parse(r.tampering || "[]") as unknown[], integrity: r.integrity ? (JSON.parse(r.integrity) as unknown[]) : [] }));
      out(json, { summary, results: typed }, () => {
        for (const [nb, ids] of Object.entries(sourceChanged)) {
          console.log(`${nb}: the source changed after the release in cell(s) ${ids.join(", ")}: the new version was graded, no student blamed`);
        }
        const skipped = results.filter((r) => r.skipped);
        if (skipped.length) console.log(`${skipped.length} submission(s) already graded for the same source: kept (--force regrades)`);
        if (graded.length) {
          const on = [iso.user && "a user of its own", iso.pidNamespace && "a PID namespace", iso.netNamespace && "no network", iso.mountNamespace && "a file system of its own (no course folder)"].filter(Boolean);
          console.log(`sandbox: each kernel had ${on.length ? on.join(", ") : "no isolation beyond its own folder and environment"}${iso.off.length ? " (OFF in part, --insecure: see the warnings)" : ""}`);
          const flagged = results.filter((r) => r.integrity).length;
          if (flagged) console.log(`integrity: ${flagged} submission(s) use library functions their exercise forbids (${integrity === "zero" ? "their tests score 0" : "flagged only, --integrity warn"})`);
        }
        console.log(
          `tlab grade autograde: ${graded.length} graded, ${summary.skipped} kept, in ${fmtTime(seconds)}; ` +
            Object.entries(byStatus)
              .map(([k, n]) => `${n} ${k}`)
              .join(", "),
        );
      });
      return 0;
    }
    case "override": {
      const { values } = parse(rest, {
        gradebook: { type: "string" },
        student: { type: "string" },
        cell: { type: "string" },
        score: { type: "string" },
        comment: { type: "string" },
        notebook: { type: "string" },
        clear: { type: "boolean" },
      });
      const { Gradebook } = await import("./gradebook");
      const gb = new Gradebook(need(values.gradebook, "--gradebook"), { mustExist: true });
      try {
        const student = need(values.student, "--student");
        const cell = need(values.cell, "--cell");
        if (values.clear) {
          if (values.score !== undefined) throw new GradeUsageError("--clear takes no --score");
          const r = gb.clearOverride(student, cell, values.notebook as string | undefined);
          const sub = gb.submission(student, r.notebook)!;
          out(Boolean(values.json), { student, notebook: r.notebook, cell, cleared: true, total: sub.score, max_score: sub.max_score }, () =>
            console.log(`tlab grade override: ${student} ${r.notebook} ${cell}: override cleared, the autograder's score counts; total ${sub.score}/${sub.max_score}`),
          );
          return 0;
        }
        const score = num(need(values.score, "--score"), "--score")!;
        const r = gb.override(student, cell, score, (values.comment as string | undefined) ?? "", values.notebook as string | undefined);
        const sub = gb.submission(student, r.notebook)!;
        out(Boolean(values.json), { student, notebook: r.notebook, cell, score, total: sub.score, max_score: sub.max_score }, () =>
          console.log(`tlab grade override: ${student} ${r.notebook} ${cell} = ${score}/${r.max_score}; total ${sub.score}/${sub.max_score}`),
        );
      } finally {
        gb.close();
      }
      return 0;
    }
    case "export": {
      const { values } = parse(rest, { gradebook: { type: "string" }, csv: { type: "string" }, gradescope: { type: "string" }, "hidden-visibility": { type: "string" } });
      const visibility = visibilityArg(values["hidden-visibility"], "visible");
      if (!values.csv && !values.gradescope) throw new GradeUsageError("grade export needs --csv OUT.csv and/or --gradescope OUT_DIR");
      const { exportCsv, exportGradescope } = await import("./report");
      const { Gradebook } = await import("./gradebook");
      const gb = new Gradebook(need(values.gradebook, "--gradebook"), { mustExist: true });
      try {
        const written: string[] = [];
        if (values.csv) written.push(exportCsv(gb, values.csv as string));
        if (values.gradescope) written.push(...exportGradescope(gb, values.gradescope as string, visibility));
        out(Boolean(values.json), { written }, () => console.log(`tlab grade export: ${written.length} file(s): ${written.slice(0, 3).join(", ")}${written.length > 3 ? ", …" : ""}`));
      } finally {
        gb.close();
      }
      return 0;
    }
    case "feedback": {
      const { values } = parse(rest, { gradebook: { type: "string" }, submissions: { type: "string" }, out: { type: "string" } });
      const { feedback } = await import("./feedback");
      // (--submissions was needed before graded notebooks moved beside the gradebook: accepted, and said so)
      if (values.submissions !== undefined && !values.json) {
        console.error("tlab grade feedback: --submissions is no longer needed (the graded notebooks are read from graded/ beside the gradebook); ignored");
      }
      const pages = await feedback(need(values.gradebook, "--gradebook"), need(values.out, "--out"));
      out(Boolean(values.json), { pages }, () => console.log(`tlab grade feedback: ${pages.length} page(s) in ${values.out}`));
      return 0;
    }
    case "slurm": {
      const { values } = parse(rest, {
        ...BUNDLE_FLAGS,
        "cpus-per-task": { type: "string" },
        partition: { type: "string" },
        time: { type: "string" },
        mem: { type: "string" },
      });
      const { slurmBundle } = await import("./bundles/slurm");
      const written = bundleCall(() =>
        slurmBundle({
          ...bundleJob(values),
          cpusPerTask: num(values["cpus-per-task"], "--cpus-per-task", 1),
          partition: values.partition as string | undefined,
          time: values.time as string | undefined,
          mem: values.mem as string | undefined,
        }),
      );
      out(Boolean(values.json), { written }, () => console.log(`tlab grade slurm: ${written.join(", ")}\n  next: bash ${path.join(String(values.out), "submit.sh")} (see its README.md)`));
      return 0;
    }
    case "gradescope-bundle": {
      const { values } = parse(rest, {
        source: { type: "string", multiple: true },
        out: { type: "string" },
        "hidden-visibility": { type: "string" },
        timeout: { type: "string" },
        memory: { type: "string" },
        insecure: { type: "boolean" },
        "without-project": { type: "boolean" },
      });
      const { gradescopeBundle } = await import("./bundles/gradescope");
      const hidden = visibilityArg(values["hidden-visibility"], "after_published");
      const written = bundleCall(() =>
        gradescopeBundle({
          sources: (values.source as string[] | undefined) ?? [],
          out: need(values.out, "--out"),
          hiddenVisibility: hidden,
          timeoutSec: num(values.timeout, "--timeout"),
          memoryMb: num(values.memory, "--memory", 64),
          insecure: Boolean(values.insecure),
          includeProject: !values["without-project"],
        }),
      );
      out(Boolean(values.json), { written }, () => console.log(`tlab grade gradescope-bundle: ${written.length} file(s) in ${values.out} (see its README.md)`));
      return 0;
    }
    case "k8s": {
      const { values } = parse(rest, {
        ...BUNDLE_FLAGS,
        image: { type: "string" },
        pvc: { type: "string" },
        mount: { type: "string" },
        namespace: { type: "string" },
        cpu: { type: "string" },
        "pod-memory": { type: "string" },
        gradebooks: { type: "string" },
      });
      if (values.insecure) throw new GradeUsageError("grade k8s takes no --insecure: the pods always grade with it (a default pod refuses unshare), recording the pod's isolation");
      const { k8sBundle } = await import("./bundles/k8s");
      const written = bundleCall(() =>
        k8sBundle({
          ...bundleJob(values),
          image: values.image as string | undefined,
          pvc: values.pvc as string | undefined,
          mount: values.mount as string | undefined,
          namespace: values.namespace as string | undefined,
          cpu: values.cpu as string | undefined,
          memory: values["pod-memory"] as string | undefined,
          gradebooks: values.gradebooks as string | undefined,
        }),
      );
      out(Boolean(values.json), { written }, () => console.log(`tlab grade k8s: ${written.join(", ")}\n  next: see ${path.join(String(values.out), "README.md")}`));
      return 0;
    }
    case "merge": {
      const { values, positionals } = parse(rest, { out: { type: "string" } });
      if (positionals.length === 0) throw new GradeUsageError("grade merge needs at least one SHARD.sqlite (and --out ALL.sqlite)");
      const { mergeGradebooks } = await import("./merge");
      const r = mergeGradebooks(need(values.out, "--out"), positionals);
      out(Boolean(values.json), r, () => {
        for (const c of r.conflicts) console.log(`CONFLICT  ${c.student}  ${c.notebook}: ${c.message}`);
        if (r.missingShards.length) console.log(`tlab grade merge: warning: shard(s) ${r.missingShards.join(", ")} not merged yet`);
        console.log(
          `tlab grade merge: ${r.out}: ${r.submissions} submission(s) (${r.added} new) from ${r.inputs.length} gradebook(s)` +
            `${r.shards.length ? ` (shards ${r.shards.join(", ")})` : ""}, ${r.overrides} override(s) kept, ${r.conflicts.length} conflict(s)` +
            (r.conflicts.length ? " (every version kept in its merge_conflicts table)" : ""),
        );
      });
      // a conflict is for a person to look at: the merge is written, and the exit status says so
      return r.conflicts.length ? 1 : 0;
    }
    case undefined:
    case "--help":
    case "-h":
      console.log(GRADE_USAGE);
      return sub === undefined ? 2 : 0;
    default:
      throw new GradeUsageError(`unknown grade subcommand "${sub}"`);
  }
}
