import type { Chapter, ChapterResult } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { renderBlock } from "./block.ts";
import type { Numbering } from "./numbering.ts";
import type { SourceLookup } from "./outputs.ts";
import { renderProse, type TocEntry } from "./prose.ts";
import type { Slugger } from "./slug.ts";

export interface RenderedChapter {
  id: string;
  title: string;
  html: string;
  toc: TocEntry[];
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
  const prose = {
    numbering: context.numbering,
    inlines: result.inlines ?? [],
    slugger: context.slugger,
    sources: context.sources,
    chapterPath: chapter.path,
    toc,
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
  for (const node of chapter.nodes) {
    if (node.kind !== "prose") {
      parts.push(renderBlock(node, result.blocks[node.index], prose));
      continue;
    }
    let tokens = node.tokens;
    if (!titleHeadingDropped) {
      const heading = tokens.findIndex((token) => token.type === "heading" && token.depth === 1);
      if (heading >= 0) {
        tokens = tokens.filter((_, index) => index !== heading);
        titleHeadingDropped = true;
      }
    }
    parts.push(renderProse(tokens, prose));
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
  };
}

/** A file name as a heading: `00-introduction` → `Introduction`. */
export function displayName(name: string): string {
  const words = name.replace(/^\d+[-_ ]*/, "").replace(/[-_]+/g, " ").trim() || name;
  return words[0].toUpperCase() + words.slice(1);
}
