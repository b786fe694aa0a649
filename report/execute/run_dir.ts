/** A chapter process's scratch directory under `.cache/run/`: created for one run, held by a lock while the
 * build that owns it lives, removed afterwards; one whose owner died (killed build) is removed by the next. */
import { join } from "node:path";
import { acquireLock, tryLock } from "../cache/lock.ts";

const LOCK_FILE = ".owner";
/** A directory without a lock file is left alone this long, in case its build is just creating it. */
const UNLOCKED_GRACE_MS = 60_000;

export interface RunDir {
  path: string;
  /** Removes the directory (unless `keep`) and releases the lock. */
  release(keep: boolean): Promise<void>;
}

export function runRoot(cacheDir: string): string {
  return join(cacheDir, "run");
}

export async function openRunDir(cacheDir: string, name: string): Promise<RunDir> {
  const path = join(runRoot(cacheDir), name);
  await Deno.mkdir(path, { recursive: true });
  // Creating a file and locking it are two steps: a sweep between them would find the lock free and take the
  // folder. The lock is taken under a name of its own and renamed into place, so the lock file a sweep can see
  // is locked from the start (a folder without one is left alone for a grace period).
  const taken = join(path, `${LOCK_FILE}-${crypto.randomUUID()}`);
  const lock = await acquireLock(taken);
  await Deno.rename(taken, join(path, LOCK_FILE));
  return {
    path,
    async release(keep) {
      if (!keep) await Deno.remove(path, { recursive: true }).catch(() => {});
      lock.release();
    },
  };
}

/** Removes the scratch directories of builds that are gone (their lock is free). Returns how many. */
export async function sweepRunDirs(cacheDir: string, now = Date.now()): Promise<number> {
  const root = runRoot(cacheDir);
  let removed = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch {
    return 0;
  }
  const live = new Set<string>();
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    if (await isAbandoned(join(root, entry.name), now)) {
      await Deno.remove(join(root, entry.name), { recursive: true }).catch(() => {});
      removed += 1;
    } else live.add(entry.name);
  }
  // Audit logs (see audit.ts) sit beside their scratch directory and go with it.
  for (const entry of entries) {
    const owner = /^(.*)\.audit-\d+\.jsonl$/.exec(entry.name)?.[1];
    if (entry.isFile && owner !== undefined && !live.has(owner)) {
      await Deno.remove(join(root, entry.name)).catch(() => {});
    }
  }
  return removed;
}

async function isAbandoned(path: string, now: number): Promise<boolean> {
  const lockFile = join(path, LOCK_FILE);
  if (!(await Deno.stat(lockFile).catch(() => undefined))) {
    const stat = await Deno.stat(path).catch(() => undefined);
    return stat?.mtime !== null && stat?.mtime !== undefined &&
      now - stat.mtime.getTime() > UNLOCKED_GRACE_MS;
  }
  const lock = await tryLock(lockFile).catch(() => undefined);
  lock?.release();
  return lock !== undefined;
}
