/** Which chapters may run side by side.
 *
 * Chapters are grouped into parts by their number without its last digit (`10-…` to `19-…` form part `1`,
 * `00-…` to `09-…` part `0`); a chapter without a number is a part of its own. The chapters of one part usually
 * share a trained model, so the scheduler prefers to run them one after another (the first trains, the next load
 * the stored model) and to fill a free slot with a chapter of another part. */
export function partOf(name: string): string {
  const number = /^(\d+)(?=[-_. ]|$)/.exec(name)?.[1];
  if (number === undefined) return `:${name}`;
  return number.length > 1 ? number.slice(0, -1) : "0";
}

/** The position in `pending` of the chapter to start next: the first whose part is not running, else the first. */
export function nextToStart(pending: readonly string[], runningParts: ReadonlySet<string>): number {
  const free = pending.findIndex((name) => !runningParts.has(partOf(name)));
  return free >= 0 ? free : 0;
}

/** Runs `run` for every name with at most `jobs` at once, in the order `nextToStart` picks; results keep the
 * input order. Once `stop()` is true no new chapter starts; running ones finish. */
export async function runChapters<R>(
  names: readonly string[],
  jobs: number,
  run: (index: number) => Promise<R>,
  stop: () => boolean,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(names.length).fill(undefined);
  const pending = names.map((name, index) => ({ name, index }));
  const runningParts = new Map<string, number>();
  const slots = Math.max(1, Math.floor(jobs));

  const worker = async (): Promise<void> => {
    while (pending.length > 0 && !stop()) {
      const at = nextToStart(pending.map((entry) => entry.name), new Set(runningParts.keys()));
      const [{ name, index }] = pending.splice(at, 1);
      const part = partOf(name);
      runningParts.set(part, (runningParts.get(part) ?? 0) + 1);
      try {
        results[index] = await run(index);
      } finally {
        const left = runningParts.get(part)! - 1;
        if (left === 0) runningParts.delete(part);
        else runningParts.set(part, left);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(slots, names.length) }, worker));
  return results;
}
