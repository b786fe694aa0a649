/** What one chapter process said, turned into results: the protocol's state machine, with no timers or I/O. */
import type { ChildMessage } from "../runtime/protocol.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import type { BlockResult, InlineResult, Output } from "../types.ts";
import type { Segment } from "./audit.ts";
import type { ExecutionObserver } from "./executor.ts";

/** Console text kept per block; what a block prints beyond this is counted, not stored. */
export const CONSOLE_LIMIT_CHARS = 1 << 20;

export class ChapterRecorder {
  /** The block running now, if any. */
  current: BlockResult | undefined;
  startedAt = 0;
  runningInline: number | undefined;
  done = false;
  lingered = false;
  readonly inlines: InlineResult[] = [];
  readonly scopes: Record<number, ScopeSnapshot> = {};
  /** Audit-log marks the runtime announced, in the order the blocks and inline expressions started. */
  readonly markers = new Map<string, Segment>();
  #consoleChars = 0;
  #droppedChars = 0;

  constructor(
    private readonly results: Map<number, BlockResult>,
    private readonly startAt: number,
    private readonly observer: ExecutionObserver,
    private readonly now: () => number,
    private readonly admit: (output: Output, block: number) => Output = (output) => output,
  ) {}

  /** Text the process printed outside the protocol (e.g. straight to stdout): a console line of the block. */
  stray(text: string): void {
    if (this.current && this.current.index >= this.startAt) {
      this.#output({ kind: "console", stream: "log", text });
    }
  }

  handle(message: ChildMessage): void {
    switch (message.type) {
      case "block-start":
        if (message.marker) this.markers.set(message.marker, { kind: "block", index: message.index });
        this.current = { index: message.index, status: "ok", outputs: [], seconds: 0 };
        this.startedAt = this.now();
        this.#consoleChars = 0;
        this.#droppedChars = 0;
        this.observer.blockStarted(message.index);
        break;
      case "output":
        if (this.current) this.#output(message.output);
        break;
      case "progress":
        this.observer.blockProgress(message.index, message.update);
        break;
      case "block-end":
        this.#endBlock(message);
        break;
      case "async-error": {
        const earlier = this.results.get(message.index);
        if (!earlier) break;
        const result: BlockResult = { ...earlier, status: "error", error: message.error };
        this.results.set(message.index, result);
        this.observer.blockFinished(result);
        break;
      }
      case "inline-start":
        if (message.marker) this.markers.set(message.marker, { kind: "inline", index: message.index });
        this.runningInline = message.index;
        break;
      case "inline": {
        this.runningInline = undefined;
        const result = message.result;
        this.inlines[message.index] = result.ok
          ? { ok: true, output: this.admit(result.output, -1) }
          : result;
        break;
      }
      case "scope":
        this.scopes[message.index] = message.snapshot;
        break;
      case "memo": {
        const { event } = message;
        if (
          this.current?.index === message.index && (event.state === "loaded" || event.state === "computed")
        ) {
          (this.current.computations ??= []).push({ name: event.name, key: event.key, refs: event.refs });
        }
        this.observer.memo?.(message.index, event);
        break;
      }
      case "done":
        this.done = true;
        break;
      case "lingering":
        this.lingered = true;
        break;
    }
  }

  #output(output: Output): void {
    const current = this.current!;
    if (output.kind === "console") {
      if (this.#consoleChars + output.text.length > CONSOLE_LIMIT_CHARS) {
        this.#droppedChars += output.text.length;
        return;
      }
      this.#consoleChars += output.text.length;
    }
    current.outputs.push(this.admit(output, current.index));
  }

  #endBlock(message: Extract<ChildMessage, { type: "block-end" }>): void {
    const finished = this.current;
    this.current = undefined;
    if (!finished) return;
    if (this.#droppedChars > 0) {
      finished.outputs.push({
        kind: "console",
        stream: "warn",
        text: `… ${this.#droppedChars.toLocaleString("en-US")} more characters of console output not kept ` +
          `(a block keeps at most ${CONSOLE_LIMIT_CHARS.toLocaleString("en-US")})`,
      });
    }
    const result: BlockResult = {
      ...finished,
      status: message.status,
      error: message.error,
      seconds: message.seconds,
      ...(message.backend ? { backend: message.backend } : {}),
    };
    if (message.index < this.startAt) {
      if (this.results.has(message.index)) return;
      result.outputs = [];
    }
    this.results.set(message.index, result);
    this.observer.blockFinished(result);
  }
}
