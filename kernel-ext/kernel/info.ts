/** What the kernel says about itself (kernel_info_reply), and the versions it is made of. */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { PROTOCOL_VERSION } from "../run/message";
import { tslabDir, typescriptVersion } from "./typescript";

export const IMPLEMENTATION = "transferlab";

/** This package's version, from the nearest package.json above this file (lib/ or source). */
export function kernelExtVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "@transferlab/kernel-ext") return pkg.version ?? "unknown";
  }
  return "unknown";
}

/** The installed tslab version, e.g. "1.0.22" (its converter and executor are ours to use). */
export function tslabVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(tslabDir(), "package.json"), "utf8")) as { version: string }).version;
}

/** The project's README, where it is (a file URL: the project has no web site). */
function docsUrl(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const readme = path.join(dir, "README.md");
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(readme) && fs.existsSync(pkg) && /"name":\s*"transferlab-workspace"/.test(fs.readFileSync(pkg, "utf8"))) {
      return pathToFileURL(readme).href;
    }
  }
  return pathToFileURL(path.join(__dirname, "..", "..", "README.md")).href;
}

export function kernelInfo(): Record<string, unknown> {
  const ts = typescriptVersion();
  const version = kernelExtVersion();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: IMPLEMENTATION,
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: ts,
      mimetype: "text/typescript",
      file_extension: ".ts",
      // Notebook 6 and JupyterLab highlight TypeScript with this mode (as tslab found)
      codemirror_mode: { name: "javascript", typescript: true },
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    },
    banner:
      `transferlab kernel ${version}: TypeScript ${ts} (tslab ${tslabVersion()} compiler), Node.js ${process.version}\n` +
      `Type checking with the project's tsconfig; \`name?\` shows a name's type and documentation.`,
    debugger: false,
    help_links: [
      { text: "transferlab (README)", url: docsUrl() },
      { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js 20 API", url: "https://nodejs.org/docs/latest-v20.x/api/" },
      { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
    ],
  };
}
