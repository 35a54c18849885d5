/**
 * autograde end to end on one class of submissions: right, wrong and failing answers, and adversarial ones.
 * Every student ends with a recorded, explained result, and the run goes on. Kernels run here: two workers.
 */
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { Notebook } from "../../kernel-ext/notebook";
import { autograde, type GradedSubmission } from "../../kernel-ext/grade/autograde";
import { gradeId } from "../../kernel-ext/grade/checksum";
import { feedback } from "../../kernel-ext/grade/feedback";
import { Gradebook, gradedNotebook } from "../../kernel-ext/grade/gradebook";
import { hiddenLines } from "../../kernel-ext/grade/redact";
import { exportCsv, exportGradescope } from "../../kernel-ext/grade/report";
import { FIXTURE, INSECURE, RIGHT, skipped, submission, writeSubmission } from "./helpers";

let tmp: string, sourceFile: string, subs: string, gradebook: string;
let results: Map<string, GradedSubmission>;
let server: net.Server;
let connections = 0;
const MARK = "4242.123"; // sleep's argument: finds the children in /proc

beforeAll(async () => {
  // an ordinary course folder, as a TA keeps it (umask 022): the mount namespace, not file modes, hides it
  tmp = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), "tlab-grade-test-"));
  fs.chmodSync(tmp, 0o755);
  fs.mkdirSync(path.join(tmp, "source"), { mode: 0o755 });
  sourceFile = path.join(tmp, "source", "squares.ipynb");
  fs.copyFileSync(FIXTURE, sourceFile);
  subs = path.join(tmp, "submitted");
  gradebook = path.join(tmp, "gradebook.sqlite");
  const w = (student: string, nb: Notebook | string | Buffer) => writeSubmission(subs, student, nb);
  w("right", submission({ ...RIGHT, square: RIGHT.square + '\nconsole.error("DeprecationWarning: a library warns on stderr");' }));
  w("wrong", submission({ square: "function square(x: number): number {\n  return x * Math.abs(x);\n}", total: "function total(xs: number[]): number {\n  return xs.length === 2 ? 3 : 0;\n}" }));
  w("typeerror", submission({ square: RIGHT.square + "\nconst oops: string = 5;", total: RIGHT.total }));
  w("stub", submission({}));
  w("infinite-loop", submission({ ...RIGHT, square: RIGHT.square + "\nwhile (true) {}" }));
  w("busy-await", submission({ ...RIGHT, square: RIGHT.square + "\nwhile (true) { await Promise.resolve(); }" }));
  w("memory-bomb", submission({ ...RIGHT, square: RIGHT.square + "\nconst hoard: Buffer[] = [];\nwhile (true) hoard.push(Buffer.alloc(64 * 1024 * 1024, 1));" }));
  w("spawn-child", submission({ ...RIGHT, square: RIGHT.square + `\nimport { spawn } from "child_process";\nconst kids = [spawn("sleep", ["${MARK}"], { detached: true, stdio: "ignore" }), spawn("sleep", ["${MARK}"], { stdio: "ignore" })];\nkids.forEach((k) => k.unref());\nawait new Promise((r) => setTimeout(r, 300));\nconsole.log("children", kids.map((k) => k.pid !== undefined && k.exitCode === null));` }));
  w("exit", submission({ ...RIGHT, total: "process.exit(3);" }));
  w("read-source", submission({ ...RIGHT, square: RIGHT.square + `\nimport * as fs from "fs";\nfor (const p of ["..", ${JSON.stringify(sourceFile)}, ${JSON.stringify(path.join(subs, "right", "squares.ipynb"))}, ${JSON.stringify(os.homedir())}, ${JSON.stringify(path.resolve(__dirname, "..", "..", "notebooks"))}]) {\n  try { console.log(fs.statSync(p).isDirectory() ? fs.readdirSync(p).join(" ") : fs.readFileSync(p, "utf8")); } catch (e) { console.log("denied", p, (e as Error).message); }\n}` }));
  w("overwrite-gradebook", submission({ ...RIGHT, square: RIGHT.square + `\nimport * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(gradebook)}, "gone");` }));
  // a TCP server of the grader's on its loopback: a sandboxed kernel must not reach it
  server = net.createServer((sock) => {
    connections++;
    sock.end("secret from the host\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const probe = (what: string, host: string, p: number) =>
    `await new Promise<void>((done) => { const s = net.connect(${p}, "${host}"); s.on("data", (d) => console.log("${what} answered:", String(d).trim())); s.on("connect", () => console.log("${what}: connected")); s.on("error", (e) => { console.log("${what} failed:", (e as NodeJS.ErrnoException).code); done(); }); s.on("close", () => done()); s.setTimeout(3000, () => { console.log("${what} failed: no answer"); s.destroy(); }); });`;
  w("network", submission({ ...RIGHT, square: [RIGHT.square, 'import * as net from "net";', probe("host loopback", "127.0.0.1", port), probe("outside", "192.0.2.1", 9)].join("\n") }));
  w("deleted-test", submission(RIGHT, (nb) => void (nb.cells = nb.cells.filter((c) => gradeId(c) !== "test_square"))));
  w("edited-locked", submission(RIGHT, (nb) => void (nb.cells.find((c) => gradeId(c) === "setup")!.source = "const data: number[] = [6];")));
  w("huge-output", submission({ ...RIGHT, square: RIGHT.square + '\nfor (let i = 0; i < 100; i++) console.log("x".repeat(1_000_000));' }));
  w("late-throw", submission({ ...RIGHT, square: RIGHT.square + '\nsetTimeout(() => { throw new Error("thrown by a timer after the cell"); }, 50);' }));
  w("patch-assert", submission({ ...RIGHT, square: "function square(x: number): number {\n  return 0;\n}\nrequire(\"assert\").strictEqual = () => {};" }));
  // a fork bomb: children until the kernel's user may have no more (RLIMIT_NPROC)
  w("fork-bomb", submission({ ...RIGHT, square: RIGHT.square + `\nimport { spawn } from "child_process";\nlet started = 0, refused = "";\nfor (let i = 0; i < 400 && !refused; i++) {\n  try { const k = spawn("sleep", ["${MARK}"], { stdio: "ignore" }); if (k.pid === undefined) { refused = "no pid"; k.on("error", () => undefined); } else started++; } catch (e) { refused = (e as NodeJS.ErrnoException).code ?? String(e); }\n}\nawait new Promise((r) => setTimeout(r, 200));\nconsole.log("fork bomb: started", started, "then", refused || "never refused");` }));
  w("invalid-json", '{"cells": [');
  w("not-a-notebook", JSON.stringify({ hello: "world" }));
  w("not-utf8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  w("wrong-kernel", submission(RIGHT, (nb) => void (nb.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" })));
  fs.mkdirSync(path.join(subs, "empty-folder"));
  const roster = path.join(tmp, "roster.txt");
  fs.writeFileSync(roster, "# students\nright\nabsent\n");
  const all = await autograde({ sources: [sourceFile], submissions: subs, gradebook, roster, timeoutSec: 15, notebookTimeoutSec: 90, memoryMb: 700, workers: 2, outputCap: 64 * 1024, insecure: INSECURE });
  results = new Map(all.map((r) => [r.student, r]));
}, 600_000);

