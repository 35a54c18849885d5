/**
 * The course kit `tlab grade assign` writes beside the student notebooks: the project's own packages as
 * tarballs (`npm pack` of transferlab, @transferlab/data and @transferlab/kernel-ext, none of which is on
 * the npm registry), a package.json that depends on them, and a README of the three commands a student
 * runs. `npm install` in the kit then fetches only third-party packages from the registry.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../notebook";

/** The packages a student installs, by the name a cell imports. */
const PACKAGES = ["transferlab", "@transferlab/data", "@transferlab/kernel-ext"] as const;

export interface Kit {
  /** tarball file names in the release folder, by package name */
  tarballs: Record<string, string>;
  packageJson: string;
  readme: string;
}

/** This package's folder (kernel-ext): the other packages are found from it, as installed or in the workspace. */
const kernelExtDir = () => path.resolve(__dirname, "..", "..");

/** Where each package of the kit lives on this machine (workspace folder or node_modules). */
export function kitSources(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of PACKAGES) {
    if (name === "@transferlab/kernel-ext") {
      found[name] = kernelExtDir();
      continue;
    }
    try {
      found[name] = path.dirname(fs.realpathSync(require.resolve(`${name}/package.json`, { paths: [kernelExtDir(), process.cwd()] })));
    } catch {
      throw new Error(`tlab grade assign: cannot find the package ${name} to pack into the course kit (install it beside @transferlab/kernel-ext, or pass --no-kit)`);
    }
  }
  return found;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Pack the kit into `out` (the release folder). `course` names the kit's package.json. The tarballs are
 * written under temporary names and renamed into place, so an interrupted pack leaves no half tarball.
 */
export function writeKit(outDir: string, course: string): Kit {
  const out = path.resolve(outDir); // npm pack runs in each package's folder
  const tarballs: Record<string, string> = {};
  const staging = fs.mkdtempSync(path.join(out, ".kit-"));
  try {
    for (const [name, dir] of Object.entries(kitSources())) {
      let packed: { filename: string }[];
      try {
        packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", staging], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as { filename: string }[];
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`tlab grade assign: npm pack of ${name} (${dir}) failed: ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}`);
      }
      const file = path.basename(packed[0].filename);
      fs.renameSync(path.join(staging, file), path.join(out, file));
      tarballs[name] = file;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const pkg = {
    name: `${course.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "course"}-exercises`,
    private: true,
    description: "Course kit: the exercise notebooks and the libraries they use (npm install, then open the notebooks)",
    dependencies: Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
    // npm ≥ 11 asks before running install scripts: zeromq's checks its prebuilt binary; core-js's only prints
    allowScripts: { zeromq: true, "core-js": false },
  };
  const packageJson = path.join(out, "package.json");
  writeFileAtomic(packageJson, `${JSON.stringify(pkg, null, 2)}\n`);
  const readme = path.join(out, "README.md");
  writeFileAtomic(readme, studentReadme(Object.values(tarballs)));
  return { tarballs, packageJson, readme };
}

/** The README students get: three commands, each of which works in the kit's folder. */
export function studentReadme(tarballs?: string[]): string {
  const kit = tarballs
    ? `This folder is the course kit: the notebooks, and the course's libraries as packages (${tarballs.map((t) => `\`${t}\``).join(", ")}).
In this folder, with Node.js 20 or later:

    npm install                        # the libraries, from the packages here (other packages from npm)
    npx tlab kernel install --user     # the Jupyter kernel "TypeScript (transferlab)"
    jupyter notebook                   # open a notebook; or check one without Jupyter:
                                       #   npx tlab grade validate NOTEBOOK.ipynb
`
    : `Your course gives you its kit (a folder with a package.json and the course's packages): run \`npm install\`
there once (Node.js 20 or later), then \`npx tlab kernel install --user\`, and keep your notebooks in that folder.
`;
  return `# Exercises

${kit}
Open a notebook in Jupyter, choose the kernel "TypeScript (transferlab)", replace each
\`throw new Error("not implemented");\` by your answer, and check your work before handing it in:

    npx tlab grade validate NOTEBOOK.ipynb

It runs the visible tests and shows each cell's own error. Do not edit or delete the test cells or the
locked cells: they are restored from the original when your notebook is graded, and more tests are added then.
`;
}
