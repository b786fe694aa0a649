/** What the terminal says about stored computations (`memo`) while chapters run side by side: who computes
 * what, who waits for whom, and (with `--explain`) why a computation ran. Nothing of this reaches the report. */
import { formatDuration } from "../format.ts";
import type { MemoEvent } from "../runtime/protocol.ts";

export class ComputationBoard {
  /** Static key → chapter computing it now. */
  readonly #computing = new Map<string, string>();
  /** Static key → chapters that wait for it, while the chapter computing it is not known yet: the computing
   * chapter takes the lock a moment before it says so, so a waiter can speak first. */
  readonly #unannounced = new Map<string, { chapter: string; name: string }[]>();

  constructor(private readonly explain: boolean) {}

  /** The lines to print for `event` from `chapter` (often none). */
  describe(chapter: string, event: MemoEvent): string[] {
    switch (event.state) {
      case "waiting": {
        const owner = this.#computing.get(event.key);
        if (owner) return [waitingLine(chapter, event.name, owner)];
        this.#unannounced.set(event.key, [...(this.#unannounced.get(event.key) ?? []), {
          chapter,
          name: event.name,
        }]);
        return [];
      }
      case "computing": {
        this.#computing.set(event.key, chapter);
        const waiters = this.#unannounced.get(event.key) ?? [];
        this.#unannounced.delete(event.key);
        return [
          this.explain
            ? `why: ${event.name} computed by ${chapter}: ${event.reason ?? "new"}`
            : `${chapter}: computing ${event.name}`,
          ...waiters.map((waiter) => waitingLine(waiter.chapter, waiter.name, chapter)),
        ];
      }
      case "computed":
        for (const [key, owner] of this.#computing) if (owner === chapter) this.#computing.delete(key);
        return [`${chapter}: ${event.name} computed in ${formatDuration(event.seconds ?? 0)} and stored`];
      case "loaded":
        // A wait no chapter of this build announced computing for: another build computed it.
        for (const [key, waiters] of this.#unannounced) {
          const mine = waiters.find((waiter) => waiter.chapter === chapter && waiter.name === event.name);
          if (!mine) continue;
          const rest = waiters.filter((waiter) => waiter !== mine);
          if (rest.length > 0) this.#unannounced.set(key, rest);
          else this.#unannounced.delete(key);
          return [`${chapter}: waited for ${event.name}, which another build computed`];
        }
        return [];
      case "discarded":
        return [
          `cache: discarded stored ${event.name} entry ${
            event.key.slice(0, 12)
          } (${event.reason}); recomputing`,
        ];
    }
  }
}

function waitingLine(chapter: string, name: string, owner: string): string {
  return `${chapter}: waiting for ${name}, which ${owner} is computing (its progress is shown as it runs)`;
}
