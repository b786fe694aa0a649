import { join } from "node:path";
import type { ReadSet } from "../execute/audit.ts";
import type { ModuleIdentities } from "../runtime/protocol.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import type { BlockResult, Chapter, ChapterResult, InlineResult } from "../types.ts";
import { type Fingerprint, fingerprintKeyOf, isFingerprint } from "./explain.ts";
import { canonicalJson, hashParts, sha256Hex } from "./hash.ts";
import type { ImportMemo } from "./import_memo.ts";
import {
  currentInputs,
  entryKeyOf,
  hashInputs,
  type InputRecord,
  type InputSource,
  isTrace,
  traceKeyOf,
} from "./inputs.ts";
import {
  type BlockKeyInput,
  blockStaticKey,
  type ChapterKeyContext,
  contextHash,
  executionOptions,
} from "./keys.ts";
import {
  closureHash,
  type FileContents,
  localModuleClosure,
  type ModuleFingerprint,
} from "./module_graph.ts";
import type { CacheStore } from "./store.ts";

export interface ChapterCacheSettings {
  root: string;
  store: CacheStore;
  memo: ImportMemo;
  context: ChapterKeyContext;
  /** Reads the current value of run-time inputs (files, variables). */
  source: InputSource;
  /** Ignore what is stored (entries are still written). */
  fresh: boolean;
  /** Files read in this build (shared by the chapters of a build). */
  contents?: FileContents;
}

/** What a block's cache entry holds. */
export interface BlockEntry {
  result: BlockResult;
  /** The tfjs backend in use when the block ran, if tfjs was loaded. */
  backend?: string;
  /** The project files and variables it read while it ran, with their values then. */
  inputs?: InputRecord[];
}

/** What an inline expression's entry holds: its result and what it read while it ran (usually nothing). */
export interface InlineEntry {
  result: InlineResult;
  inputs: InputRecord[];
}

export interface ChapterLookup {
  /** Per block: what its static key is made of (code, options, local modules). */
  inputs: BlockKeyInput[];
  /** Per block: the local modules of it and the blocks before it, path → hash. */
  moduleMaps: Record<string, string>[];
  /** Entry key of each block before `firstMiss` (later ones are known once the blocks ran). */
  keys: string[];
  /** Static key of each block before `firstMiss` (and of the first miss). */
  staticKeys: string[];
  /** Stored entries per block (undefined: miss). */
  hits: (BlockEntry | undefined)[];
  /** First block that must execute; equals the block count when every block is stored. */
  firstMiss: number;
  /** Local files (models/…, chapter helpers) the chapter's blocks import, transitively. */
  modules: ModuleFingerprint[];
  /** Key of the chapter context: the first block's chain predecessor. */
  base: string;
  /** Key of the stored scope after the last block (meaningful when every block is stored). */
  scopeKey: string;
  /** The stored scope after the last block, read on first use (it can be large). */
  snapshot(): Promise<ScopeSnapshot | undefined>;
  inlineKeys: string[];
  inlineHits: (InlineResult | undefined)[];
  /** What each stored inline result read while it ran. */
  inlineInputs: InputRecord[][];
  /** The chapter's static key (see ChapterStatics). */
  key: string;
}

/** A block's result can be reused when it finished as intended (ok, or the error it was told to expect). */
export function isReusable(result: BlockResult, expectError: boolean): boolean {
  return result.status === "ok" || (expectError && result.status === "error");
}

