import { basename, dirname } from "node:path";
import { fileErrorReason } from "../errors.ts";
import { writeFileAtomicSync } from "./atomic.ts";

/** Remembers the imports of each source text by its content hash, so unchanged files are never re-scanned. */
export interface ImportMemo {
  get(contentHash: string): string[] | undefined;
  set(contentHash: string, specifiers: string[]): void;
  /** Persists new entries (no-op when nothing changed or when the memo is in-memory only). */
  save(): void;
  readonly size: number;
}

/** Says what went wrong with a memo file, in one line; the memo is only an optimisation, so it never throws. */
export type MemoProblemReporter = (line: string) => void;

// One line per memo file and process, however many memos read it.
const reported = new Set<string>();
const warnOnce: MemoProblemReporter = (line) => console.warn(line);

function reportOnce(path: string, line: string, report?: MemoProblemReporter): void {
  if (!report || reported.has(path)) return;
  reported.add(path);
  report(line);
}

function readMemoFile(path: string, report?: MemoProblemReporter): Record<string, string[]> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      reportOnce(path, `cache: ignored ${basename(path)} (${fileErrorReason(error)}); rebuilding it`, report);
    }
    return {};
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch { /* reported below */ }
  reportOnce(path, `cache: ignored ${basename(path)} (not a JSON object); rebuilding it`, report);
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

/** A memo persisted as one JSON file; concurrent writers merge what is on disk and replace it atomically. An
 * unreadable memo file is an empty memo, reported once; one that cannot be written is reported, not thrown. */
export function fileImportMemo(path: string, report: MemoProblemReporter = warnOnce): ImportMemo {
  const entries = new Map(Object.entries(readMemoFile(path, report)));
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
      try {
        writeFileAtomicSync(path, JSON.stringify(merged), { repairBelow: dirname(path) });
      } catch (error) {
        reportOnce(
          `${path} (write)`,
          `cache: could not save ${basename(path)} (${fileErrorReason(error)})`,
          report,
        );
      }
      added.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
