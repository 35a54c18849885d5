/** The sandbox itself: scrubbed environment, an empty working folder, the per-notebook wall-clock limit. */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { autograde } from "../../kernel-ext/grade/autograde";
import { gradedNotebook } from "../../kernel-ext/grade/gradebook";
import { groupRssKb } from "../../kernel-ext/grade/launcher";
import { FIXTURE, INSECURE, RIGHT, submission, writeSubmission } from "./helpers";

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-grade-sb-"))));
afterAll(() => process.env.TLAB_GRADE_KEEP || fs.rmSync(tmp, { recursive: true, force: true }));

const outputsOf = (file: string) => JSON.stringify(JSON.parse(fs.readFileSync(file, "utf8")).cells.map((c: { outputs?: unknown }) => c.outputs ?? []));

const streams = (file: string) =>
  (JSON.parse(fs.readFileSync(file, "utf8")).cells as { outputs?: { text?: string | string[] }[] }[])
    .flatMap((c) => c.outputs ?? [])
    .map((o) => [o.text ?? ""].flat().join(""))
    .join("\n");

describe("grading sandbox", () => {
  it("gives student code no secrets, its own HOME and an empty folder; a slow notebook hits the notebook limit", async () => {
    const subs = path.join(tmp, "submitted");
    process.env.TLAB_TEST_SECRET = "hunter2-secret";
    try {
      writeSubmission(
        subs,
        "env",
        submission({
          ...RIGHT,
          square: RIGHT.square + '\nimport * as fs from "fs";\nconsole.log(JSON.stringify({ env: process.env, cwd: process.cwd(), files: fs.readdirSync(".") }));',
        }),
      );
      writeSubmission(subs, "slow", submission({ ...RIGHT, square: RIGHT.square + "\nawait new Promise((r) => setTimeout(r, 9000));", total: RIGHT.total + "\nawait new Promise((r) => setTimeout(r, 9000));" }));
      const results = await autograde({ sources: [FIXTURE], submissions: subs, gradebook: path.join(tmp, "gb.sqlite"), timeoutSec: 15, notebookTimeoutSec: 12, workers: 2, insecure: INSECURE });
      const byStudent = Object.fromEntries(results.map((r) => [r.student, r]));
      expect(byStudent.slow.status).toBe("timeout");
      expect(byStudent.slow.message).toMatch(/longer than 12 s/);
      const out = outputsOf(gradedNotebook(path.join(tmp, "gb.sqlite"), "env", "squares"));
      expect(out).not.toContain("hunter2-secret");
      const line = /^\{"env".*$/m.exec(streams(gradedNotebook(path.join(tmp, "gb.sqlite"), "env", "squares")));
      expect(line).not.toBeNull();
      const seen = JSON.parse(line![0]);
      expect(seen.env.HOME).toBe(seen.cwd);
      expect(seen.cwd).not.toContain(subs);
      expect(seen.files.filter((f: string) => !f.startsWith("."))).toEqual(["node_modules"]);
      expect(seen.env.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    } finally {
      delete process.env.TLAB_TEST_SECRET;
    }
  }, 120_000);

  it("refuses to grade where student code cannot be isolated, saying what is missing; grades nothing", async () => {
    const subs = path.join(tmp, "refuse-submitted");
    writeSubmission(subs, "s1", submission(RIGHT));
    const gb = path.join(tmp, "refuse.sqlite");
    if (process.getuid?.() !== 0) {
      // the real condition: we are not root
      await expect(autograde({ sources: [FIXTURE], submissions: subs, gradebook: gb })).rejects.toThrow(/cannot isolate student code[\s\S]*not root[\s\S]*--insecure/);
      expect(fs.existsSync(gb)).toBe(false);
      return;
    }
    // as root: the same grader run by an unprivileged user (65534, "nobody"), where the project lets it
    const tlab = path.resolve(__dirname, "..", "..", "kernel-ext", "bin", "tlab.js");
    const probe = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, tlab, "--version"], { encoding: "utf8" });
    if (probe.status !== 0) {
      console.log(`SKIPPED refusal as an unprivileged user: it cannot read the project here (${probe.stderr.trim().split("\n").pop()})`);
      return;
    }
    fs.chmodSync(tmp, 0o777);
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, tlab, "grade", "autograde", "--source", FIXTURE, "--submissions", subs, "--gradebook", gb], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot isolate student code on this machine:[\s\S]*not root on Linux[\s\S]*--insecure/);
    expect(fs.existsSync(gb)).toBe(false);
  }, 60_000);

  it("measures a process group's resident memory", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(groupRssKb(child.pid!)).toBeGreaterThan(0);
      expect(groupRssKb(2 ** 22 + 12345)).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
