/**
 * What a submission's kernel sees of the file system: a root of its own, built in a private mount namespace
 * (`unshare --mount`) from bind mounts onto a skeleton folder, then entered with chroot before the kernel
 * drops to its own user.
 *
 *   /usr/{bin,lib,lib64}                          read-only, nosuid (node, its libraries, `sleep` & co.)
 *   /bin /lib /lib64                              links into /usr, as on a merged-/usr system
 *   /etc/ld.so.cache                              read-only (the dynamic linker finds libraries by it)
 *   node's own prefix, when it is not under /usr  read-only (nvm and the like)
 *   the project's node_modules, package.json, data/ and the folders node_modules links to (workspaces),
 *   the grader's compile caches                   read-only, at their own paths
 *   the kernel's working folder (its HOME)        a size-limited tmpfs, read-write, at its own path
 *   the ipc socket folder                         read-write (the grader connects to the kernel there)
 *   /tmp                                          a size-limited tmpfs of its own
 *   /dev/null, /dev/urandom, /proc                /proc of the kernel's own PID namespace
 *
 * Nothing else: not the course folder, the source notebooks, other submissions, the gradebook, $HOME.
 * Paths keep their names inside, so the kernel's command line and connection file need no rewriting.
 *
 * Why our own script and not bubblewrap: it needs only util-linux and coreutils (on every Linux the grader
 * runs on; Debian ships bubblewrap as a separate package a TA would have to install), and its cost is
 * within the target: `npm run bench:grade` prints it per layer ("sandbox set-up"). The skeleton is made
 * with file-system calls, so the script runs only the mounts themselves and two copies.
 */
import * as fs from "fs";
import * as path from "path";

export interface MountPlan {
  /** the new root: a skeleton folder (buildRoot) in the grader's private folder */
  root: string;
  /** bound read-only at the same path */
  readOnly: string[];
  /** bound read-write at the same path */
  readWrite: string[];
  /** the kernel's working folder: a fresh tmpfs, seeded with the host folder's files (connection file, links) */
  workDir: string;
  workMb: number;
  tmpMb: number;
  uid: number;
  gid: number;
}

/** System folders every kernel gets (the ones that exist here): node, its libraries, the tools a cell may spawn. */
const SYSTEM = ["/usr/bin", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache"];

/** Top-level links of a merged-/usr system, recreated in the new root. */
const USR_LINKS: [string, string][] = [
  ["/bin", "usr/bin"],
  ["/lib", "usr/lib"],
  ["/lib64", "usr/lib64"],
];

const exists = (p: string) => fs.existsSync(p);
const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith("/") ? dir : dir + "/");

/**
 * What the kernel must read: node's prefix (when outside /usr), and of the project `modules`: its
 * package.json, node_modules, data/, and every folder a top-level link in node_modules points to (npm
 * workspaces link `transferlab` and `@transferlab/kernel-ext` to their folders). Real paths, deduplicated.
 */
export function kernelReadPaths(modules: string, extra: string[] = []): string[] {
  const paths = new Set<string>();
  const node = fs.realpathSync(process.execPath);
  if (!SYSTEM.some((s) => under(node, s))) paths.add(path.dirname(path.dirname(node))); // <prefix>/bin/node
  const nm = path.join(modules, "node_modules");
  for (const p of [path.join(modules, "package.json"), nm, path.join(modules, "data")]) if (exists(p)) paths.add(fs.realpathSync(p));
  const links = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.name.startsWith("@") && d.isDirectory()) links(full);
      else if (d.isSymbolicLink()) {
        try {
          const real = fs.realpathSync(full);
          if (!under(real, fs.realpathSync(nm))) paths.add(real);
        } catch {
          // a dangling link: nothing to bind
        }
      }
    }
  };
  if (exists(nm)) links(nm);
  for (const p of extra) if (exists(p)) paths.add(fs.realpathSync(p));
  // a path inside another bound path needs no mount of its own
  const sorted = [...paths].sort();
  return sorted.filter((p) => !sorted.some((q) => q !== p && under(p, q)));
}

export function systemReadPaths(): string[] {
  return SYSTEM.filter(exists);
}

/**
 * Bound paths another user could not read (the file or folder itself lacks o+r, a folder o+x; the folders
 * above do not matter: inside the sandbox the path hangs under folders of the new root, mode 0755).
 */
