/**
 * Housekeeping of the cache: every entry read or written by a build has its modification time set then (see
 * store.ts), so after a full build the entries that none of the last builds used are the ones older than the
 * start of the earliest of them. Those are removed; then, while the stores are above the size limit, the least
 * recently used entries, never one the build that just ended used.
 */
import { join } from "node:path";

export interface PruneOptions {
  /** Folders holding `<shard>/<key>.entry` files. */
  stores: readonly string[];
  /** Where the start times of recent full builds are kept. */
  historyFile: string;
  /** When the build that just ended started (epoch ms). */
  started: number;
  /** How many recent full builds keep their entries. */
  keepBuilds?: number;
  maxBytes: number;
}

export interface PruneResult {
  removed: number;
  removedBytes: number;
  keptBytes: number;
}

export const DEFAULT_KEEP_BUILDS = 3;
export const DEFAULT_LIMIT_MB = 2048;

interface EntryFile {
  path: string;
  bytes: number;
  used: number;
}

async function entriesOf(store: string): Promise<EntryFile[]> {
  const files: EntryFile[] = [];
  let shards: Deno.DirEntry[];
  try {
    shards = await Array.fromAsync(Deno.readDir(store));
  } catch {
    return files;
  }
  for (const shard of shards) {
    if (!shard.isDirectory || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    for await (const file of Deno.readDir(join(store, shard.name))) {
      if (!file.isFile || !file.name.endsWith(".entry")) continue;
      const path = join(store, shard.name, file.name);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info) files.push({ path, bytes: info.size, used: info.mtime?.getTime() ?? 0 });
    }
  }
  return files;
}

async function recentStarts(historyFile: string, started: number, keep: number): Promise<number[]> {
  let starts: number[] = [];
  try {
    const stored = JSON.parse(await Deno.readTextFile(historyFile));
    if (Array.isArray(stored?.starts)) {
      starts = stored.starts.filter((value: unknown) => typeof value === "number");
    }
  } catch { /* no history yet, or damaged: start one */ }
  starts = [...starts.filter((value) => value !== started), started].sort((a, b) => a - b).slice(-keep);
  const staging = `${historyFile}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(staging, JSON.stringify({ starts }));
  await Deno.rename(staging, historyFile);
  return starts;
}

export async function pruneCache(options: PruneOptions): Promise<PruneResult> {
  const keep = options.keepBuilds ?? DEFAULT_KEEP_BUILDS;
  const starts = await recentStarts(options.historyFile, options.started, keep);
  // A second of slack: file times may be coarser than the clock.
  const cutoff = (starts.length >= keep ? starts[0] : 0) - 1000;
  const files = (await Promise.all(options.stores.map(entriesOf))).flat().sort((a, b) => a.used - b.used);
  let keptBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const result: PruneResult = { removed: 0, removedBytes: 0, keptBytes };
  for (const file of files) {
    const unused = file.used < cutoff;
    const overLimit = keptBytes > options.maxBytes && file.used < options.started - 1000;
    if (!unused && !overLimit) continue;
    try {
      await Deno.remove(file.path);
    } catch {
      continue;
    }
    keptBytes -= file.bytes;
    result.removed += 1;
    result.removedBytes += file.bytes;
  }
  result.keptBytes = keptBytes;
  return result;
}
