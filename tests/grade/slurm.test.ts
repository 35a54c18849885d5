/**
 * `tlab grade slurm` on a real Slurm: Debian's slurm-wlm and munge as a one-node cluster (slurmctld +
 * slurmd on 127.0.0.1) started in a temp folder with a generated slurm.conf. The generated job array
 * grades 3 shards of 30 generated submissions, the dependent job merges them; the merged CSV must equal a
 * single run's. Prints SKIPPED, with the reason, where the daemons are not installed or cannot start.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { autograde } from "../../kernel-ext/grade/autograde";
import { Gradebook } from "../../kernel-ext/grade/gradebook";
import { exportCsv } from "../../kernel-ext/grade/report";
import { slurmBundle } from "../../kernel-ext/grade/bundles/slurm";
import { FIXTURE, INSECURE, RIGHT, submission, writeSubmission } from "./helpers";

const which = (cmd: string) => ["/usr/sbin", "/usr/bin", ...(process.env.PATH ?? "").split(":")].map((d) => path.join(d, cmd)).find((f) => fs.existsSync(f));
const TOOLS = ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"];

let tmp: string;
let conf: string;
const daemons: ChildProcess[] = [];
let why = "";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slurm = (cmd: string, ...args: string[]) => spawnSync(which(cmd)!, args, { env: { ...process.env, SLURM_CONF: conf }, encoding: "utf8" });
const tail = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").trim().split("\n").slice(-3).join(" | ") : "(no log)");

/** munged, slurmctld and slurmd in `tmp`, or a reason why not. */
async function startCluster(): Promise<string> {
  const missing = TOOLS.filter((t) => !which(t));
  if (missing.length) return `not installed: ${missing.join(", ")} (apt-get install slurm-wlm munge; .ci/run does)`;
  if (process.getuid?.() !== 0) return "slurmd must run as root to start jobs";
  const munge = path.join(tmp, "munge");
  fs.mkdirSync(munge, { mode: 0o700 });
  for (const d of ["state", "spool", "log"]) fs.mkdirSync(path.join(tmp, d));
  const key = path.join(munge, "munge.key");
  const mk = spawnSync(which("mungekey")!, ["--create", "--keyfile", key, "--force"], { encoding: "utf8" });
  if (mk.status !== 0) return `mungekey failed: ${mk.stderr.trim()}`;
  const socket = path.join(munge, "munge.sock");
  const md = spawnSync(which("munged")!, ["--force", `--socket=${socket}`, `--key-file=${key}`, `--log-file=${path.join(munge, "munged.log")}`, `--pid-file=${path.join(munge, "munged.pid")}`, `--seed-file=${path.join(munge, "seed")}`], { encoding: "utf8" });
  if (md.status !== 0) return `munged failed to start: ${md.stderr.trim() || tail(path.join(munge, "munged.log"))}`;
  const host = os.hostname().split(".")[0];
  const cpus = 3; // three shards at once on this one node (config_overrides: more than its cores)
  conf = path.join(tmp, "slurm.conf");
  fs.writeFileSync(
    conf,
    [
      `ClusterName=tlab${process.pid}`,
      `SlurmctldHost=${host}(127.0.0.1)`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${socket}`,
      `SlurmctldPort=${await freePort()}`,
      `SlurmdPort=${await freePort()}`,
      `StateSaveLocation=${path.join(tmp, "state")}`,
      `SlurmdSpoolDir=${path.join(tmp, "spool")}`,
      `SlurmctldPidFile=${path.join(tmp, "slurmctld.pid")}`,
      `SlurmdPidFile=${path.join(tmp, "slurmd.pid")}`,
      `SlurmctldLogFile=${path.join(tmp, "log", "slurmctld.log")}`,
      `SlurmdLogFile=${path.join(tmp, "log", "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "JobAcctGatherType=jobacct_gather/none",
      "AccountingStorageType=accounting_storage/none",
      "JobCompType=jobcomp/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "SlurmdParameters=config_overrides",
      "ReturnToService=2",
      "MpiDefault=none",
      "SchedulerType=sched/builtin",
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=1000 State=UNKNOWN`,
      `PartitionName=tlab Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  daemons.push(spawn(which("slurmctld")!, ["-D", "-i", "-f", conf], { env, stdio: "ignore" }));
  daemons.push(spawn(which("slurmd")!, ["-D", "-f", conf, "-N", host], { env, stdio: "ignore" }));
  for (let i = 0; i < 60; i++) {
    await sleep(250);
    const state = slurm("sinfo", "-h", "-o", "%T").stdout?.trim();
    if (state === "idle") return "";
  }
  return `the node did not come up: slurmctld: ${tail(path.join(tmp, "log", "slurmctld.log"))}; slurmd: ${tail(path.join(tmp, "log", "slurmd.log"))}`;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-slurm-"));
  fs.chmodSync(tmp, 0o755); // the munge socket's folder must be reachable
  why = await startCluster();
}, 30_000);

afterAll(async () => {
  // the daemons write their state until they are gone: wait for them (and munged) before removing the folder
  const exited = (d: ChildProcess) =>
    d.exitCode !== null || d.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => d.once("exit", () => r()));
  for (const d of daemons) d.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(daemons.map(exited)), new Promise((r) => (timer = setTimeout(r, 15_000)))]);
  clearTimeout(timer);
  for (const d of daemons) if (d.exitCode === null && d.signalCode === null) d.kill("SIGKILL");
  const pid = path.join(tmp, "munge", "munged.pid");
  if (fs.existsSync(pid)) {
    const munged = Number(fs.readFileSync(pid, "utf8").trim());
    try {
      process.kill(munged, "SIGTERM");
      for (let i = 0; i < 50; i++) {
        process.kill(munged, 0); // throws once it is gone
        await sleep(100);
      }
    } catch {
      /* gone */
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}, 30_000);

const withoutTimes = (csv: string) => {
  const lines = csv.trimEnd().split("\n");
  const at = lines[0].split(",").indexOf("graded_at");
  return lines.map((l) => l.split(",").filter((_, i) => i !== at).join(","));
};

describe("tlab grade slurm", () => {
  it("grades 3 shards of 30 submissions as a job array, merges after them, and equals a single run", async () => {
    if (why) {
      console.log(`SKIPPED Slurm cluster test: ${why}`);
      return;
    }
    const subs = path.join(tmp, "submitted");
    const kinds = [submission(RIGHT), submission({ square: RIGHT.square }), submission({}), submission({ ...RIGHT, total: "function total(xs: number[]): number { return 0; }" })];
    for (let i = 0; i < 30; i++) writeSubmission(subs, `s${String(i).padStart(2, "0")}`, kinds[i % kinds.length]);
    const out = path.join(tmp, "bundle");
    slurmBundle({ sources: [FIXTURE], submissions: subs, shards: 3, out, cpusPerTask: 1, timeoutSec: 20, insecure: INSECURE });
    const script = fs.readFileSync(path.join(out, "grade.sbatch"), "utf8");
    expect(script).toMatch(/^#SBATCH --array=1-3$/m);
    expect(script).toContain('--shard "$SLURM_ARRAY_TASK_ID/3"');

    const t0 = Date.now();
    const submitted = spawnSync("bash", [path.join(out, "submit.sh")], { env: { ...process.env, SLURM_CONF: conf }, encoding: "utf8" });
    expect(submitted.stderr).toBe("");
    expect(submitted.stdout).toMatch(/shards: job array \d+; merge: job \d+/);

    // the single run meanwhile, in this process
    const single = path.join(tmp, "single.sqlite");
    await autograde({ sources: [FIXTURE], submissions: subs, gradebook: single, workers: 2, timeoutSec: 20, insecure: INSECURE });
    const gb = new Gradebook(single, { mustExist: true });
    const want = fs.readFileSync(exportCsv(gb, path.join(tmp, "single.csv")), "utf8");
    gb.close();
    const singleSec = (Date.now() - t0) / 1000;

    const csv = path.join(out, "grades.csv");
    for (let i = 0; i < 400 && (slurm("squeue", "-h").stdout.trim() !== "" || !fs.existsSync(csv)); i++) await sleep(250);
    console.log(`Slurm: 3 shards + merge done ${((Date.now() - t0) / 1000).toFixed(1)} s after submitting (the single run beside them took ${singleSec.toFixed(1)} s); load average ${os.loadavg()[0].toFixed(2)}`);
    const logs = fs.existsSync(path.join(out, "logs")) ? fs.readdirSync(path.join(out, "logs")).map((f) => `${f}: ${tail(path.join(out, "logs", f))}`).join("\n") : "";
    expect({ csv: fs.existsSync(csv), logs }).toEqual({ csv: true, logs: expect.any(String) });
    expect(fs.readFileSync(path.join(out, "logs", "merge.log"), "utf8")).toMatch(/30 submission\(s\) \(30 new\) from 3 gradebook\(s\) \(shards 1\/3, 2\/3, 3\/3\).*0 conflict/);
    // every shard graded some of the class, and no one twice
    const graded = [1, 2, 3].map((k) => JSON.parse(fs.readFileSync(path.join(out, "logs", `shard-${k}.json`), "utf8")).summary.graded as number);
    expect(graded.every((n) => n > 0) && graded.reduce((a, b) => a + b) === 30).toBe(true);
    expect(withoutTimes(fs.readFileSync(csv, "utf8"))).toEqual(withoutTimes(want));
    expect(fs.readdirSync(path.join(out, "gradescope"))).toHaveLength(30);
  }, 150_000); // 45 s at a load average of 2-7 on 2 cores; 70 s at 15
});
