/** What the terminal says about stored computations (`memo`) while chapters run side by side: who computes
 * what, who waits for whom, and (with `--explain`) why a computation ran. Nothing of this reaches the report. */
import { formatDuration } from "../format.ts";
import type { MemoEvent } from "../runtime/protocol.ts";

export class ComputationBoard {
  /** Static key → chapter computing it now. */
  readonly #computing = new Map<string, string>();

  constructor(private readonly explain: boolean) {}

  /** The line to print for `event` from `chapter`, if any. */
  describe(chapter: string, event: MemoEvent): string | undefined {
    switch (event.state) {
      case "waiting": {
        const owner = this.#computing.get(event.key);
        return `${chapter}: waiting for ${event.name}, which ${
          owner ? `${owner} is computing (its progress is shown as it runs)` : "another build is computing"
        }`;
      }
      case "computing":
        this.#computing.set(event.key, chapter);
        return this.explain
          ? `why: ${event.name} computed by ${chapter}: ${event.reason ?? "new"}`
          : `${chapter}: computing ${event.name}`;
      case "computed":
        for (const [key, owner] of this.#computing) if (owner === chapter) this.#computing.delete(key);
        return `${chapter}: ${event.name} computed in ${formatDuration(event.seconds ?? 0)} and stored`;
      case "loaded":
        return undefined;
      case "discarded":
        return `cache: discarded stored ${event.name} entry ${
          event.key.slice(0, 12)
        } (${event.reason}); recomputing`;
    }
  }
}
