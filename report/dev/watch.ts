import { basename } from "node:path";

export interface DebouncedWatchOptions {
  paths: string[];
  debounceMs?: number;
  onChange: (files: string[]) => void;
}

export interface DebouncedWatcher {
  close(): void;
  /** Resolves when the watcher has stopped. */
  readonly closed: Promise<void>;
}

/** Editor swap/backup files and our own temp files, which must not trigger rebuilds. */
export function isNoise(path: string): boolean {
  const name = basename(path);
  return name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".swx") || name.endsWith(".tmp") ||
    name.startsWith(".#") || name === "4913" || name.endsWith(".tmp.pdf");
}

/** Watches folders recursively and reports each burst of changes once, after `debounceMs` of quiet. */
export function watchDebounced(options: DebouncedWatchOptions): DebouncedWatcher {
  const { debounceMs = 120 } = options;
  const existing = options.paths.filter((path) => {
    try {
      Deno.statSync(path);
      return true;
    } catch {
      return false;
    }
  });
  const watcher = Deno.watchFs(existing, { recursive: true });
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    timer = undefined;
    if (pending.size === 0) return;
    const files = [...pending].sort();
    pending.clear();
    options.onChange(files);
  }

  const closed = (async () => {
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        const relevant = event.paths.filter((path) => !isNoise(path));
        if (relevant.length === 0) continue;
        for (const path of relevant) pending.add(path);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  })();

  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      try {
        watcher.close();
      } catch { /* already closed */ }
    },
    closed,
  };
}
