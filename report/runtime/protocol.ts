import type { AuditScope } from "../execute/audit.ts";
import type { ProgressUpdate } from "../progress.ts";
import type { LineMapping } from "../scope/line_mapping.ts";
import type { InlineResult, Output, SerializedError } from "../types.ts";
import type { ScopeSnapshot } from "./scope_snapshot.ts";

/** Local modules by path relative to the project root: the hash of each file, and the files each module
 * imports transitively (itself included). */
export interface ModuleIdentities {
  hashes: Record<string, string>;
  closures: Record<string, string[]>;
}

/** What the build hears about a stored computation. */
export interface MemoEvent {
  name: string;
  key: string;
  state: "waiting" | "computing" | "computed" | "loaded" | "discarded";
  /** Why it was computed (`--explain`), for `computing`; what was wrong with a stored entry, for `discarded`. */
  reason?: string;
  seconds?: number;
  /** For `loaded` and `computed`: every store key the result stands on (entry, trace, fingerprint). */
  refs?: string[];
}

export interface PlannedBlock {
  index: number;
  /** false for `eval: false` blocks: they are neither run nor part of the scope. */
  run: boolean;
  /** false for blocks replayed only to rebuild the scope (their outputs are known already). */
  keepOutputs: boolean;
  expectError: boolean;
  mapping: LineMapping;
  /** Set when the block may not run (it imports something that is not a dependency): reported as its error. */
  rejected?: SerializedError;
}

export interface PlannedInline {
  index: number;
  mapping: LineMapping;
}

/** Everything the chapter process needs, written as JSON by the build and read by the runtime. */
export interface ChapterPlan {
  chapter: string;
  root: string;
  /** Marks protocol lines on stdout so that the chapter's own prints cannot be mistaken for them. */
  nonce: string;
  params: Record<string, string>;
  stopOnError: boolean;
  /** Leave this plan on disk for inspection (`REPORT_KEEP_RUN=1`); otherwise the runtime removes it once read,
   * so that chapter code cannot learn the nonce. */
  keepFiles?: boolean;
  /** The build holds the process's stdin open; its closing before the end means the build is gone. */
  tethered?: boolean;
  /** Where the runtime marks block starts in the permission audit log (see execute/audit.ts), and the log. */
  audit?: { file: string; scope: AuditScope };
  /** Content-addressed identity of each local module the chapter imports (for `memo`, see report/memo.ts). */
  modules?: ModuleIdentities;
  /** Keys of the project's import map, for imports whose specifier is computed while a block runs. */
  dependencies: string[];
  /** Scope to start from (plain data stored by an earlier build) when earlier blocks only re-import. */
  restore?: ScopeSnapshot;
  blocks: PlannedBlock[];
  inlines: PlannedInline[];
}

export type ChildMessage =
  /** `marker`: the token of the audit-log mark made just before the block's code runs. */
  | { type: "block-start"; index: number; marker?: string }
  | { type: "output"; index: number; output: Output }
  | { type: "progress"; index: number; update: ProgressUpdate }
  | {
    type: "block-end";
    index: number;
    status: "ok" | "error";
    error?: SerializedError;
    seconds: number;
    backend?: string;
  }
  | { type: "inline-start"; index: number; marker?: string }
  /** A stored computation (`memo`) was looked up, waited for, computed or loaded. */
  | { type: "memo"; index: number; event: MemoEvent }
  /** The plain-data scope after a block that ran for its outputs. */
  | { type: "scope"; index: number; snapshot: ScopeSnapshot }
  | { type: "inline"; index: number; result: InlineResult }
  /** An error thrown by a timer or callback, or a rejection nobody handled, after block `index` finished. */
  | { type: "async-error"; index: number; error: SerializedError }
  | { type: "done" }
  /** Work (timers, intervals) still pending after the chapter finished; the process stopped it. */
  | { type: "lingering"; seconds: number };

const MARK = "\x1e";

export function encodeMessage(nonce: string, message: ChildMessage): string {
  return `\n${MARK}${nonce}${JSON.stringify(message)}\n`;
}

export type StreamPiece = { kind: "message"; message: ChildMessage } | { kind: "text"; text: string };

/** Splits the chapter process's stdout into protocol messages and stray text, chunk by chunk. */
export class MessageDecoder {
  #pending = "";
  readonly #marker: string;

  constructor(nonce: string) {
    this.#marker = `${MARK}${nonce}`;
  }

  push(chunk: string): StreamPiece[] {
    this.#pending += chunk;
    const pieces: StreamPiece[] = [];
    let newline: number;
    while ((newline = this.#pending.indexOf("\n")) >= 0) {
      const line = this.#pending.slice(0, newline);
      this.#pending = this.#pending.slice(newline + 1);
      pieces.push(...this.#line(line));
    }
    return pieces;
  }

  flush(): StreamPiece[] {
    const rest = this.#pending;
    this.#pending = "";
    return rest ? this.#line(rest) : [];
  }

  #line(line: string): StreamPiece[] {
    const at = line.indexOf(this.#marker);
    if (at < 0) return line ? [{ kind: "text", text: line }] : [];
    const pieces: StreamPiece[] = at > 0 ? [{ kind: "text", text: line.slice(0, at) }] : [];
    pieces.push({ kind: "message", message: JSON.parse(line.slice(at + this.#marker.length)) });
    return pieces;
  }
}
