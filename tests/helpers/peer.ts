/**
 * Peer tools (Debian's Jupyter and Python packages) for checks against the real thing. `.ci/run` installs
 * them; on a machine without them the check prints why it is skipped.
 */
import { spawnSync } from "child_process";

/** A python3 that can import every module in `modules`, or null. Debian's /usr/bin/python3 first, since a
 * pyenv or venv python on PATH usually lacks the apt-installed Jupyter packages. */
export function pythonWith(...modules: string[]): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", modules.map((m) => `import ${m}`).join("; ") || "pass"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

/** Print why a peer check is skipped (so the test log says so) and return false. */
export function skipPeer(what: string, why: string): false {
  // eslint-disable-next-line no-console
  console.log(`SKIPPED peer check "${what}": ${why}`);
  return false;
}
