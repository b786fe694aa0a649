/** The rendered HTML of unchanged chapters: a chapter whose parse, results, figure numbering and heading ids
 * are what they were is not rendered again (highlighting code and re-checking outputs is most of a cached
 * build). Keyed also by the renderer's own source, so an engine change renders everything again. */
import { join } from "node:path";
import { type ChapterRenderContext, renderChapter, type RenderedChapter } from "../render/chapter.ts";
import type { Chapter, ChapterResult } from "../types.ts";
import { hashParts } from "./hash.ts";
import { fileImportMemo } from "./import_memo.ts";
import { closureHash, type FileContents, localModuleClosure } from "./module_graph.ts";
import type { CacheStore } from "./store.ts";

const RENDERER_ENTRY = new URL("../render/chapter.ts", import.meta.url).pathname;

/** The rendering less its HTML, which is a text entry of its own (no JSON to parse). */
interface StoredRender {
  rendered: Omit<RenderedChapter, "html">;
  /** Heading ids the chapter took (slug base → count after it). */
  slugs: [string, number][];
}

/** Whether a block failed or timed out, or an inline expression failed: such a chapter is rendered every time
 * (its error boxes quote other files) and fails the build. */
export function hasFailures(result: ChapterResult): boolean {
  return result.blocks.some((block) => block.status === "error" || block.status === "timeout") ||
    (result.inlines ?? []).some((inline) => !inline?.ok);
}

export type ChapterRenderer = (
  chapter: Chapter,
  result: ChapterResult,
  context: ChapterRenderContext,
) => Promise<RenderedChapter>;

export function cachedRenderer(
  root: string,
  cacheDir: string,
  store: CacheStore,
  contents?: FileContents,
): ChapterRenderer {
  let fingerprint: Promise<string> | undefined;
  const rendererFingerprint = () =>
    fingerprint ??= (async () => {
      const memo = fileImportMemo(join(cacheDir, "imports.json"));
      const modules = await localModuleClosure([{ file: RENDERER_ENTRY }], { root, memo, contents });
      memo.save();
      return closureHash(modules);
    })();

  return async (chapter, result, context) => {
    const failed = hasFailures(result);
    // Error boxes quote other files (code frames), which the key does not cover: render them every time.
    if (failed) return renderChapter(chapter, result.full ? await result.full() : result, context);
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
    const htmlKey = hashParts(["render-html/1", key]);
    const stored = await store.get(key) as StoredRender | undefined;
    const html = stored && Array.isArray(stored.slugs) ? await store.getText(htmlKey) : undefined;
    if (stored && html !== undefined) {
      context.slugger.apply(stored.slugs);
      return { ...stored.rendered, html, reused: true };
    }
    const rendered = renderChapter(chapter, result.full ? await result.full() : result, context);
    const slugs = [...context.slugger.counts()].filter(([base, count]) => before.get(base) !== count);
    const { html: text, ...rest } = rendered;
    await store.putText(htmlKey, text);
    await store.put(key, { rendered: rest, slugs } satisfies StoredRender);
    return rendered;
  };
}
