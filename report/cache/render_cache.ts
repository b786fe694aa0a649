/** The rendered HTML of unchanged chapters: a chapter whose parse, results, figure numbering and heading ids
 * are what they were is not rendered again (highlighting code and re-checking outputs is most of a cached
 * build). Keyed also by the renderer's own source, so an engine change renders everything again. */
import { join } from "node:path";
import { type ChapterRenderContext, renderChapter, type RenderedChapter } from "../render/chapter.ts";
import type { Chapter, ChapterResult } from "../types.ts";
import { hashParts } from "./hash.ts";
import { fileImportMemo } from "./import_memo.ts";
import { closureHash, localModuleClosure } from "./module_graph.ts";
import type { CacheStore } from "./store.ts";

const RENDERER_ENTRY = new URL("../render/chapter.ts", import.meta.url).pathname;

interface StoredRender {
  rendered: RenderedChapter;
  /** Heading ids the chapter took (slug base → count after it). */
  slugs: [string, number][];
}

export type ChapterRenderer = (
  chapter: Chapter,
  result: ChapterResult,
  context: ChapterRenderContext,
) => Promise<RenderedChapter>;

export function cachedRenderer(root: string, cacheDir: string, store: CacheStore): ChapterRenderer {
  let fingerprint: Promise<string> | undefined;
  const rendererFingerprint = () =>
    fingerprint ??= (async () => {
      const memo = fileImportMemo(join(cacheDir, "imports.json"));
      const modules = await localModuleClosure([{ file: RENDERER_ENTRY }], { root, memo });
      memo.save();
      return closureHash(modules);
    })();

  return async (chapter, result, context) => {
    const failed = result.blocks.some((block) => block.status === "error" || block.status === "timeout") ||
      (result.inlines ?? []).some((inline) => !inline?.ok);
    // Error boxes quote other files (code frames), which the key does not cover: render them every time.
    if (failed) return renderChapter(chapter, result, context);
    const before = context.slugger.counts();
    const key = hashParts([
      "render/1",
      await rendererFingerprint(),
      JSON.stringify(chapter),
      result.identity ?? JSON.stringify({ blocks: result.blocks, inlines: result.inlines }),
      JSON.stringify([...context.numbering]),
      JSON.stringify([...before].sort()),
      String(context.isTitleChapter),
    ]);
    const stored = await store.get(key) as StoredRender | undefined;
    if (stored && typeof stored.rendered?.html === "string" && Array.isArray(stored.slugs)) {
      context.slugger.apply(stored.slugs);
      return stored.rendered;
    }
    const rendered = renderChapter(chapter, result, context);
    const slugs = [...context.slugger.counts()].filter(([base, count]) => before.get(base) !== count);
    await store.put(key, { rendered, slugs } satisfies StoredRender);
    return rendered;
  };
}
