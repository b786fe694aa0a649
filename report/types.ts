import type { ReadSet } from "./execute/audit.ts";
import type { Token } from "marked";
import type { ScopeSnapshot } from "./runtime/scope_snapshot.ts";
import type { BlockProvenance } from "./provenance/provenance.ts";

/** A position in a project file; `file` is relative to the project root, line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type OptionValue = string | number | boolean;

export interface BlockOptions {
  echo: boolean;
  eval: boolean;
  output: boolean;
  include: boolean;
  fold: boolean;
  error: boolean;
  timeout: number;
  label?: string;
  caption?: string;
}

export interface CodeBlock {
  kind: "code";
  /** Position among the chapter's executable blocks, from 0. */
  index: number;
  lang: string;
  /** The fence content verbatim, option lines included. */
  code: string;
  /** The code without its option lines, as shown in the report. */
  body: string;
  options: BlockOptions;
  /** Options exactly as written in the block. */
  explicitOptions: Record<string, OptionValue>;
  /** Line of the opening fence. */
  fenceLine: number;
  /** Line of the first line of `code`. */
  codeLine: number;
  /** SHA-256 of `code`. */
  hash: string;
}

export interface InlineExpression {
  /** Position among the chapter's inline expressions, from 0. */
  index: number;
  /** The expression evaluated (for a claim, generated from it: see `report/claims.ts`). */
  source: string;
  /** Where the expression starts (for a claim, where its condition starts). */
  location: SourceLocation;
  /** Set for a checked claim `${? condition}`: its value must be `true`. */
  claim?: { condition: string; parts: string[] };
}

export interface CrossReference {
  label: string;
  location: SourceLocation;
}

export interface ProseNode {
  kind: "prose";
  tokens: Token[];
  line: number;
}

export type ChapterNode = ProseNode | CodeBlock;

export interface Chapter {
  /** Path relative to the project root, e.g. `chapters/00-introduction.md`. */
  path: string;
  /** File name without extension, e.g. `00-introduction`. */
  name: string;
  title: string;
  description?: string;
  params: Record<string, string>;
  /** Environment variables declared in the front matter: the only ones the chapter process can read. */
  env: string[];
  nodes: ChapterNode[];
  blocks: CodeBlock[];
  inlines: InlineExpression[];
  references: CrossReference[];
  /** The Markdown source (line endings normalised), for code frames. */
  source: string;
}

export type ConsoleStream = "log" | "info" | "debug" | "warn" | "error";

export type TableCell = string | number | boolean | null;

export interface SerializedError {
  name: string;
  message: string;
  /** Stack with chapter frames mapped to Markdown lines and project paths made relative. */
  stack: string;
  location?: SourceLocation;
}

/** A block's output as plain data: produced by the chapter process, rendered by the build. */
export type Output =
  | { kind: "console"; stream: ConsoleStream; text: string }
  | { kind: "text"; text: string }
  | { kind: "scalar"; text: string }
  | {
    kind: "html";
    html: string;
    /** Set by `sanitizeOutput` (report/render/sanitize.ts): the HTML is already safe and is rendered as is. */
    sanitized?: true;
  }
  | { kind: "table"; columns: string[]; rows: TableCell[][]; totalRows: number }
  | { kind: "json"; text: string }
  | { kind: "tensor"; dtype: string; shape: number[]; preview: string }
  | { kind: "error"; error: SerializedError };

export type BlockStatus = "ok" | "error" | "timeout" | "not-run";

export interface BlockResult {
  index: number;
  status: BlockStatus;
  outputs: Output[];
  error?: SerializedError;
  seconds: number;
  /** The tfjs backend active when the block finished, when tfjs was in use. */
  backend?: string;
  /** How the block's result was obtained, shown as a small badge; absent means no badge. */
  badge?: BlockBadge;
  /** Stored computations (`memo`) the block used, by name and entry key, in the order it asked for them. */
  computations?: { name: string; key: string; refs?: string[] }[];
  /** What the result stands on (its key, code chain, modules, inputs, stored computations); set by the
   * caching executor for blocks that finished as intended, never stored in the cache. */
  provenance?: BlockProvenance;
}

/** `seconds` is the block's own run time (when it ran); reproducible builds leave out source and seconds. */
export interface BlockBadge {
  source?: "executed" | "cached";
  seconds?: number;
  backend?: string;
}

export type InlineResult = { ok: true; output: Output } | { ok: false; error: SerializedError };

export interface ChapterResult {
  blocks: BlockResult[];
  /** One per inline expression; absent when the chapter stopped before evaluating them. */
  inlines?: InlineResult[];
  /** The plain-data part of the chapter's scope after each block that ran for its outputs, by block index
   * (the one after the last block answers inline expressions later). */
  scopes?: Record<number, ScopeSnapshot>;
  /** Set when every result came from the cache: a name for exactly these results (their entry keys), so that
   * what depends on them only (the rendered chapter) can be reused without comparing them. */
  identity?: string;
  /** Set when the blocks' outputs were left out (an unchanged chapter whose rendering is likely stored):
   * the same results with their outputs. */
  full?: () => Promise<ChapterResult>;
  /** What each block (by index) and each inline expression read while it ran: project files and variables. */
  reads?: Record<number, ReadSet>;
  inlineReads?: Record<number, ReadSet>;
}
