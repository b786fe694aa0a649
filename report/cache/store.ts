import { join } from "node:path";
import { writeFileAtomic } from "./atomic.ts";
import { decodeEntry, encodeEntry } from "./entry.ts";

export interface CacheProblem {
  key: string;
  path: string;
  reason: string;
}

export interface CacheStoreOptions {
  dir: string;
  /** Called once per unusable entry; the entry is then removed and treated as a miss. */
  onProblem?: (problem: CacheProblem) => void;
}

export interface CacheStore {
  readonly dir: string;
  get(key: string): Promise<unknown | undefined>;
  put(key: string, value: unknown): Promise<void>;
  pathOf(key: string): string;
}

const KEY_PATTERN = /^[0-9a-f]{16,128}$/;

export function describeProblem(problem: CacheProblem): string {
  return `cache: discarded entry ${problem.key.slice(0, 12)} (${problem.reason}); recomputing`;
}

export function openCacheStore(options: CacheStoreOptions): CacheStore {
  const { dir } = options;
  const onProblem = options.onProblem ?? ((problem) => console.warn(describeProblem(problem)));

  function pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`cache key must be lowercase hex: ${key}`);
    return join(dir, key.slice(0, 2), `${key}.entry`);
  }

  async function get(key: string): Promise<unknown | undefined> {
    const path = pathOf(key);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      onProblem({ key, path, reason: `unreadable: ${(error as Error).message}` });
      return undefined;
    }
    const decoded = await decodeEntry(key, bytes);
    if (decoded.ok) return decoded.value;
    onProblem({ key, path, reason: decoded.reason });
    await Deno.remove(path).catch(() => {});
    return undefined;
  }

  async function put(key: string, value: unknown): Promise<void> {
    await writeFileAtomic(pathOf(key), await encodeEntry(key, value));
  }

  return { dir, get, put, pathOf };
}