afterAll(() => {
  server?.close();
  // TLAB_GRADE_KEEP=1 keeps the folder and a summary of every result, for a look by hand
  if (process.env.TLAB_GRADE_KEEP) fs.writeFileSync(path.join(tmp, "results.json"), JSON.stringify([...results.values()].map(({ grades, ...r }) => r), null, 1));
  else fs.rmSync(tmp, { recursive: true, force: true });
});

const get = (s: string) => {
  const r = results.get(s);
  if (!r) throw new Error(`no result for ${s}`);
  return r;
};
const cell = (s: string, id: string) => get(s).grades.find((g) => g.grade_id === id)!;

describe("autograde: scores", () => {
  it("gives full points to right answers; a stderr warning costs nothing", () => {
    expect(get("right")).toMatchObject({ status: "ok", score: 5, max_score: 6 });
  });
  it("gives partial credit from a test cell's last value and fails hidden tests", () => {
    expect(cell("wrong", "test_square")).toMatchObject({ score: 0, status: "failed", message: "failed", hidden: true });
    expect(cell("wrong", "test_total")).toMatchObject({ score: 1.5, status: "partial" });
  });
  it("a type error fails its own cell only; later test cells still run", () => {
    expect(cell("typeerror", "test_square").status).toBe("failed");
    expect(cell("typeerror", "test_total")).toMatchObject({ score: 3, status: "passed" });
  });
  it("the stub scores zero", () => expect(get("stub")).toMatchObject({ status: "ok", score: 0 }));
  it("writes the graded notebook beside the gradebook, never into the submissions", () => {
    const nb = JSON.parse(fs.readFileSync(gradedNotebook(gradebook, "right", "squares"), "utf8"));
    expect(nb.metadata.tlab_grade.status).toBe("ok");
    expect(gradedNotebook(gradebook, "right", "squares")).toBe(path.join(tmp, "graded", "gradebook", "right", "squares.ipynb"));
    expect(fs.readdirSync(path.join(subs, "right"))).toEqual(["squares.ipynb"]);
  });
  it("lists roster students without a submission and empty folders as missing", () => {
    expect(get("absent")).toMatchObject({ status: "missing", score: 0 });
    expect(get("empty-folder")).toMatchObject({ status: "missing" });
    expect(get("empty-folder").message).toMatch(/no squares\.ipynb/);
  });
});

