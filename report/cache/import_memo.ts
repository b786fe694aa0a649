import { writeFileAtomicSync } from "./atomic.ts";

/** Remembers the imports of each source text by its content hash, so unchanged files are never re-scanned. */
export interface ImportMemo {
  get(contentHash: string): string[] | undefined;
  set(contentHash: string, specifiers: string[]): void;
  /** Persists new entries (no-op when nothing changed or when the memo is in-memory only). */
  save(): void;
  readonly size: number;
}

function readMemoFile(path: string): Record<string, string[]> {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(path));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch { /* missing or unreadable memo: start empty */ }
  return {};
}

export function memoryImportMemo(initial: Record<string, string[]> = {}): ImportMemo {
  const entries = new Map(Object.entries(initial));
  return {
    get: (hash) => entries.get(hash),
    set: (hash, specifiers) => void entries.set(hash, specifiers),
    save: () => {},
    get size() {
      return entries.size;
    },
  };
}

/** A memo persisted as one JSON file; concurrent writers merge what is on disk and replace it atomically. */
export function fileImportMemo(path: string): ImportMemo {
  const entries = new Map(Object.entries(readMemoFile(path)));
  const added = new Map<string, string[]>();
  return {
    get: (hash) => entries.get(hash),
    set(hash, specifiers) {
      entries.set(hash, specifiers);
      added.set(hash, specifiers);
    },
    save() {
      if (added.size === 0) return;
      const merged = { ...readMemoFile(path), ...Object.fromEntries(added) };
      writeFileAtomicSync(path, JSON.stringify(merged));
      added.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
