/**
 * transferlab as a user installs it: `npm pack` of src/ and data/, installed into an empty project outside the
 * repository (no overrides; from npm's cache where it can, else the registry), then a first script (a domain by
 * id, TCA and JDA, a figure spec, the digits), an ES-module import, and a type check under moduleResolution
 * node16 and bundler. About 60 s here (2 cores); most of it is `npm install`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const repo = path.resolve(__dirname, "..", "..");
const fixtures = path.join(__dirname, "fixtures");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const MAX_MB = 350;
let work = "", app = "";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

/** every folder under root holding a package.json named `name` */
function copiesOf(root: string, name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const sub = path.join(dir, e.name);
      const pj = path.join(sub, "package.json");
      if (fs.existsSync(pj)) {
        try {
          if (JSON.parse(fs.readFileSync(pj, "utf8")).name === name) found.push(sub);
        } catch { /* not a package */ }
      }
      walk(sub);
    }
  };
  walk(root);
  return found;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += bytesUnder(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "transferlab-install-"));
  if (work.startsWith(repo + path.sep)) throw new Error(`the temp folder ${work} is inside the repository`);
  // the tarball packs src/lib: build it first (a no-op when up to date)
  run(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-b", path.join(repo, "src", "tsconfig.json")], repo);
  const tarballs = ["src", "data"].map((dir) => {
    const out = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", work], path.join(repo, dir)));
    return path.join(work, out[0].filename as string);
  });
  app = path.join(work, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "researcher", version: "1.0.0", private: true }));
  run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], app);
  for (const f of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, f), path.join(app, f));
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test(`installs with one tfjs-core, no optional peers and ≤ ${MAX_MB} MB of node_modules`, () => {
  const nm = path.join(app, "node_modules");
  expect(copiesOf(nm, "@tensorflow/tfjs-core")).toHaveLength(1);
  for (const peer of ["danfojs-node", "webgpu", "@tensorflow/tfjs-backend-webgpu", "@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    expect(fs.existsSync(path.join(nm, peer))).toBe(false);
  }
  const mb = bytesUnder(nm) / 1e6;
  console.log(`transferlab + @transferlab/data installed: node_modules ${mb.toFixed(0)} MB (file bytes)`);
  expect(mb).toBeLessThanOrEqual(MAX_MB);
});

test("a first script: a domain by id, TCA and JDA, a figure spec, the digits, a subpath", () => {
  const out = JSON.parse(run(process.execPath, ["use.cjs"], app).trim().split("\n").pop()!);
  // DSLR → Webcam is the easy pair: 1-NN after TCA or JDA is right on most of Webcam (88–89 % here)
  expect(out.tca).toBeGreaterThan(0.7);
  expect(out.jda).toBeGreaterThan(0.7);
  expect(out.traces).toBe(2);
  expect(out.digits).toEqual([10, 196]);
  expect(fs.realpathSync(out.dataDir)).toBe(fs.realpathSync(path.join(app, "node_modules", "@transferlab", "data")));
  expect(out.topEigen).toBe("function");
});

test("an ES module imports the package and its subpaths; errors have their kinds; toDataFrame says how to get danfo", () => {
  const out = JSON.parse(run(process.execPath, ["use.mjs"], app).trim());
  expect(out).toMatchObject({ TCA: "function", JDA: "function", loadDomain: "function", bar: 1, cholesky: "function", kind: "InvalidOptionError" });
  expect(out.danfo).toMatch(/toDataFrame: danfojs-node is not installed.*npm install danfojs-node@1\.2\.0/);
});

test.each(["node16", "bundler"])("types resolve under moduleResolution %s", (resolution) => {
  const tsconfig = {
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: true, target: "ES2022", lib: ["ES2022", "DOM"],
      module: resolution === "node16" ? "node16" : "esnext", moduleResolution: resolution,
      typeRoots: [path.join(repo, "node_modules", "@types")], types: ["node"],
    },
    files: ["check.ts", "api.mts"],
  };
  fs.writeFileSync(path.join(app, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig));
  let output = "";
  try {
    run(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${resolution}.json`], app);
  } catch (e) {
    output = String((e as { stdout?: string }).stdout ?? e);
  }
  expect(output).toBe("");
});
