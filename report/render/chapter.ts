import type { Token } from "marked";
import { sha256Hex } from "../cache/hash.ts";
import type { Chapter, ChapterResult, SourceLocation } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { renderBlock } from "./block.ts";
import type { Numbering } from "./numbering.ts";
import type { SourceLookup } from "./outputs.ts";
import { type DroppedPlace, type ProseContext, renderProse, type TocEntry } from "./prose.ts";
import { droppedWarning } from "./sanitize.ts";
import type { Slugger } from "./slug.ts";

/** What sanitising removed from the page at one place of a chapter. */
export interface DroppedHtml {
  location: SourceLocation;
  dropped: string[];
}

export interface RenderedChapter {
  id: string;
  title: string;
  html: string;
  toc: TocEntry[];
  /** Raw HTML, links and HTML outputs removed from the page, once per place, in line order; for the caller to
   * report as warnings (`formatDroppedHtml`). */
  dropped: DroppedHtml[];
  /** Per block (by index): SHA-256 of the HTML of the outputs it shows, or null when it shows none; what a
   * reader sees of its result, compared by `deno task diff` (see report/provenance/manifest.ts). */
  outputs?: (string | null)[];
  /** True when this rendering came from the render cache (the chapter rendered as in an earlier build). */
  reused?: boolean;
}

/** `chapters/x.md:12:1: warning: removed from the page …: <script>, onerror on <img>` */
export function formatDroppedHtml(entry: DroppedHtml): string {
  const { file, line, column } = entry.location;
  return droppedWarning(`${file}:${line}:${column}`, entry.dropped);
}

/** The line of each top-level token of a prose node: its first line plus the lines of the tokens before it. */
function tokenLines(tokens: readonly Token[], firstLine: number): Map<Token, number> {
  const lines = new Map<Token, number>();
  let line = firstLine;
  for (const token of tokens) {
    lines.set(token, line);
    line += (token.raw.match(/\n/g) ?? []).length;
  }
  return lines;
}

export interface ChapterRenderContext {
  numbering: Numbering;
  slugger: Slugger;
  sources: SourceLookup;
  /** The first chapter's title and description become the report's title block instead of a heading. */
  isTitleChapter: boolean;
}

/** A chapter as a `<section>`: heading (from front matter), prose and blocks in source order. */
export function renderChapter(
  chapter: Chapter,
  result: ChapterResult,
  context: ChapterRenderContext,
): RenderedChapter {
  const toc: TocEntry[] = [];
  const dropped = new Map<number, Set<string>>();
  const onDropped = (place: DroppedPlace, items: string[]) => {
    const line = place.inline !== undefined
      ? chapter.inlines[place.inline]?.location.line ?? 1
      : place.line ?? 1;
    const seen = dropped.get(line) ?? new Set<string>();
    for (const item of items) seen.add(item);
    dropped.set(line, seen);
  };
  const prose: ProseContext = {
    numbering: context.numbering,
    inlines: result.inlines ?? [],
    slugger: context.slugger,
    sources: context.sources,
    chapterPath: chapter.path,
    toc,
    onDropped,
  };
  const parts: string[] = [];
  const hasTitleHeading = chapter.nodes.some((node) =>
    node.kind === "prose" && node.tokens.some((token) => token.type === "heading" && token.depth === 1)
  );
  let id = "";
  if (!hasTitleHeading && !context.isTitleChapter) {
    id = context.slugger.slug(chapter.title);
    toc.push({ depth: 1, id, text: chapter.title });
    parts.push(`<h1 id="${id}">${escapeHtml(chapter.title)}</h1>`);
    if (chapter.description) {
      parts.push(`<p class="chapter-description">${escapeHtml(chapter.description)}</p>`);
    }
  }
  let titleHeadingDropped = !hasTitleHeading || !context.isTitleChapter;
  const outputs: (string | null)[] = chapter.blocks.map(() => null);
  for (const node of chapter.nodes) {
    if (node.kind !== "prose") {
      parts.push(
        renderBlock(node, result.blocks[node.index], prose, (html) => outputs[node.index] = sha256Hex(html)),
      );
      continue;
    }
    let tokens = node.tokens;
    const lines = tokenLines(tokens, node.line);
    if (!titleHeadingDropped) {
      const heading = tokens.findIndex((token) => token.type === "heading" && token.depth === 1);
      if (heading >= 0) {
        tokens = tokens.filter((_, index) => index !== heading);
        titleHeadingDropped = true;
      }
    }
    parts.push(renderProse(tokens, prose, (token) => lines.get(token) ?? node.line));
  }
  let sectionId = "";
  if (context.isTitleChapter) {
    const name = displayName(chapter.name);
    id = sectionId = context.slugger.slug(name);
    toc.unshift({ depth: 1, id, text: name });
  }
  id ||= toc.find((entry) => entry.depth === 1)?.id ?? context.slugger.slug(chapter.name);
  const idAttribute = sectionId ? ` id="${sectionId}"` : "";
  return {
    id,
    title: chapter.title,
    html: `<section class="chapter"${idAttribute} data-chapter="${escapeHtml(chapter.name)}">\n${
      parts.filter(Boolean).join("\n")
    }\n</section>`,
    toc,
    outputs,
    dropped: [...dropped].sort(([a], [b]) => a - b).map(([line, items]) => ({
      location: { file: chapter.path, line, column: 1 },
      dropped: [...items],
    })),
  };
}

/** A file name as a heading: `00-introduction` → `Introduction`. */
export function displayName(name: string): string {
  const words = name.replace(/^\d+[-_ ]*/, "").replace(/[-_]+/g, " ").trim() || name;
  return words[0].toUpperCase() + words.slice(1);
}
