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
  /** Stores whose entries name other entries they stand on (a chapter record's `refs`, the stored
   * computations a block used): those count as used whenever the entry naming them is. */
  referring?: readonly string[];
  /** Where the start times of recent full builds are kept. */
  historyFile: string;
  /** When the build that just ended started (epoch ms). */
  started: number;
  /** How many recent full builds keep their entries. */
  keepBuilds?: number;
  maxBytes: number;
  /** Look through the stores at most this often (the build history is kept every time); default: every build. */
  everyMs?: number;
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

/** The keys an entry names: a record's `refs`, and the `refs` of the stored computations its block used. */
function namedRefs(value: unknown): string[] {
  const entry = value as { refs?: unknown; result?: { computations?: { refs?: unknown }[] } } | null;
  const lists = [entry?.refs, ...(entry?.result?.computations ?? []).map((computation) => computation?.refs)];
  return lists.flatMap((list) => Array.isArray(list) ? list.filter((ref) => typeof ref === "string") : []);
}

function keyOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/\.entry$/, "");
}

/** When each key referenced by a record was last used: when the record was. */
async function referencedUses(records: readonly EntryFile[]): Promise<Map<string, number>> {
  const uses = new Map<string, number>();
  for (const record of records) {
    try {
      const text = await Deno.readTextFile(record.path);
      for (const ref of namedRefs(JSON.parse(text.slice(text.indexOf("\n") + 1)))) {
        uses.set(ref, Math.max(uses.get(ref) ?? 0, record.used));
      }
    } catch { /* a damaged record keeps nothing alive; the store discards it when read */ }
  }
  return uses;
}

interface History {
  starts: number[];
  prunedAt: number;
}

async function readHistory(historyFile: string): Promise<History> {
  try {
    const stored = JSON.parse(await Deno.readTextFile(historyFile));
    const numbers = (value: unknown) =>
      Array.isArray(value) ? value.filter((n) => typeof n === "number") : [];
    return {
      starts: numbers(stored?.starts),
      prunedAt: typeof stored?.prunedAt === "number" ? stored.prunedAt : 0,
    };
  } catch {
    return { starts: [], prunedAt: 0 }; // no history yet, or damaged: start one
  }
}

async function writeHistory(historyFile: string, history: History): Promise<void> {
  const staging = `${historyFile}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(staging, JSON.stringify(history));
  await Deno.rename(staging, historyFile);
}

export async function pruneCache(options: PruneOptions): Promise<PruneResult> {
  const keep = options.keepBuilds ?? DEFAULT_KEEP_BUILDS;
  const history = await readHistory(options.historyFile);
  const starts = [...history.starts.filter((value) => value !== options.started), options.started]
    .sort((a, b) => a - b).slice(-keep);
  const due = options.started - history.prunedAt >= (options.everyMs ?? 0);
  await writeHistory(options.historyFile, { starts, prunedAt: due ? options.started : history.prunedAt });
  if (!due) return { removed: 0, removedBytes: 0, keptBytes: 0 };
  // A second of slack: file times may be coarser than the clock.
  const cutoff = (starts.length >= keep ? starts[0] : 0) - 1000;
  const referring = options.referring ?? [];
  const stores = [...new Set([...options.stores, ...referring])];
  const files = (await Promise.all(stores.map(entriesOf))).flat();
  // An entry that a recently used entry stands on counts as used when that one was.
  const usedVia = await referencedUses(
    files.filter((file) =>
      file.used >= cutoff && referring.some((store) => file.path.startsWith(`${store}/`))
    ),
  );
  for (const file of files) file.used = Math.max(file.used, usedVia.get(keyOf(file.path)) ?? 0);
  files.sort((a, b) => a.used - b.used);
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
