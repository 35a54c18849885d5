/**
 * The `tlab` command (docs/design.md's command-line contract): kernel install/uninstall, run, start.
 * run/ and kernel/ load zeromq's native addon, so they are required lazily, per command.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

const USAGE = `usage:
  tlab kernel install [--user | --prefix P]     register the Jupyter kernelspec "transferlab"
  tlab kernel uninstall [--user | --prefix P]   remove it
  tlab run NOTEBOOK... [--out DIR] [--timeout S] [--allow-errors] [--quiet]
                                                execute notebooks headlessly (S seconds per cell, default 600)
  tlab export NOTEBOOK... --out DIR [--edition student|instructor] [--assets inline|shared]
             [--code show|fold|hide] [--no-execute] [--timeout S] [--pdf]
                                                HTML handouts (executed first unless --no-execute)
  tlab start [--timeout S]                      execute every lecture notebook into dist/ and write
                                                the handouts to dist/handouts (what npm start runs)
  tlab grade assign|validate|autograde|override|feedback|export …
                                                grade exercise notebooks (tlab grade --help)
  tlab grade merge|slurm|k8s|gradescope-bundle …  a class in shards: merge them; Slurm, Kubernetes
                                                and Gradescope bundles (docs/grading.md)
  tlab --help | --version`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    fail((e as Error).message);
  }
}

function parseTimeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (!Number.isFinite(s) || s < 0) fail(`--timeout must be a number of seconds ≥ 0 (0 = no limit), got "${value}"`);
  return s;
}

async function kernelCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parse(rest, { user: { type: "boolean" }, prefix: { type: "string" } });
  const kernel = await import("./kernel");
  const opts = { user: Boolean(values.user), prefix: values.prefix as string | undefined };
  if (action === "install") {
    const dir = kernel.installKernelspec(opts);
    console.log(`installed kernelspec "${kernel.KERNEL_NAME}" (${kernel.DISPLAY_NAME}) in ${dir}`);
    console.log(
      `it runs the transferlab kernel ${kernel.kernelExtVersion()} (TypeScript ${kernel.typescriptVersion()} with tslab ${kernel.tslabVersion()}'s compiler, ` +
        `Node.js ${process.version}) from ${kernel.kernelMain()}`,
    );
    return 0;
  }
  if (action === "uninstall") {
    const r = kernel.uninstallKernelspec(opts);
    console.log(r.removed ? `removed kernelspec "${kernel.KERNEL_NAME}" from ${r.path}` : `no kernelspec "${kernel.KERNEL_NAME}" at ${r.path}: nothing to remove`);
    return 0;
  }
  fail(`tlab kernel: expected "install" or "uninstall", got ${action === undefined ? "nothing" : `"${action}"`}`);
}

function formatLine(name: string, ran: number, total: number, seconds: number, backend: string | undefined, status: string): string {
  const cells = ran === total ? String(total) : `${ran}/${total}`;
  return `${name.padEnd(36)} ${cells.padStart(5)} cells ${seconds.toFixed(1).padStart(7)} s  ${(backend ?? "-").padEnd(10)} ${status}`;
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: "string" },
    timeout: { type: "string" },
    "allow-errors": { type: "boolean" },
    quiet: { type: "boolean" },
  });
  if (positionals.length === 0) fail("tlab run: name at least one notebook (.ipynb)");
  for (const nb of positionals) {
    if (!fs.existsSync(nb)) fail(`tlab run: ${nb}: no such file`);
    if (!nb.endsWith(".ipynb")) fail(`tlab run: ${nb}: not a notebook (.ipynb)`);
  }
  const out = values.out ? path.resolve(values.out as string) : undefined;
  const results = await runAll(positionals.map((p) => path.resolve(p)), {
    out,
    timeoutSec: parseTimeout(values.timeout),
    allowErrors: Boolean(values["allow-errors"]),
    verbose: !values.quiet,
  });
  return results.every((r) => r.status === "ok") ? 0 : 1;
}

interface RunAllOptions {
  out?: string;
  timeoutSec?: number;
  allowErrors?: boolean;
  verbose?: boolean;
}

async function runAll(notebooks: string[], options: RunAllOptions) {
  const { runNotebook } = await import("./run");
  const { readNotebook } = await import("./notebook");
  if (options.out) fs.mkdirSync(options.out, { recursive: true });
  const results = [];
  for (const nb of notebooks) {
    const name = path.basename(nb, ".ipynb");
    const date = new Date().toISOString();
    const result = await runNotebook(nb, {
      out: options.out,
      timeoutSec: options.timeoutSec,
      allowErrors: options.allowErrors,
      onCell: options.verbose
        ? (info) => {
            // progress on stderr so that stdout keeps one line per notebook
            if (info.phase === "done") {
              process.stderr.write(`  ${name}: cell ${info.number} (${info.codeIndex + 1}/${info.codeCount}) ${info.status} ${info.seconds?.toFixed(1)} s\n`);
            }
          }
        : undefined,
    });
    const total = readNotebook(nb).cells.filter((c) => c.cell_type === "code").length;
    console.log(formatLine(name, result.cells.length, total, result.seconds, result.backend, result.status === "ok" ? "ok" : "FAILED"));
    for (const e of result.errors) console.error(`  error: ${e.message}`);
    if (result.failure) console.error(`tlab: ${result.failure.message}\n  (executed copy with the error written to ${result.output})`);
    results.push({ ...result, date });
  }
  return results;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: "string" },
    edition: { type: "string" },
    assets: { type: "string" },
    code: { type: "string" },
    "no-execute": { type: "boolean" },
    timeout: { type: "string" },
    pdf: { type: "boolean" },
  });
  if (positionals.length === 0) fail("tlab export: name at least one notebook (.ipynb)");
  if (!values.out) fail("tlab export: --out DIR is required (the folder for the handouts; created if missing)");
  for (const nb of positionals) {
    if (!fs.existsSync(nb)) fail(`tlab export: ${nb}: no such file`);
    if (!nb.endsWith(".ipynb")) fail(`tlab export: ${nb}: not a notebook (.ipynb)`);
  }
  const ex = await import("./export");
  const edition = values.edition === undefined ? undefined : (() => { try { return ex.checkEdition(values.edition); } catch (e) { fail((e as Error).message); } })();
  if (values.assets !== undefined && !ex.ASSET_MODES.includes(values.assets as never)) fail(`--assets must be one of ${ex.ASSET_MODES.join(", ")}, got "${values.assets}"`);
  if (values.code !== undefined && !ex.CODE_MODES.includes(values.code as never)) fail(`--code must be one of ${ex.CODE_MODES.join(", ")}, got "${values.code}"`);
  const results = await ex.exportNotebooks(positionals.map((p) => path.resolve(p)), {
    out: values.out as string,
    edition,
    assets: values.assets as "inline" | "shared" | undefined,
    code: values.code as "show" | "fold" | "hide" | undefined,
    execute: !values["no-execute"],
    timeoutSec: parseTimeout(values.timeout),
    pdf: Boolean(values.pdf),
    onNotebook: (h) => {
      console.log(`${h.name.padEnd(40)} ${h.error ? "FAILED" : "ok"}  ${h.figures} figures, ${h.formulas} formulas, ${h.exportSeconds.toFixed(2)} s`);
      for (const w of h.warnings) console.error(`  warning: ${w}`);
      if (h.error) console.error(`  error: ${h.error}`);
    },
  });
  return results.every((r) => !r.error) ? 0 : 1;
}

/** `npm start`: every lecture notebook executed into dist/notebooks, a JSON summary beside them. */
async function startCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { timeout: { type: "string" } });
  const { projectRoot, lectureNotebooks } = await import("./project");
  const { writeFileAtomic } = await import("./notebook");
  const root = projectRoot();
  const dist = path.join(root, "dist");
  const notebooks = lectureNotebooks(root);
  const started = Date.now();
  const { runSetting } = await import("./setting");
  const setting = runSetting(); // TL_QUICK=1 with TL_FULL=1 is refused here, before any kernel starts
  console.log(`tlab start: executing ${notebooks.length} lecture notebooks into ${path.relative(process.cwd(), dist) || dist}/notebooks` +
    (setting === "quick" ? " (TL_QUICK=1)" : setting === "full" ? " (TL_FULL=1: the papers' scale, an hour or more on 2 cores)" : ""));
  // the full setting trains for longer than the default 10 minutes a notebook allows
  const timeoutSec = parseTimeout(values.timeout) ?? (setting === "full" ? 3 * 3600 : 600);
  const results = await runAll(notebooks, { out: path.join(dist, "notebooks"), timeoutSec, verbose: false });
  const summary = {
    date: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    quick: setting === "quick",
    full: setting === "full",
    notebooks: results.map((r) => ({
      name: path.basename(r.notebook, ".ipynb"),
      notebook: path.relative(root, r.notebook),
      executed: path.relative(root, r.output),
      status: r.status,
      date: r.date,
      seconds: r.seconds,
      kernel: r.kernel,
      backend: r.backend ?? null,
      cells: r.cells,
      errors: r.errors.map((e) => e.message),
    })),
  };
  const file = path.join(dist, "summary.json");
  writeFileAtomic(file, JSON.stringify(summary, null, 2) + "\n");
  // the handouts, from the executed copies (no second run), plotly.js and KaTeX once in dist/handouts/assets
  const { exportNotebooks } = await import("./export");
  const handouts = await exportNotebooks(results.map((r) => r.output), { out: path.join(dist, "handouts"), execute: false, assets: "shared", index: true });
  for (const h of handouts) if (h.error) console.error(`tlab start: handout ${h.name}: ${h.error}`);
  console.log(`tlab start: ${handouts.filter((h) => !h.error).length} handouts in ${path.relative(process.cwd(), path.join(dist, "handouts")) || "dist/handouts"}/ (open index.html)`);
  const failed = results.filter((r) => r.status !== "ok").length;
  console.log(`tlab start: ${results.length - failed}/${results.length} notebooks ok in ${summary.seconds.toFixed(1)} s; summary in ${path.relative(process.cwd(), file)}`);
  return failed === 0 ? 0 : 1;
}

/** `tlab grade …` (grade/cli.ts); its usage errors print its own usage. */
async function gradeCommand(args: string[]): Promise<number> {
  const grade = await import("./grade/cli");
  try {
    return await grade.gradeCommand(args);
  } catch (e) {
    if (!(e instanceof grade.GradeUsageError)) throw e;
    console.error(`tlab grade: ${e.message}\n${grade.GRADE_USAGE}`);
    return 2;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "kernel":
        return await kernelCommand(rest);
      case "run":
        return await runCommand(rest);
      case "start":
        return await startCommand(rest);
      case "export":
        return await exportCommand(rest);
      case "grade":
        return await gradeCommand(rest);
      case "--version":
      case "-v": {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
        console.log(pkg.version);
        return 0;
      }
      case undefined:
      case "--help":
      case "-h":
      case "help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        fail(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`tlab: ${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`tlab: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
