/**
 * `dist/manifest.json`: what a built report is made of, for `deno task diff` and `deno task verify`. One record
 * per block (its rendered outputs' fingerprint and its provenance), per figure and table (by label), and per
 * inline value (its text and the sentence it sits in), plus the chapters' prose and sections and the build
 * environment. Deterministic: no times, no machine details, stable order; two builds of the same sources give
 * the same bytes.
 */
import type { InlineResult, Output } from "../types.ts";
import type { Chapter, ChapterResult } from "../types.ts";
import { type FloatKind, floatKind, numberFloats } from "../render/numbering.ts";
import type { BlockProvenance } from "./provenance.ts";
import { sentenceFinder } from "./sentences.ts";

export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";

/** The manifest of a built report (schema version 1). */
export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** The HTML file the manifest describes, in the same folder (e.g. `report.html`). */
  report: string;
  environment: ManifestEnvironment;
  chapters: ManifestChapter[];
}

/** The environment every record of the build shares. */
export interface ManifestEnvironment {
  deno: string;
  typescript: string;
  /** TensorFlow.js version pinned in `deno.json`. */
  tfjs: string;
  /** SHA-256 of `deno.lock`. */
  denoLock: string;
  /** tfjs backends the blocks finished on, sorted. */
  backends: string[];
}

export interface ManifestChapter {
  /** Chapter file relative to the project root. */
  path: string;
  name: string;
  title: string;
  /** The chapter's parameters as its blocks saw them (front matter, `--param`, defaults). */
  params: Record<string, string>;
  /** Headings in order, as `## Text`. */
  sections: string[];
  /** Prose paragraphs, lists and quotes as written (inline expressions as `${…}`, not values). */
  prose: string[];
  blocks: ManifestBlock[];
  values: ManifestValue[];
}

export interface ManifestBlock {
  /** Position among the chapter's blocks, from 0. */
  index: number;
  /** Line of the opening fence. */
  line: number;
  status: string;
  /** `fig-…`/`tbl-…` label of a figure or table. */
  label?: string;
  kind?: FloatKind;
  /** Figure or table number in the report. */
  number?: number;
  /** SHA-256 of the HTML of the outputs it shows (null: it shows none); the data fingerprint of a figure. */
  output: string | null;
  /** Null when the block did not finish as intended (or ran outside the block cache). */
  provenance: BlockProvenance | null;
}

export interface ManifestValue {
  /** Position among the chapter's inline expressions, from 0. */
  index: number;
  line: number;
  /** The expression as written between `${` and `}` (a claim: `? condition`). */
  source: string;
  /** The value as the reader sees it (plain text). */
  value: string;
  /** The sentence it sits in, with the chapter's values in place. */
  sentence: string;
  /** The block whose record is the value's provenance: inline expressions are evaluated in the scope after
   * the chapter's last block. Null when no block has a record. */
  block: number | null;
}

/** What the build knows of one chapter after rendering it. */
export interface ManifestSource {
  chapter: Chapter;
  result: ChapterResult;
  /** `RenderedChapter.outputs` (report/render/chapter.ts). */
  outputs?: readonly (string | null)[];
  params: Record<string, string>;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

/** An output as the plain text a reader sees in a sentence. */
export function outputText(output: Output): string {
  switch (output.kind) {
    case "text":
    case "scalar":
    case "json":
    case "console":
      return output.text;
    case "html":
      return stripTags(output.html);
    case "tensor":
      return `Tensor ${output.dtype} [${output.shape.join(", ")}]`;
    case "table":
      return `${output.totalRows} × ${output.columns.length} table`;
    case "error":
      return `${output.error.name}: ${output.error.message}`;
  }
}

export function inlineText(result: InlineResult | undefined): string {
  if (!result) return "?";
  return result.ok ? outputText(result.output) : `${result.error.name}: ${result.error.message}`;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function chapterEntry(source: ManifestSource, numbers: ReadonlyMap<string, number>): ManifestChapter {
  const { chapter, result } = source;
  const sections: string[] = [];
  const prose: string[] = [];
  for (const node of chapter.nodes) {
    if (node.kind !== "prose") continue;
    for (const token of node.tokens) {
      if (token.type === "heading") sections.push(`${"#".repeat(token.depth)} ${token.text}`);
      else if (token.type !== "space" && token.raw.trim() !== "") prose.push(token.raw.trim());
    }
  }
  const blocks: ManifestBlock[] = chapter.blocks.filter((block) => block.options.eval).map((block) => {
    const blockResult = result.blocks[block.index];
    const label = block.options.label;
    return {
      index: block.index,
      line: block.fenceLine,
      status: blockResult?.status ?? "not-run",
      ...(label ? { label, kind: floatKind(label), number: numbers.get(label) } : {}),
      output: source.outputs?.[block.index] ?? null,
      provenance: blockResult?.provenance ?? null,
    };
  });
  const last = blocks.findLast((block) => block.provenance !== null)?.index ?? null;
  const texts = chapter.inlines.map((_, index) => inlineText(result.inlines?.[index]));
  const replacements = [...new Map(chapter.inlines.map((inline, index) => [inline.source, texts[index]]))]
    .map(([source, value]) => [`\${${source}}`, value] as const);
  const sentenceAt = sentenceFinder(chapter.source, replacements);
  const values: ManifestValue[] = chapter.inlines.map((inline, index) => ({
    index,
    line: inline.location.line,
    source: inline.claim ? `? ${inline.claim.condition}` : inline.source,
    value: texts[index],
    sentence: sentenceAt(inline.location.line, inline.location.column, inline.claim !== undefined),
    block: last,
  }));
  return {
    path: chapter.path,
    name: chapter.name,
    title: chapter.title,
    params: sortedRecord(source.params),
    sections,
    prose,
    blocks,
    values,
  };
}

/** The manifest of a report built from these chapters, in report order. */
export function buildManifest(
  report: string,
  environment: Omit<ManifestEnvironment, "backends">,
  sources: readonly ManifestSource[],
): Manifest {
  const { numbering } = numberFloats(sources.map((source) => source.chapter));
  const numbers = new Map([...numbering].map(([label, float]) => [label, float.number]));
  const backends = new Set<string>();
  for (const { result } of sources) {
    for (const block of result.blocks) if (block.provenance?.backend) backends.add(block.provenance.backend);
  }
  return {
    version: MANIFEST_VERSION,
    report,
    environment: { ...environment, backends: [...backends].sort() },
    chapters: sources.map((source) => chapterEntry(source, numbers)),
  };
}

/** The manifest's file name beside a report: `manifest.json` for `report.html`, `NAME.manifest.json` else. */
export function manifestFileFor(reportFile: string): string {
  const base = reportFile.replace(/\.html$/, "");
  return base === "report" ? MANIFEST_FILE : `${base}.${MANIFEST_FILE}`;
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 1)}\n`;
}
