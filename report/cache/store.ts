import { dirname, join } from "node:path";
import { fileErrorReason } from "../errors.ts";
import { clearObstacles, writeFileAtomic } from "./atomic.ts";
import { decodeEntry, encodeEntry, type EntryKind } from "./entry.ts";

export interface CacheProblem {
  key: string;
  path: string;
  reason: string;
  /** `write`: the entry could not be stored (the build goes on; it is computed again next time). */
  action?: "read" | "write";
}

export interface CacheStoreOptions {
  dir: string;
  /** Called once per unusable entry (the entry is then removed and treated as a miss), and once per reason an
   * entry could not be stored (nothing is thrown: the cache never stops a build). */
  onProblem?: (problem: CacheProblem) => void;
}

export interface CacheStore {
  readonly dir: string;
  get(key: string): Promise<unknown | undefined>;
  put(key: string, value: unknown): Promise<void>;
  /** A plain-text entry (no JSON): for large text such as rendered HTML. */
  getText(key: string): Promise<string | undefined>;
  putText(key: string, text: string): Promise<void>;
  /** Whether an entry is stored under `key` (not whether it is intact: `get` checks that). */
  has(key: string): boolean;
  pathOf(key: string): string;
}

const KEY_PATTERN = /^[0-9a-f]{16,128}$/;

export function describeProblem(problem: CacheProblem): string {
  const key = problem.key.slice(0, 12);
  return problem.action === "write"
    ? `cache: could not store entry ${key} (${problem.reason}); it will be computed again next time`
    : `cache: discarded entry ${key} (${problem.reason}); recomputing`;
}

export function openCacheStore(options: CacheStoreOptions): CacheStore {
  const { dir } = options;
  const onProblem = options.onProblem ?? ((problem) => console.warn(describeProblem(problem)));

  function pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`cache key must be lowercase hex: ${key}`);
    return join(dir, key.slice(0, 2), `${key}.entry`);
  }

  // Everything below the store's parent may be cleared: the store folder itself and its shard folders.
  const below = dirname(dir);
  const writeReasons = new Set<string>();

  async function get(key: string, kind: EntryKind = "json"): Promise<unknown | undefined> {
    const path = pathOf(key);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = Deno.readFileSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      onProblem({ key, path, reason: `unreadable: ${fileErrorReason(error)}` });
      await clearObstacles(path, below, "any").catch(() => {});
      return undefined;
    }
    const decoded = decodeEntry(key, bytes, kind);
    if (decoded.ok) {
      // The entry's time says when a build last used it (see prune.ts).
      const now = new Date();
      try {
        Deno.utimeSync(path, now, now);
      } catch { /* read-only cache: the entry still serves */ }
      return decoded.value;
    }
    onProblem({ key, path, reason: decoded.reason });
    await Deno.remove(path).catch(() => {});
    return undefined;
  }

  async function put(key: string, value: unknown, kind: EntryKind = "json"): Promise<void> {
    const path = pathOf(key);
    try {
      await writeFileAtomic(path, encodeEntry(key, value, kind), { repairBelow: below });
    } catch (error) {
      const reason = fileErrorReason(error);
      if (writeReasons.has(reason)) return;
      writeReasons.add(reason);
      onProblem({ key, path, reason, action: "write" });
    }
  }

  function has(key: string): boolean {
    try {
      return Deno.statSync(pathOf(key)).isFile;
    } catch {
      return false;
    }
  }

  return {
    dir,
    get: (key) => get(key),
    put: (key, value) => put(key, value),
    getText: async (key) => await get(key, "text") as string | undefined,
    putText: (key, text) => put(key, text, "text"),
    has,
    pathOf,
  };
}
