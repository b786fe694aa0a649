import { dirname } from "node:path";

export interface LockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** A lock held longer than this (or by a process that no longer exists) is taken over. */
  staleMs?: number;
  pollMs?: number;
}

interface LockOwner {
  pid: number;
  since: number;
}

function processAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return Deno.build.os !== "linux";
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(path)) as LockOwner;
  } catch {
    return undefined;
  }
}

function tryCreate(path: string): boolean {
  try {
    const file = Deno.openSync(path, { createNew: true, write: true });
    const owner: LockOwner = { pid: Deno.pid, since: Date.now() };
    file.writeSync(new TextEncoder().encode(JSON.stringify(owner)));
    file.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
}

function isStale(path: string, staleMs: number): boolean {
  const owner = readOwner(path);
  if (!owner) {
    try {
      return Date.now() - (Deno.statSync(path).mtime?.getTime() ?? 0) > staleMs;
    } catch {
      return false;
    }
  }
  return !processAlive(owner.pid) || Date.now() - owner.since > staleMs;
}

/** Runs `work` while holding an exclusive lock file (created with O_EXCL, removed afterwards). */
export async function withLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, staleMs = 120_000, pollMs = 20 } = options;
  Deno.mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  while (!tryCreate(path)) {
    if (isStale(path, staleMs)) {
      try {
        Deno.removeSync(path);
      } catch { /* someone else took it over first */ }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs + Math.random() * pollMs));
  }
  try {
    return await work();
  } finally {
    try {
      Deno.removeSync(path);
    } catch { /* removed as stale by another process */ }
  }
}