function sortedModules(union: Map<string, string>): ModuleFingerprint[] {
  return [...union.entries()].map(([path, hash]) => ({ path, hash }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function prefixModules(
  chapter: Chapter,
  settings: Pick<ChapterCacheSettings, "root" | "memo" | "contents">,
): Promise<{ hashes: string[]; maps: Record<string, string>[]; modules: ModuleFingerprint[] }> {
  const file = join(settings.root, chapter.path);
  const contents = settings.contents ?? new Map();
  const union = new Map<string, string>();
  const hashes: string[] = [];
  const maps: Record<string, string>[] = [];
  let hash = closureHash([]);
  let map: Record<string, string> = {};
  for (const block of chapter.blocks) {
    const closure = await localModuleClosure([{ file, source: block.code }], {
      root: settings.root,
      memo: settings.memo,
      contents,
    });
    const grows = closure.some((module) => !union.has(module.path));
    for (const module of closure) union.set(module.path, module.hash);
    // Most blocks import nothing new: their prefix is the block before's.
    if (grows) {
      hash = closureHash(sortedModules(union));
      map = Object.fromEntries(union);
    }
    hashes.push(hash);
    maps.push(map);
  }
  return { hashes, maps, modules: sortedModules(union) };
}

/** Key of the stored scope after the block with entry key `blockKey` (the chapter context when there is none). */
export function scopeKeyAfter(blockKey: string): string {
  return hashParts(["scope/1", blockKey]);
}

export function inlineKeyOf(scopeKey: string, source: string): string {
  return hashParts(["inline/1", scopeKey, source]);
}

function sameInputs(stored: readonly InputRecord[], source: InputSource): boolean {
  const now = currentInputs({ inputs: [...stored] }, source);
  return now.every((input, index) => input.hash === stored[index].hash);
}

function isInlineEntry(value: unknown): value is InlineEntry {
  return typeof value === "object" && value !== null && "result" in value &&
    Array.isArray((value as InlineEntry).inputs);
}

/** What a chapter's keys are made of before anything is read from the store: per block its code, options and
 * local modules; the chapter context; and one key for all of it (with the inline expressions' sources). */
export interface ChapterStatics {
  inputs: BlockKeyInput[];
  moduleMaps: Record<string, string>[];
  modules: ModuleFingerprint[];
  base: string;
  key: string;
}

export async function chapterStatics(
  chapter: Chapter,
  settings: Pick<ChapterCacheSettings, "root" | "memo" | "context" | "contents">,
): Promise<ChapterStatics> {
  const { hashes, maps, modules } = await prefixModules(chapter, settings);
  const inputs: BlockKeyInput[] = chapter.blocks.map((block, index) => ({
    code: block.body,
    options: block.explicitOptions,
    modules: hashes[index],
  }));
  const base = contextHash(settings.context);
  const key = hashParts([
    "chapter/1",
    base,
    canonicalJson(inputs.map((input) => ({ ...input, options: executionOptions(input.options) }))),
    ...chapter.blocks.map((block) => String(block.options.eval)),
    ...chapter.inlines.map((inline) => inline.source),
  ]);
  return { inputs, moduleMaps: maps, modules, base, key };
}

/** Computes the keys of a chapter's blocks, in order, and reads what the store has for them: each block's
 * static key names the trace of what it read last time; the current values of those inputs complete its entry
 * key; the entry key chains into the next block's static key. */
export async function lookupChapter(
  chapter: Chapter,
  settings: ChapterCacheSettings,
  known?: ChapterStatics,
): Promise<ChapterLookup> {
  const { inputs, moduleMaps: maps, modules, base, key: chapterKey } = known ??
    await chapterStatics(chapter, settings);
  const read = async (key: string) => settings.fresh ? undefined : await settings.store.get(key);
  const keys: string[] = [];
  const staticKeys: string[] = [];
  const hits: (BlockEntry | undefined)[] = [];
  let previous = base;
  let firstMiss = chapter.blocks.length;
  for (const block of chapter.blocks) {
    const staticKey = blockStaticKey(previous, inputs[block.index]);
    staticKeys.push(staticKey);
    if (!block.options.eval) {
      keys.push(previous = staticKey);
      hits.push(undefined);
      continue;
    }
    const trace = await read(traceKeyOf(staticKey));
    const key = isTrace(trace) ? entryKeyOf(staticKey, currentInputs(trace, settings.source)) : undefined;
    const entry = key === undefined ? undefined : await read(key);
    if (key === undefined || !(entry && typeof entry === "object" && "result" in entry)) {
      firstMiss = block.index;
      break;
    }
    keys.push(previous = key);
    hits.push(entry as BlockEntry);
  }
  const scopeKey = scopeKeyAfter(previous);
  const inlineKeys = chapter.inlines.map((inline) => inlineKeyOf(scopeKey, inline.source));
  const inlineHits: (InlineResult | undefined)[] = [];
  const inlineInputs: InputRecord[][] = [];
  if (firstMiss === chapter.blocks.length) {
    for (const key of inlineKeys) {
      const entry = await read(key);
      const hit = isInlineEntry(entry) && sameInputs(entry.inputs, settings.source);
      inlineHits.push(hit ? entry.result : undefined);
      inlineInputs.push(hit ? entry.inputs : []);
    }
  }
  let stored: Promise<ScopeSnapshot | undefined> | undefined;
  const snapshot = () => stored ??= read(scopeKey) as Promise<ScopeSnapshot | undefined>;
  return {
    inputs,
    moduleMaps: maps,
    keys,
    staticKeys,
    hits,
    firstMiss,
    modules,
    base,
    scopeKey,
    snapshot,
    inlineKeys,
    inlineHits,
    inlineInputs,
    key: chapterKey,
  };
}

export interface ChapterRunRecord {
  blocks: BlockResult[];
  inlines?: InlineResult[];
  /** Scope after each block that ran for its outputs, by block index. */
  scopes?: Record<number, ScopeSnapshot>;
  backends?: (string | undefined)[];
  /** What each block (by index) and each inline expression read while it ran, with the values it read
   * (`hashRunInputs`). */
  inputs?: RunInputs;
}

/** What a block read while it ran, less the local modules the static key already covers (loading a module
 * is a read in the audit log too). */
function runInputs(reads: ReadSet | undefined, lookup: Pick<ChapterLookup, "modules">): ReadSet {
  const modules = new Set(lookup.modules.map((module) => module.path));
  return { files: (reads?.files ?? []).filter((file) => !modules.has(file)), env: reads?.env ?? [] };
}

/** The inputs of a run, hashed once: per block index and per inline expression index. */
export interface RunInputs {
  blocks: Record<number, InputRecord[]>;
  inlines: Record<number, InputRecord[]>;
}

/** Hashes what each block and inline expression of a run read (less the modules the keys already cover). */
export function hashRunInputs(
  run: Pick<ChapterResult, "reads" | "inlineReads">,
  lookup: Pick<ChapterLookup, "modules">,
  source: InputSource,
): RunInputs {
  const hash = (reads: Record<number, ReadSet> | undefined) =>
    Object.fromEntries(
      Object.entries(reads ?? {}).map(([index, set]) => [index, hashInputs(runInputs(set, lookup), source)]),
    );
  return { blocks: hash(run.reads), inlines: hash(run.inlineReads) };
}

/** Stores what a run produced: blocks that executed (not replayed) and finished as intended, with the trace of
 * what each read and the scope after it, and the inline results. Returns the entry key of every block. */
export async function storeChapterRun(
  chapter: Chapter,
  lookup: ChapterLookup,
  run: ChapterRunRecord,
  executedFrom: number,
  store: CacheStore,
): Promise<{ keys: string[]; staticKeys: string[]; complete: boolean }> {
  const keys: string[] = lookup.keys.slice(0, executedFrom);
  const staticKeys: string[] = lookup.staticKeys.slice(0, executedFrom);
  let previous: string | undefined = executedFrom === 0 ? lookup.base : keys[executedFrom - 1];
  for (const block of chapter.blocks.slice(executedFrom)) {
    if (previous === undefined) break;
    const staticKey = blockStaticKey(previous, lookup.inputs[block.index]);
    staticKeys.push(staticKey);
    if (!block.options.eval) {
      keys.push(previous = staticKey);
      continue;
    }
    const result = run.blocks[block.index];
    if (!result || !isReusable(result, block.options.error)) {
      previous = undefined;
      break;
    }
    const inputs = run.inputs?.blocks[block.index] ?? [];
    const key = entryKeyOf(staticKey, inputs);
    await store.put(traceKeyOf(staticKey), { inputs });
    await store.put(key, { result, backend: run.backends?.[block.index], inputs } satisfies BlockEntry);
    const scope = run.scopes?.[block.index];
    if (scope) await store.put(scopeKeyAfter(key), scope);
    keys.push(previous = key);
  }
  if (previous === undefined) return { keys, staticKeys, complete: false };
  const scopeKey = scopeKeyAfter(previous);
  for (const [index, result] of (run.inlines ?? []).entries()) {
    if (!result) continue;
    const inputs = run.inputs?.inlines[index] ?? [];
    await store.put(
      inlineKeyOf(scopeKey, chapter.inlines[index].source),
      { result, inputs } satisfies InlineEntry,
    );
  }
  return { keys, staticKeys, complete: true };
}

/** Named parts of a chapter's keys that are the same for every block, as `--explain` words them. */
export function contextParts(context: ChapterKeyContext): Record<string, string> {
  const parts: Record<string, string> = {
    "the engine": context.engine,
    "deno.lock": context.dependencies,
    "params": sha256Hex(canonicalJson(context.params)),
    "the chapter's file name": sha256Hex(context.chapter ?? ""),
    "the backend": sha256Hex(context.backend),
  };
  return parts;
}

/** The fingerprint of block `index` as the chapter is now (its inputs are filled in after it ran). */
export function blockFingerprint(
  lookup: ChapterLookup,
  context: ChapterKeyContext,
  index: number,
): Omit<Fingerprint, "inputs"> {
  const block = lookup.inputs[index];
  return {
    parts: {
      ...contextParts(context),
      "its code or options": hashParts([block.code, canonicalJson(executionOptions(block.options))]),
    },
    modules: lookup.moduleMaps[index],
  };
}

/** The fingerprints of a chapter's blocks from its last run, by block index. */
export async function storedFingerprints(
  chapter: Chapter,
  store: CacheStore,
): Promise<(Fingerprint | undefined)[]> {
  const stored = await store.get(fingerprintKeyOf("chapter", chapter.path)) as
    | { blocks?: unknown[] }
    | undefined;
  return Array.isArray(stored?.blocks)
    ? stored.blocks.map((entry) => isFingerprint(entry) ? entry : undefined)
    : [];
}

export async function storeFingerprints(
  chapter: Chapter,
  store: CacheStore,
  blocks: (Fingerprint | undefined)[],
): Promise<void> {
  await store.put(fingerprintKeyOf("chapter", chapter.path), {
    blocks: blocks.map((block) => block ?? null),
  });
}

/** The identity of each local module a chapter imports: its hash and the files it imports transitively, so
 * that a stored computation defined in one of them is keyed by exactly its own closure. */
export async function moduleIdentities(
  modules: readonly ModuleFingerprint[],
  settings: Pick<ChapterCacheSettings, "root" | "memo" | "contents">,
): Promise<ModuleIdentities> {
  const contents = settings.contents ?? new Map();
  const closures: Record<string, string[]> = {};
  for (const module of modules) {
    if (module.hash === "missing") continue;
    const closure = await localModuleClosure([{ file: join(settings.root, module.path) }], {
      root: settings.root,
      memo: settings.memo,
      contents,
    });
    closures[module.path] = closure.map((entry) => entry.path);
  }
  return { hashes: Object.fromEntries(modules.map((module) => [module.path, module.hash])), closures };
}
