import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  installKernelspec,
  jupyterDataDir,
  uninstallKernelspec,
  type KernelJson,
} from "../../kernel-ext/kernel/install";

const ROOT = path.resolve(__dirname, "../..");
let dataDir: string;
beforeAll(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tlab-jupyter-data-"))));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const env = () => ({ ...process.env, JUPYTER_DATA_DIR: dataDir });

test("install writes kernels/transferlab/kernel.json under JUPYTER_DATA_DIR: absolute node and kernel, message interrupts", () => {
  const dir = installKernelspec({ env: env() });
  expect(dir).toBe(path.join(dataDir, "kernels", "transferlab"));
  const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")) as KernelJson;
  expect(spec.display_name).toBe("TypeScript (transferlab)");
  expect(spec.language).toBe("typescript");
  expect(spec.interrupt_mode).toBe("message");
  expect(spec.argv).toEqual([process.execPath, path.join(ROOT, "kernel-ext", "lib", "kernel", "main.js"), "--connection-file", "{connection_file}"]);
  expect(fs.existsSync(spec.argv[1])).toBe(true);
  expect(spec.metadata).toMatchObject({
    debugger: false,
    transferlab: { version: require("../../kernel-ext/package.json").version, typescript: "5.0.4", tslab: "1.0.22", node: process.version },
  });
  // the launcher's logos: SVG for JupyterLab, PNGs for Notebook 6 (valid PNG signature and size)
  expect(fs.readFileSync(path.join(dir, "logo-svg.svg"), "utf8")).toContain("<svg");
  for (const size of [32, 64]) {
    const png = fs.readFileSync(path.join(dir, `logo-${size}x${size}.png`));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
  }
});

test("installing twice replaces the spec cleanly; uninstall removes it and says when nothing was there", () => {
  const dir = installKernelspec({ env: env() });
  fs.writeFileSync(path.join(dir, "stale.txt"), "from an older install");
  expect(installKernelspec({ env: env() })).toBe(dir);
  expect(fs.readdirSync(dir).sort()).toEqual(["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]);
  expect(fs.readdirSync(path.dirname(dir))).toEqual(["transferlab"]); // no temporary directories left
  expect(uninstallKernelspec({ env: env() })).toEqual({ path: dir, removed: true });
  expect(fs.existsSync(dir)).toBe(false);
  expect(uninstallKernelspec({ env: env() })).toEqual({ path: dir, removed: false });
});

test("where it goes: --prefix, JUPYTER_DATA_DIR, --user, system", () => {
  const home = os.homedir();
  expect(jupyterDataDir({ prefix: "/opt/env", env: { JUPYTER_DATA_DIR: "/x" } })).toBe(path.resolve("/opt/env/share/jupyter"));
  expect(jupyterDataDir({ user: true, env: { JUPYTER_DATA_DIR: "/x" } })).toBe(path.resolve("/x"));
  if (process.platform === "linux") {
    expect(jupyterDataDir({ user: true, env: {} })).toBe(path.join(home, ".local", "share", "jupyter"));
    expect(jupyterDataDir({ user: true, env: { XDG_DATA_HOME: "/xdg" } })).toBe("/xdg/jupyter");
    expect(jupyterDataDir({ env: {} })).toBe("/usr/local/share/jupyter");
  }
});

test("Jupyter itself lists the installed kernelspec", () => {
  installKernelspec({ env: env() });
  const r = spawnSync("jupyter", ["kernelspec", "list", "--json"], { env: env(), encoding: "utf8" });
  if (r.error || r.status !== 0) {
    console.log(`SKIPPED: "jupyter kernelspec list --json" did not run (${r.error?.message ?? r.stderr.trim()}); Jupyter is not installed`);
    return;
  }
  const specs = JSON.parse(r.stdout).kernelspecs as Record<string, { resource_dir: string; spec: KernelJson }>;
  expect(specs.transferlab).toBeDefined();
  expect(specs.transferlab.resource_dir).toBe(path.join(dataDir, "kernels", "transferlab"));
  expect(specs.transferlab.spec.display_name).toBe("TypeScript (transferlab)");
  expect(specs.transferlab.spec.interrupt_mode).toBe("message");
});