/** The isolation the autograde run recorded in the gradebook. */
function sandboxOfRun(): { user: boolean; pidNamespace: boolean; netNamespace: boolean; mountNamespace: boolean; off: string[]; limits?: { processes: number | null } } {
  const gb = new Gradebook(gradebook, { mustExist: true });
  try {
    return JSON.parse(gb.runs()[0].sandbox);
  } finally {
    gb.close();
  }
}

describe("autograde: adversarial submissions", () => {
  it("an infinite loop times out its cell; the tests after it still count", () => {
    expect(get("infinite-loop").status).toBe("timeout");
    expect(get("infinite-loop").message).toMatch(/longer than/);
  });
  it("a busy await loop times out", () => expect(get("busy-await").status).toBe("timeout"));
  it("a memory bomb is killed and recorded as memory", () => {
    expect(get("memory-bomb").status).toBe("memory");
    expect(get("memory-bomb").message).toMatch(/more than 700 MB/);
  });
  it("leaves no child process behind", () => {
    const run = sandboxOfRun();
    const left = fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(MARK);
        } catch {
          return false;
        }
      });
    if (run.pidNamespace) expect(left).toEqual([]);
    else {
      // no PID namespace here (not root, or the project is not readable by the sandbox user): a child that left
      // the process group survives, and the run says why isolation was off
      skipped("PID namespace check");
      for (const pid of left) process.kill(Number(pid), "SIGKILL");
      expect(run.off.join(" ")).toMatch(/PID namespace|not root/);
    }
    expect(get("spawn-child").status).toBe("ok");
    // they did run while the kernel lived
    expect(fs.readFileSync(gradedNotebook(gradebook, "spawn-child", "squares"), "utf8")).toContain("children [ true, true ]");
  });
  it("process.exit() is recorded as a crash", () => {
    expect(get("exit").status).toBe("crashed");
    expect(get("exit").message).toMatch(/kernel died/);
  });
  it("student code sees nothing of the course folder, other submissions, $HOME or the project, nor writes the gradebook", () => {
    const run = sandboxOfRun();
    if (!run.mountNamespace) {
      skipped("file-system isolation check (no mount namespace here)");
      expect(run.off.length).toBeGreaterThan(0);
      return;
    }
    const graded = fs.readFileSync(gradedNotebook(gradebook, "read-source", "squares"), "utf8");
    // the course folder is 0755/0644 here: only the mount namespace keeps it out of sight
    for (const p of [sourceFile, path.join(subs, "right", "squares.ipynb"), os.homedir(), path.resolve(__dirname, "..", "..", "notebooks")]) {
      expect(graded).toContain(`denied ${p} ENOENT`);
    }
    // its parent folder holds its own working and socket folders, none of another kernel's, and the run's
    // V8 code cache (read-only: compiled library code, grade/warmcache.ts)
    const parent = /"(ipc-\w+ )?student-\w+( v8cache-\w+)?\\n"/.exec(graded);
    expect(parent).not.toBeNull();
    expect(graded).not.toContain("BEGIN SOLUTION");
    expect(get("read-source").score).toBe(5);
    expect(fs.readFileSync(gradedNotebook(gradebook, "overwrite-gradebook", "squares"), "utf8")).toMatch(/ENOENT|EACCES|permission denied/i);
    const gb = new Gradebook(gradebook, { mustExist: true });
    expect(gb.submissions().length).toBe(results.size);
    gb.close();
  });
  it("a fork bomb stops at the process cap of the submission's user; the run goes on", () => {
    const run = sandboxOfRun();
    if (!run.user) {
      skipped("process cap check (student code shares our uid)");
      return;
    }
    const cap = run.limits!.processes!;
    const graded = fs.readFileSync(gradedNotebook(gradebook, "fork-bomb", "squares"), "utf8");
    const m = /fork bomb: started (\d+) then (\S+)/.exec(graded);
    expect(m).not.toBeNull();
    // node's own threads count against the cap too
    expect(Number(m![1])).toBeLessThan(cap);
    expect(m![2]).not.toBe("never");
    expect(get("right").status).toBe("ok");
  });
  it("a network request fails in its cell and the run goes on", () => {
    expect(get("network").status).toBe("ok");
    expect(cell("network", "test_total").status).toBe("passed");
    const run = sandboxOfRun();
    const graded = fs.readFileSync(gradedNotebook(gradebook, "network", "squares"), "utf8");
    if (run.netNamespace) {
      // its own network namespace: the loopback there is not the host's, and nothing else is up
      expect(graded).toMatch(/host loopback failed: (ENETUNREACH|ECONNREFUSED)/);
      expect(graded).toMatch(/outside failed: (ENETUNREACH|EHOSTUNREACH)/);
      expect(graded).not.toContain("secret from the host");
      expect(connections).toBe(0);
      expect(JSON.parse(graded).metadata.tlab_grade.sandbox).toMatchObject({ netNamespace: true });
    } else {
      // no namespace here: the run records why network isolation was off
      skipped("network isolation check");
      expect(run.netNamespace).toBe(false);
      expect(run.off.join(" ")).toMatch(/network namespace|not root/);
    }
  });
  it("a deleted test cell is restored, graded and flagged", () => {
    expect(get("deleted-test")).toMatchObject({ status: "tampered", score: 5 });
    expect(get("deleted-test").message).toMatch(/"test_square" was deleted/);
  });
  it("an edited locked cell is restored and flagged", () => {
    expect(get("edited-locked")).toMatchObject({ status: "tampered", score: 5 });
    expect(get("edited-locked").message).toMatch(/"setup" was changed/);
  });
  it("a 100 MB output is truncated with a note", () => {
    expect(get("huge-output").message).toMatch(/output truncated/);
    const size = fs.statSync(gradedNotebook(gradebook, "huge-output", "squares")).size;
    expect(size).toBeLessThan(1024 * 1024);
    expect(fs.readFileSync(gradedNotebook(gradebook, "huge-output", "squares"), "utf8")).toMatch(/output truncated/);
  });
  it("a timer throwing after its cell finished is recorded against that cell; the next cell is not failed", () => {
    const r = get("late-throw");
    expect(r.status).toBe("ok");
    expect(cell("late-throw", "test_square").status).toBe("passed");
    expect(cell("late-throw", "test_total").status).toBe("passed");
    expect(r.score).toBe(5);
    const nb = JSON.parse(fs.readFileSync(gradedNotebook(gradebook, "late-throw", "squares"), "utf8")) as Notebook;
    const squareCell = nb.cells.findIndex((c) => gradeId(c) === "square");
    expect(r.message).toContain(`cell ${squareCell + 1}: a timer or promise it left behind threw after the cell had finished, Error: thrown by a timer after the cell`);
    // the error output sits under the cell that scheduled the timer, saying so; no other cell has one
    const withError = nb.cells.flatMap((c, i) => (c.cell_type === "code" && c.outputs.some((o) => o.output_type === "error") ? [i] : []));
    expect(withError).toEqual([squareCell]);
    const err = (nb.cells[squareCell] as { outputs: { output_type: string; traceback?: string[] }[] }).outputs.find((o) => o.output_type === "error")!;
    expect(err.traceback![0]).toMatch(/late error: thrown after In\[\d+\] had finished/);
  });
  it("cannot disarm the tests' assertions", () => {
    expect(cell("patch-assert", "test_square")).toMatchObject({ score: 0, status: "failed" });
  });
  it.each([
    ["invalid-json", /not valid JSON/],
    ["not-a-notebook", /not a Jupyter notebook/],
    ["not-utf8", /not UTF-8/],
  ])("%s is invalid, with the reason", (s, why) => {
    expect(get(s)).toMatchObject({ status: "invalid", score: 0 });
    expect(get(s).message).toMatch(why);
  });
  it("a notebook for another kernel is graded with ours and noted", () => {
    expect(get("wrong-kernel")).toMatchObject({ status: "ok", score: 5 });
    expect(get("wrong-kernel").message).toMatch(/python3/);
  });
});