export function unreadableByOthers(paths: string[]): string[] {
  return paths.filter((p) => {
    const st = fs.statSync(p);
    return (st.mode & (st.isDirectory() ? 0o005 : 0o004)) !== (st.isDirectory() ? 0o005 : 0o004);
  });
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Where a path's mount point goes: in the root's skeleton, or (under /tmp) in the skeleton of the private /tmp. */
const TMP = "/tmp";

/**
 * The new root's skeleton, made here with plain file-system calls (no process per folder): every mount
 * point (folders, empty files for bound files), the /usr links, /dev, /proc. Paths under /tmp get theirs
 * in `root + ".tmp"`, copied into the private /tmp once it is mounted.
 */
export function buildRoot(plan: MountPlan): void {
  const { root } = plan;
  const tmpSkel = root + ".tmp";
  const point = (p: string) => {
    const base = under(p, TMP) ? path.join(tmpSkel, path.relative(TMP, p)) : path.join(root, p);
    if (fs.statSync(p).isDirectory()) fs.mkdirSync(base, { recursive: true, mode: 0o755 });
    else {
      fs.mkdirSync(path.dirname(base), { recursive: true, mode: 0o755 });
      fs.writeFileSync(base, "");
    }
  };
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  fs.mkdirSync(tmpSkel, { recursive: true, mode: 0o755 });
  fs.chmodSync(root, 0o755);
  for (const [link, target] of USR_LINKS) if (exists(path.join("/", target))) fs.symlinkSync(target, path.join(root, link));
  for (const d of ["dev", "proc", "tmp"]) fs.mkdirSync(path.join(root, d), { mode: 0o755 });
  for (const f of ["dev/null", "dev/urandom"]) fs.writeFileSync(path.join(root, f), "");
  for (const p of [...systemReadPaths(), ...plan.readOnly, ...plan.readWrite, plan.workDir]) point(p);
}

/**
 * The shell script run as root inside `unshare --mount --pid --net --fork`: mounts onto the skeleton of
 * buildRoot (a private mount namespace: the host never sees these mounts), then execs `chroot ROOT CMD…`
 * where CMD is the script's arguments (the launcher appends prlimit/setpriv/kernel). `set -e`: any failed
 * mount stops the kernel from starting (the grader reports the start failure); the sandbox never runs
 * half-built. Some 15 mount(8) calls, two cp: each is a process, the bulk of the set-up's cost.
 */
export function setupScript(plan: MountPlan, cgroupProcs?: string): string {
  const lines = ["set -eu", `R=${q(plan.root)}`];
  lines.push(
    `mount --bind /dev/null "$R"/dev/null`,
    `mount --bind /dev/urandom "$R"/dev/urandom`,
    `mount -t proc -o nosuid,nodev,noexec proc "$R"/proc`,
    // /tmp before the binds: the grader's folders under /tmp are bound into this fresh one
    `mount -t tmpfs -o mode=1777,nosuid,nodev,size=${plan.tmpMb}m tlab-tmp "$R"/tmp`,
    `cp -a ${q(plan.root + ".tmp")}/. "$R"/tmp/`,
  );
  for (const p of [...systemReadPaths(), ...plan.readOnly]) lines.push(`mount --bind -o ro,nosuid,nodev ${q(p)} "$R"${q(p)}`);
  for (const p of plan.readWrite) lines.push(`mount --bind -o nosuid,nodev ${q(p)} "$R"${q(p)}`);
  lines.push(
    `mount -t tmpfs -o mode=0700,nosuid,nodev,size=${plan.workMb}m,uid=${plan.uid},gid=${plan.gid} tlab-work "$R"${q(plan.workDir)}`,
    // the host folder holds the connection file and the node_modules link the launcher put there
    `cp -a ${q(plan.workDir)}/. "$R"${q(plan.workDir)}/`,
  );
  if (cgroupProcs) lines.push(`echo 0 > ${q(cgroupProcs)}`); // 0: the writing process (this shell), whatever its PID namespace
  // coreutils chroot changes to "/": env -C puts the kernel back in its working folder
  lines.push(`exec chroot "$R" /usr/bin/env -C ${q(plan.workDir)} "$@"`);
  return lines.join("\n");
}
