import { join } from "node:path";
import type { BlockResult, Chapter, InlineResult } from "../types.ts";
import { hashParts } from "./hash.ts";
import type { ImportMemo } from "./import_memo.ts";
import { blockKeyChain, type BlockKeyInput, type ChapterKeyContext, contextHash } from "./keys.ts";
import { closureHash, localModuleClosure, type ModuleFingerprint } from "./module_graph.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import type { CacheStore } from "./store.ts";

export interface ChapterCacheSettings {
  root: string;
  store: CacheStore;
  memo: ImportMemo;
  context: ChapterKeyContext;
  /** Ignore what is stored (entries are still written). */
  fresh: boolean;
}

/** What a block's cache entry holds. */
export interface BlockEntry {
  result: BlockResult;
  /** The tfjs backend in use when the block ran, if tfjs was loaded. */
  backend?: string;
}

export interface ChapterLookup {
  keys: string[];
  /** Stored entries per block (undefined: miss). */
  hits: (BlockEntry | undefined)[];
  /** First block that must execute; equals the block count when every block is stored. */
  firstMiss: number;
  /** Local files (models/…, chapter helpers) the chapter's blocks import, transitively. */
  modules: ModuleFingerprint[];
  scopeKey: string;
  /** The stored scope after the last block, read on first use (it can be large). */
  snapshot(): Promise<ScopeSnapshot | undefined>;
  inlineKeys: string[];
  inlineHits: (InlineResult | undefined)[];
}

/** A block's result can be reused when it finished as intended (ok, or the error it was told to expect). */
export function isReusable(result: BlockResult, expectError: boolean): boolean {
  return result.status === "ok" || (expectError && result.status === "error");
}

async function prefixModuleHashes(
  chapter: Chapter,
  settings: ChapterCacheSettings,
): Promise<{ hashes: string[]; modules: ModuleFingerprint[] }> {
  const file = join(settings.root, chapter.path);
  const contents = new Map<string, Uint8Array | null>();
  const union = new Map<string, string>();
  const hashes: string[] = [];
  for (const block of chapter.blocks) {
    const closure = await localModuleClosure([{ file, source: block.code }], {
      root: settings.root,
      memo: settings.memo,
      contents,
    });
    for (const module of closure) union.set(module.path, module.hash);
    const modules = [...union.entries()].map(([path, hash]) => ({ path, hash }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    hashes.push(closureHash(modules));
  }
  const modules = [...union.entries()].map(([path, hash]) => ({ path, hash }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { hashes, modules };
}

/** Key of the stored scope after the block with key `blockKey` (the chapter context when there is none). */
export function scopeKeyAfter(blockKey: string): string {
  return hashParts(["scope/1", blockKey]);
}

export function scopeKeyOf(context: ChapterKeyContext, keys: readonly string[]): string {
  return scopeKeyAfter(keys.at(-1) ?? contextHash(context));
}

export function inlineKeyOf(scopeKey: string, source: string): string {
  return hashParts(["inline/1", scopeKey, source]);
}

/** Computes every key of a chapter and reads what the store has for them. */
export async function lookupChapter(
  chapter: Chapter,
  settings: ChapterCacheSettings,
): Promise<ChapterLookup> {
  const { hashes, modules } = await prefixModuleHashes(chapter, settings);
  const inputs: BlockKeyInput[] = chapter.blocks.map((block, index) => ({
    code: block.body,
    options: block.explicitOptions,
    modules: hashes[index],
  }));
  const keys = blockKeyChain(settings.context, inputs);
  const scopeKey = scopeKeyOf(settings.context, keys);
  const inlineKeys = chapter.inlines.map((inline) => inlineKeyOf(scopeKey, inline.source));
  const read = async <T>(key: string) =>
    settings.fresh ? undefined : (await settings.store.get(key)) as T | undefined;
  const hits: (BlockEntry | undefined)[] = [];
  for (const key of keys) {
    const entry = await read<BlockEntry>(key);
    hits.push(entry && typeof entry === "object" && "result" in entry ? entry : undefined);
  }
  const firstMissing = hits.findIndex((hit, index) => !hit && chapter.blocks[index].options.eval);
  const firstMiss = firstMissing < 0 ? chapter.blocks.length : firstMissing;
  const inlineHits: (InlineResult | undefined)[] = [];
  for (const key of inlineKeys) inlineHits.push(await read<InlineResult>(key));
  let stored: Promise<ScopeSnapshot | undefined> | undefined;
  const snapshot = () => stored ??= read<ScopeSnapshot>(scopeKey);
  return { keys, hits, firstMiss, modules, scopeKey, snapshot, inlineKeys, inlineHits };
}

export interface ChapterRunRecord {
  blocks: BlockResult[];
  inlines?: InlineResult[];
  /** Scope after each block that ran for its outputs, by block index. */
  scopes?: Record<number, ScopeSnapshot>;
  backends?: (string | undefined)[];
}

/** Stores what a run produced: blocks that executed (not replayed) and finished as intended with the scope
 * after each, and the inline results. */
export async function storeChapterRun(
  chapter: Chapter,
  lookup: ChapterLookup,
  run: ChapterRunRecord,
  executedFrom: number,
  store: CacheStore,
): Promise<number> {
  let written = 0;
  let intact = true;
  for (const block of chapter.blocks) {
    const result = run.blocks[block.index];
    if (!block.options.eval) continue;
    if (!result || !isReusable(result, block.options.error)) {
      intact = false;
      continue;
    }
    if (!intact || block.index < executedFrom) continue;
    await store.put(
      lookup.keys[block.index],
      { result, backend: run.backends?.[block.index] } satisfies BlockEntry,
    );
    written += 1;
    const scope = run.scopes?.[block.index];
    if (scope) {
      await store.put(scopeKeyAfter(lookup.keys[block.index]), scope);
      written += 1;
    }
  }
  if (!intact) return written;
  for (const [index, result] of (run.inlines ?? []).entries()) {
    if (!result) continue;
    await store.put(lookup.inlineKeys[index], result);
    written += 1;
  }
  return written;
}