describe("autograde: nothing returned to a student holds hidden test code", () => {
  it("graded notebooks, feedback pages, the CSV and Gradescope's JSON, for every adversarial case", async () => {
    const lines = hiddenLines(JSON.parse(fs.readFileSync(sourceFile, "utf8")));
    expect(lines).toContain('assert.strictEqual(square(-4), 16, "square(-4)");');
    const out = path.join(tmp, "returned");
    const pages = await feedback(gradebook, path.join(out, "feedback"));
    const gb = new Gradebook(gradebook, { mustExist: true });
    const files = [...pages, exportCsv(gb, path.join(out, "grades.csv")), ...exportGradescope(gb, path.join(out, "gradescope"))];
    for (const r of gb.submissions()) if (fs.existsSync(gradedNotebook(gradebook, r.student, r.notebook))) files.push(gradedNotebook(gradebook, r.student, r.notebook));
    gb.close();
    expect(files.length).toBeGreaterThan(results.size);
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      for (const l of lines) if (text.includes(l) || text.includes(JSON.stringify(l).slice(1, -1))) throw new Error(`${f} holds the hidden test line ${l}`);
    }
  }, 120_000);
});

describe("autograde: resuming", () => {
  it("refuses a roster id that leads out of the submissions folder", async () => {
    const roster = path.join(tmp, "bad-roster.txt");
    fs.writeFileSync(roster, "../../etc\n");
    await expect(autograde({ sources: [sourceFile], submissions: subs, gradebook, roster })).rejects.toThrow(/not a valid student id/);
  });

  it("keeps what is graded, regrades when the source changes", async () => {
    const again = await autograde({ sources: [sourceFile], submissions: subs, gradebook, student: undefined, timeoutSec: 8, workers: 2 });
    expect(again.every((r) => r.skipped)).toBe(true);
    const nb = JSON.parse(fs.readFileSync(sourceFile, "utf8"));
    nb.cells[0].source = "# Squares and sums (corrected)";
    fs.writeFileSync(sourceFile, JSON.stringify(nb));
    const gb = new Gradebook(gradebook);
    const keep = gb.submissions().map((r) => r.student);
    gb.close();
    // regrade only two students quickly: the others' folders are moved aside
    const aside = path.join(tmp, "aside");
    fs.mkdirSync(aside);
    for (const s of fs.readdirSync(subs)) if (s !== "right" && s !== "invalid-json") fs.renameSync(path.join(subs, s), path.join(aside, s));
    const third = await autograde({ sources: [sourceFile], submissions: subs, gradebook, timeoutSec: 15, workers: 2 });
    expect(third.map((r) => [r.student, r.regraded])).toEqual([
      ["invalid-json", "the source changed since it was graded"],
      ["right", "the source changed since it was graded"],
    ]);
    expect(third.find((r) => r.student === "right")!.score).toBe(5);
    // a new hand-in is regraded, the unchanged one kept
    writeSubmission(subs, "right", submission({}));
    const fourth = await autograde({ sources: [sourceFile], submissions: subs, gradebook, timeoutSec: 15, workers: 2 });
    expect(fourth.map((r) => [r.student, r.skipped ?? r.regraded, r.score])).toEqual([
      ["invalid-json", "already graded", 0],
      ["right", "the submission changed since it was graded", 0],
    ]);
    expect(keep.length).toBeGreaterThan(2);
  }, 120_000);
});
