/**
 * `tlab grade gradescope-bundle`: a Gradescope autograder (https://gradescope-autograders.readthedocs.io):
 * `setup.sh` installs Node 20 and the project in Gradescope's image; `run_autograder` grades
 * `/autograder/submission` as one student with `tlab grade autograde` and writes
 * `/autograder/results/results.json` in Gradescope's format, hidden tests with the visibility asked for.
 * Gradescope gives each submission a container of its own; its root (TLAB_AUTOGRADER_ROOT) and the
 * project (TLAB_PROJECT) can be moved, for tests.
 */
import * as fs from "fs";
import * as path from "path";
import type { GradescopeVisibility } from "../report";
import { projectRoot, shq, writeBundle } from "./common";

export interface GradescopeBundle {
  sources: string[];
  out: string;
  /** of the hidden tests in results.json (default after_published: shown once grades are published) */
  hiddenVisibility?: GradescopeVisibility;
  timeoutSec?: number;
  memoryMb?: number;
  /** copy the project into the bundle (default true); without it, run_autograder needs TLAB_PROJECT */
  includeProject?: boolean;
  /** grade where unshare is refused (Gradescope's containers usually refuse it): the sandbox is recorded as off */
  insecure?: boolean;
}

/** What of the project goes into the bundle: the sources of the workspaces and the lock file (built by setup.sh). */
const PROJECT_PARTS = ["package.json", "package-lock.json", "tsconfig.base.json", "src", "kernel-ext", "data", "tools"];
const SKIP = new Set(["node_modules", "lib", ".tsbuildinfo"]);

function copyProject(to: string): void {
  const root = projectRoot();
  for (const part of PROJECT_PARTS) {
    if (!fs.existsSync(path.join(root, part))) continue;
    fs.cpSync(path.join(root, part), path.join(to, part), { recursive: true, filter: (f) => !SKIP.has(path.basename(f)) && !f.endsWith(".tsbuildinfo") });
  }
}

/** The isolation Gradescope gives, recorded in the gradebook as the sandbox in force when ours is refused. */
export const GRADESCOPE_ISOLATION = "gradescope: a container of its own per submission, discarded after it; student code runs as root beside /autograder/source";

export function gradescopeBundle(b: GradescopeBundle): string[] {
  if (!b.sources.length) throw new Error("--source is required");
  for (const s of b.sources) if (!fs.existsSync(s)) throw new Error(`--source ${s}: no such file`);
  const out = path.resolve(b.out);
  const names = b.sources.map((s) => path.basename(s));
  const visibility = b.hiddenVisibility ?? "after_published";
  const files: Record<string, string> = {};
  for (const s of b.sources) files[path.join("notebooks", path.basename(s))] = fs.readFileSync(s, "utf8");
  files["setup.sh"] = [
    "#!/usr/bin/env bash",
    "# Gradescope runs this once when it builds the autograder image (Ubuntu): Node 20, then the project",
    "set -euo pipefail",
    "apt-get update -qq",
    "apt-get install -y -qq ca-certificates curl gnupg util-linux >/dev/null",
    'if ! node --version 2>/dev/null | grep -q "^v20\\."; then',
    "  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
    "  apt-get install -y -qq nodejs >/dev/null",
    "fi",
    "cd /autograder/source/transferlab",
    "npm ci --no-audit --no-fund",
    "",
  ].join("\n");
  files["run_autograder"] = [
    "#!/usr/bin/env bash",
    "# Gradescope runs this per submission: grade /autograder/submission, write /autograder/results/results.json",
    "set -uo pipefail",
    'ROOT="${TLAB_AUTOGRADER_ROOT:-/autograder}"',
    'PROJECT="${TLAB_PROJECT:-$ROOT/source/transferlab}"',
    'RESULTS="$ROOT/results/results.json"',
    'mkdir -p "$ROOT/results"',
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    '# one student, "submission": the grader finds the notebooks by their file names (a copy suffix is accepted)',
    'mkdir -p "$work/submitted/submission"',
    'cp -R "$ROOT/submission/." "$work/submitted/submission/"',
    `export TLAB_CONTAINER_ISOLATION="\${TLAB_CONTAINER_ISOLATION:-${GRADESCOPE_ISOLATION}}"`,
    `node "$PROJECT/kernel-ext/bin/tlab.js" grade autograde ${names.map((n) => `--source "$ROOT/source/notebooks/"${shq(n)}`).join(" ")} \\`,
    `  --submissions "$work/submitted" --gradebook "$work/grades.sqlite"${b.timeoutSec ? ` --timeout ${b.timeoutSec}` : ""}${b.memoryMb ? ` --memory ${b.memoryMb}` : ""}${b.insecure ? " --insecure" : ""} --workers 1 > "$work/autograde.log" 2>&1`,
    "status=$?",
    'cat "$work/autograde.log"',
    `node "$PROJECT/kernel-ext/bin/tlab.js" grade export --gradebook "$work/grades.sqlite" --gradescope "$work/gradescope" --hidden-visibility ${visibility} >/dev/null 2>&1`,
    'if [ $status -eq 0 ] && [ -f "$work/gradescope/submission/results.json" ]; then',
    '  cp "$work/gradescope/submission/results.json" "$RESULTS"',
    "else",
    "  # the autograder itself failed: say so to the student instead of a silent 0",
    `  node -e 'const fs = require("fs"); const log = fs.readFileSync(process.argv[1], "utf8").slice(-2000); fs.writeFileSync(process.argv[2], JSON.stringify({ score: 0, output: "The autograder could not grade this submission (your instructor sees the same log):\\n" + log, tests: [] }, null, 2) + "\\n")' "$work/autograde.log" "$RESULTS"`,
    "fi",
    "exit 0",
    "",
  ].join("\n");
  files["README.md"] = `# Gradescope autograder

Written by \`tlab grade gradescope-bundle\`. Zip this folder's contents (\`setup.sh\` and
\`run_autograder\` at the top) and upload it as the assignment's autograder:

\`\`\`
cd ${shq(out)} && zip -r ../autograder.zip .      # 1. the autograder zip
# 2. Gradescope: assignment → Configure Autograder → upload autograder.zip (Ubuntu 22.04 image)
# 3. students upload ${names.join(", ")}; results.json gives one test per graded cell
\`\`\`

Hidden tests appear as \`${visibility}\` (their name and result, never their code). ${
    b.insecure
      ? `Grading runs with \`--insecure\`: Gradescope's container refuses the namespaces of tlab's sandbox, so
the gradebook records the sandbox as off and the container as the isolation in force (\`${GRADESCOPE_ISOLATION}\`).`
      : "Grading needs tlab's sandbox (unshare as root): where the container refuses it, every submission's results.json says the autograder failed; make the bundle again with --insecure to grade inside Gradescope's container alone."
  }
`;
  if (b.includeProject ?? true) copyProject(path.join(out, "transferlab"));
  return writeBundle(out, files);
}
