/**
 * `tlab grade autograde --shard K/N`: a class split over N machines by a stable hash of the student id.
 * A student's shard depends on its id and N only (rendezvous on nothing else), so adding or dropping a
 * student moves no one else; each shard is graded into a gradebook of its own, which remembers the split
 * and the sources it was graded against so that `tlab grade merge` can refuse what does not belong together.
 */
import { createHash } from "crypto";
import { Gradebook } from "./gradebook";

export interface Shard {
  /** 1-based, as Slurm's SLURM_ARRAY_TASK_ID (a Kubernetes JOB_COMPLETION_INDEX is 0-based: add 1) */
  index: number;
  count: number;
}

/** "K/N" → { index: K, count: N }, or an error naming the argument and what is wrong. */
export function parseShard(spec: string, flag = "--shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new Error(`${flag} "${spec}": expected K/N with whole numbers, 1 ≤ K ≤ N (e.g. 1/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new Error(`${flag} "${spec}": N must be at least 1`);
  if (index < 1 || index > count) throw new Error(`${flag} "${spec}": K must be between 1 and ${count} (shards are numbered from 1)`);
  return { index, count };
}

export const shardSpec = (s: Shard) => `${s.index}/${s.count}`;

/** The shard (1..count) of a student: the first 48 bits of sha256(id), modulo count. */
export function shardOf(student: string, count: number): number {
  const h = createHash("sha256").update(student, "utf8").digest();
  return (h.readUIntBE(0, 6) % count) + 1;
}

export const inShard = (student: string, shard: Shard) => shardOf(student, shard.count) === shard.index;

/**
 * What a gradebook says of itself (table shard_meta): the shard it holds, or the shards merged into it,
 * and the sources it was graded against (notebook name → sha256).
 */
export interface ShardMeta {
  shard?: string;
  merged?: string[];
  sources: Record<string, string>;
}

const META = "CREATE TABLE IF NOT EXISTS shard_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

/** The gradebook's shard_meta (undefined for a gradebook of an unsharded run); `db` is any better-sqlite3 connection. */
export function readShardMeta(db: Gradebook["db"]): ShardMeta | undefined {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shard_meta'").get();
  if (!has) return undefined;
  const kv = Object.fromEntries((db.prepare("SELECT key, value FROM shard_meta").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  return {
    ...(kv.shard ? { shard: kv.shard } : {}),
    ...(kv.merged ? { merged: JSON.parse(kv.merged) as string[] } : {}),
    sources: JSON.parse(kv.sources ?? "{}") as Record<string, string>,
  };
}

export function writeShardMeta(db: Gradebook["db"], meta: ShardMeta): void {
  db.exec(META);
  const put = db.prepare("INSERT OR REPLACE INTO shard_meta VALUES (?, ?)");
  db.transaction(() => {
    db.prepare("DELETE FROM shard_meta").run();
    if (meta.shard) put.run("shard", meta.shard);
    if (meta.merged) put.run("merged", JSON.stringify(meta.merged));
    put.run("sources", JSON.stringify(meta.sources));
  })();
}

/**
 * Mark `gb` as the gradebook of `shard`, graded against `sources`. A gradebook of another shard, a merged
 * one or one of an unsharded run is refused (resuming shard 2 into shard 1's file would mix them); new
 * sources are recorded (autograde regrades what was graded against the old ones).
 */
export function claimShard(gb: Gradebook, shard: Shard, sources: Record<string, string>): void {
  const had = readShardMeta(gb.db);
  const spec = shardSpec(shard);
  const own = `give each shard a gradebook of its own (e.g. grades-${shard.index}.sqlite)`;
  if (had?.merged) throw new Error(`--gradebook ${gb.file} is a merged gradebook (tlab grade merge), not shard ${spec}: ${own}`);
  if (had?.shard && had.shard !== spec) throw new Error(`--gradebook ${gb.file} holds shard ${had.shard}, not ${spec}: ${own}`);
  if (!had?.shard && gb.submissions().length) throw new Error(`--gradebook ${gb.file} holds an unsharded run, not shard ${spec}: ${own}`);
  writeShardMeta(gb.db, { shard: spec, sources });
}

/** A sqlite error on gradebook `file`, said in the TA's terms: locked, truncated or corrupt, or as it came. */
export function gradebookError(file: string, e: unknown): Error {
  const code = (e as { code?: string }).code ?? "";
  const msg = (e as Error).message;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new Error(`${file}: locked by another process (a shard still grading, or another merge): wait for it to finish, then run again; nothing was written`);
  }
  if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT") || /malformed|not a database/.test(msg)) {
    return new Error(`${file}: not a readable gradebook, truncated or corrupt (${msg}): grade its shard again into a new gradebook (--shard K/N), then merge; nothing was written`);
  }
  return new Error(`${file}: ${msg}`);
}

/**
 * The gradebook of `shard`, checked whole before anything is graded into it (a truncated file would
 * otherwise fail half way through), and claimed for that shard (claimShard).
 */
export function openShardGradebook(file: string, shard: Shard, sources: Record<string, string>): Gradebook {
  let gb: Gradebook | undefined;
  try {
    gb = new Gradebook(file);
    const check = gb.db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw Object.assign(new Error(`integrity check: ${String(check)}`), { code: "SQLITE_CORRUPT" });
  } catch (e) {
    gb?.close();
    throw gradebookError(`--gradebook ${file}`, e);
  }
  try {
    claimShard(gb, shard, sources);
  } catch (e) {
    gb.close();
    throw e;
  }
  return gb;
}
