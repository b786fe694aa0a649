import type { Chapter } from "../types.ts";
import { type ChapterLookup, scopeKeyAfter } from "./chapter_cache.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import type { CacheStore } from "./store.ts";

/** Escapes a binding name for use in a regular expression. */
function escapeName(name: string): string {
  return name.replace(/[$]/g, "\\$");
}

/** Whether `name` may be read by this code: a conservative textual test (property names `.name` excepted,
 * spreads `...name` included). */
export function mentions(code: string, name: string): boolean {
  return new RegExp(`(?<![\\w$])(?<!(?<!\\.)\\.)${escapeName(name)}(?![\\w$])`).test(code);
}

/** The stored scope after the last block before `startAt`, when restoring it is as good as replaying those
 * blocks: every binding the later blocks and the inline expressions may read is plain data or an import, and
 * they do not compute with `tf` on a backend the earlier blocks chose (that choice lives outside the scope). */
export async function restorableScope(
  chapter: Chapter,
  startAt: number,
  lookup: ChapterLookup,
  store: CacheStore,
): Promise<ScopeSnapshot | undefined> {
  const earlier = chapter.blocks.filter((block) => block.index < startAt && block.options.eval);
  const prior = earlier.at(-1);
  if (!prior) return undefined;
  const snapshot = await store.get(scopeKeyAfter(lookup.keys[prior.index])) as ScopeSnapshot | undefined;
  if (!snapshot || typeof snapshot !== "object" || !Array.isArray(snapshot.opaque)) return undefined;
  const { importedNames } = await import("../scope/imports_only.ts");
  const imported = new Set(earlier.flatMap((block) => importedNames(block.code)));
  const later = [
    ...chapter.blocks.filter((block) => block.index >= startAt).map((block) => block.body),
    ...chapter.inlines.map((inline) => inline.source),
  ].join("\n");
  const missing = snapshot.opaque.filter((name) => !imported.has(name) && mentions(later, name));
  const backendState = lookup.hits[prior.index]?.backend !== undefined && mentions(later, "tf");
  return missing.length === 0 && !backendState ? snapshot : undefined;
}
