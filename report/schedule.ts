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

/** What a running chapter tells the scheduler: it waits for another chapter's stored computation (its core
 * is idle, so another chapter may start), or it goes on. */
export type WaitSignal = (waiting: boolean) => void;

/** Runs `run` for every name with at most `jobs` busy at once, in the order `nextToStart` picks; results keep the
 * input order. A chapter that signals it is waiting for another chapter's computation does not count as busy, so
 * a core never idles while a chapter could run (at most `2 × jobs` processes exist at once). Once `stop()` is true
 * no new chapter starts; running ones finish. */
export async function runChapters<R>(
  names: readonly string[],
  jobs: number,
  run: (index: number, waiting: WaitSignal) => Promise<R>,
  stop: () => boolean,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(names.length).fill(undefined);
  const pending = names.map((name, index) => ({ name, index }));
  const runningParts = new Map<string, number>();
  const slots = Math.max(1, Math.floor(jobs));
  const waiting = new Set<number>();
  let running = 0;
  let failure: { error: unknown } | undefined;
  let wake = () => {};

  const start = ({ name, index }: { name: string; index: number }) => {
    const part = partOf(name);
    runningParts.set(part, (runningParts.get(part) ?? 0) + 1);
    running += 1;
    const signal: WaitSignal = (on) => {
      if (on === waiting.has(index)) return;
      if (on) waiting.add(index);
      else waiting.delete(index);
      wake();
    };
    run(index, signal).then(
      (result) => results[index] = result,
      (error) => failure ??= { error },
    ).finally(() => {
      running -= 1;
      waiting.delete(index);
      const left = runningParts.get(part)! - 1;
      if (left === 0) runningParts.delete(part);
      else runningParts.set(part, left);
      wake();
    });
  };

  while (true) {
    while (
      pending.length > 0 && !failure && !stop() && running - waiting.size < slots && running < 2 * slots
    ) {
      const at = nextToStart(pending.map((entry) => entry.name), new Set(runningParts.keys()));
      start(pending.splice(at, 1)[0]);
    }
    if (running === 0) break;
    await new Promise<void>((resolve) => wake = resolve);
  }
  if (failure) throw failure.error;
  return results;
}
