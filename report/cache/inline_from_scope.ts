import { serializeInline } from "../runtime/serialize.ts";
import type { Chapter, InlineResult } from "../types.ts";
import type { ChapterLookup } from "./chapter_cache.ts";
import { evaluateInline } from "./inline_eval.ts";
import { stripTypes } from "./strip_types.ts";

/** An inline expression answered in the build process from the stored scope; undefined when only a chapter
 * run can answer it (opaque or process-only bindings, or any error: the chapter process has the last word). */
export async function inlineFromScope(
  chapter: Chapter,
  lookup: ChapterLookup,
  index: number,
  params: Record<string, string>,
): Promise<InlineResult | undefined> {
  const snapshot = await lookup.snapshot();
  if (!snapshot) return undefined;
  const inline = chapter.inlines[index];
  const environment = { globals: { params: Object.freeze({ ...params }) } };
  let evaluated = evaluateInline(inline.source, snapshot, environment);
  if (!evaluated.ok && !evaluated.needsScope && evaluated.error.startsWith("SyntaxError")) {
    evaluated = evaluateInline(await stripTypes(inline.source), snapshot, environment);
  }
  if (!evaluated.ok) return undefined;
  return {
    ok: true,
    output: serializeInline(evaluated.value, (error) => ({
      name: "Error",
      message: String(error),
      stack: "",
      location: inline.location,
    })),
  };
}
