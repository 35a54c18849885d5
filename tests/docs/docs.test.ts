/**
 * The documentation holds: the README stays ≤ 10 KB and its library tour type-checks against the built
 * declarations; every relative link in README.md and docs/*.md points at a file that exists; the TypeDoc API
 * reference builds with no warning (typedoc.json: treatWarningsAsErrors; about 30 s here).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
let tmp = "";
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tl-docs-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

test("README.md is at most 10 KB", () => {
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
});

test("the README's library tour type-checks (moduleResolution node16, strict)", () => {
  const m = /```ts\n(import \* as tl from "transferlab";[\s\S]*?)```/.exec(readme);
  expect(m).not.toBeNull();
  // inside the repository, so "transferlab" resolves through the workspace's node_modules to src/lib
  const dir = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp-readme-"));
  try {
    fs.writeFileSync(path.join(dir, "tour.mts"), `${m![1]}\nexport {};\n`);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: "ES2022", lib: ["ES2022", "DOM"], module: "node16", moduleResolution: "node16", types: ["node"] },
      files: ["tour.mts"],
    }));
    const r = run([tsc, "-p", path.join(dir, "tsconfig.json")]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("relative links in README.md and docs/*.md point at existing files", () => {
  const files = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
      if (!fs.existsSync(path.resolve(path.dirname(path.join(ROOT, f)), target))) broken.push(`${f}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

test("the TypeDoc API reference builds without a warning", () => {
  const r = run([path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc"), "--out", path.join(tmp, "api")]);
  expect(r.output).not.toMatch(/\[warning\]|\[error\]/);
  expect(r.code).toBe(0);
  expect(fs.existsSync(path.join(tmp, "api", "index.html"))).toBe(true);
}, 120_000);
