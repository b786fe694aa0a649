import { join } from "node:path";
import type { Effects } from "../effects.ts";
import type { ExecutionObserver } from "../execute/executor.ts";
import type { ExecuteSettings } from "../execute/executor.ts";
import type { BlockBadge, BlockResult, Chapter, ChapterResult, InlineResult, Output } from "../types.ts";
import {
  type BlockEntry,
  blockFingerprint,
  type ChapterLookup,
  type ChapterStatics,
  chapterStatics,
  hashRunInputs,
  inlineKeyOf,
  isReusable,
  lookupChapter,
  moduleIdentities,
  type RunInputs,
  scopeKeyAfter,
  storeChapterRun,
  storedFingerprints,
  storeFingerprints,
} from "./chapter_cache.ts";
import { changeReasons, type Fingerprint } from "./explain.ts";
import {
  type ChapterRecord,
  computationRefs,
  readRecord,
  recordOutputs,
  recordRefs,
  resultsIdentity,
  writeRecord,
} from "./chapter_record.ts";
import type { InputSource } from "./inputs.ts";
import { hashParts } from "./hash.ts";
import { fileImportMemo, type ImportMemo } from "./import_memo.ts";
import { inlinesFromScope as answerFromScope } from "./inline_from_scope.ts";
import { restorableScope } from "./scope_restore.ts";
import { dependencyHash } from "./lockfile.ts";
import { declaredValues } from "../execute/sandbox.ts";
import { closureHash, type FileContents, localModuleClosure } from "./module_graph.ts";
import { type BlockProvenance, chapterProvenance, type ProvenanceEntry } from "../provenance/provenance.ts";
import { type CacheStore, describeProblem, openCacheStore } from "./store.ts";

/** Runs a chapter's blocks from `settings.startAt` (earlier blocks replay for scope only). */
export type BlockRunner = (
  chapter: Chapter,
  settings: ExecuteSettings,
  observer: ExecutionObserver,
) => Promise<ChapterResult>;

/** What the cache did for one chapter; feeds the build summary. */
export interface ChapterCacheStats {
  chapter: string;
  blocks: number;
  cached: number;
  executed: number;
  /** Blocks run again only to rebuild the scope for later blocks (their stored outputs were kept). */
  replayed: number;
  /** Blocks whose scope was restored from the cache (only their imports ran) instead of being replayed. */
  restored: number;
  inlines: number;
  /** Inline expressions answered from the stored scope, without running the chapter. */
  inlinesFromScope: number;
  /** Whether a chapter process was started. */
  ran: boolean;
  /** Local modules the chapter imports (relative paths). */
  modules: string[];
}

export interface CachingExecutorOptions {
  root: string;
  cacheDir: string;
  /** Local files read in this build, shared with the other caches of the build. */
  contents?: FileContents;
  fresh: boolean;
  /** Leave run times and cache provenance out of the badges, so rebuilds are byte-identical. */
  reproducible: boolean;
  run: BlockRunner;
  /** Starts the permission-less process that answers inline expressions from a stored scope, and gives the
   * build's environment (the values of the variables a chapter declares join its blocks' keys). */
  effects: Effects;
  log?: (line: string) => void;
  /** Say why each block that ran was not taken from the cache. */
  explain?: boolean;
}

export interface CachingExecutor {
  execute(chapter: Chapter, settings: ExecuteSettings, observer: ExecutionObserver): Promise<ChapterResult>;
  readonly stats: ChapterCacheStats[];
  readonly problems: string[];
  /** Persists the import memo; call once after the build. */
  finish(): void;
}

/** Where chapter records live (see chapter_record.ts), beside `blocks/`. */
export const RECORDS_DIR = "chapters";

/** Files whose change alters what executing a block produces: the chapter runtime and its helpers. */
export const ENGINE_ENTRIES = ["../runtime/run_chapter.ts", "../execute/plan.ts", "../execute/executor.ts"];

export async function engineFingerprint(
  root: string,
  memo: ImportMemo,
  contents?: FileContents,
): Promise<string> {
  const files = ENGINE_ENTRIES.map((entry) => new URL(entry, import.meta.url).pathname);
  return closureHash(await localModuleClosure(files.map((file) => ({ file })), { root, memo, contents }));
}

function badgeFor(result: BlockResult, source: "executed" | "cached", reproducible: boolean): BlockBadge {
  if (reproducible) return result.backend ? { backend: result.backend } : {};
  return { source, seconds: result.seconds, ...(result.backend ? { backend: result.backend } : {}) };
}

/** The entry's result with its provenance, when it has one. */
function withProvenance(result: BlockResult, provenance: BlockProvenance | undefined): BlockResult {
  return provenance ? { ...result, provenance } : result;
}

function provenanceEntry(entry: BlockEntry): ProvenanceEntry {
  return { inputs: entry.inputs, computations: entry.result.computations, backend: entry.backend };
}

function fromEntry(entry: BlockEntry): BlockResult {
  return { ...entry.result, ...(entry.backend ? { backend: entry.backend } : {}) };
}

/** Wraps block execution with the per-block cache: only blocks whose key changed (and those after them) run. */
export function cachingExecutor(options: CachingExecutorOptions): CachingExecutor {
  const log = options.log ?? (() => {});
  const problems: string[] = [];
  const store: CacheStore = openCacheStore({
    dir: join(options.cacheDir, "blocks"),
    onProblem: (problem) => {
      const line = describeProblem(problem);
      problems.push(line);
      log(line);
    },
  });
  const records: CacheStore = openCacheStore({
    dir: join(options.cacheDir, RECORDS_DIR),
    onProblem: (problem) => {
      const line = describeProblem(problem);
      problems.push(line);
      log(line);
    },
  });
  const memo = fileImportMemo(join(options.cacheDir, "imports.json"), log);
  // Local modules are read and hashed once per build, whichever chapters import them.
  const contents: FileContents = options.contents ?? new Map();
  const stats: ChapterCacheStats[] = [];
  let shared: Promise<{ engine: string; dependencies: string }> | undefined;

  async function execute(
    chapter: Chapter,
    settings: ExecuteSettings,
    observer: ExecutionObserver,
  ): Promise<ChapterResult> {
    shared ??= engineFingerprint(options.root, memo, contents).then((engine) => ({
      engine,
      dependencies: dependencyHash(options.root),
    }));
    const { engine, dependencies } = await shared;
    const env = declaredValues(chapter.env, options.effects.environment());
    const source: InputSource = { root: options.root, variable: (name) => env[name] };
    const context = {
      engine,
      dependencies,
      params: settings.params,
      backend: settings.params.backend ?? "auto",
      chapter: chapter.path,
    };
    const statics = await chapterStatics(chapter, { root: options.root, memo, context, contents });
    if (!options.fresh) {
      const record = await readRecord(records, statics.key, source);
      if (record) return fromRecord(chapter, record, statics);
    }
    const lookup = await lookupChapter(chapter, {
      root: options.root,
      store,
      memo,
      fresh: options.fresh,
      context,
      source,
      contents,
    }, statics);
    const inlineResults = chapter.inlines.map((_, index) => lookup.inlineHits[index]);
    let inlinesFromScope = 0;
    if (lookup.firstMiss === chapter.blocks.length) {
      const unknown = inlineResults.flatMap((known, index) => known ? [] : [index]);
      const answered = await answerFromScope(chapter, lookup, unknown, settings.params, options.effects);
      for (const [index, evaluated] of answered) {
        inlineResults[index] = evaluated;
        inlinesFromScope += 1;
        await store.put(lookup.inlineKeys[index], { result: evaluated, inputs: [] });
      }
    }
    const mustRun = lookup.firstMiss < chapter.blocks.length || inlineResults.some((result) => !result);
    const startAt = lookup.firstMiss;
    const restore = mustRun ? await restorableScope(chapter, startAt, lookup, store) : undefined;
    const modules = mustRun
      ? await moduleIdentities(lookup.modules, { root: options.root, memo, contents })
      : undefined;
    const run = mustRun
      ? await options.run(chapter, { ...settings, startAt, restore, modules }, observer)
      : undefined;

    const sources: ("cached" | "executed" | "none")[] = [];
    const blocks: BlockResult[] = chapter.blocks.map((block) => {
      const hit = lookup.hits[block.index];
      const ran = run?.blocks[block.index];
      const replayFailed = ran !== undefined && (ran.status === "error" || ran.status === "timeout");
      if (block.index < startAt && hit && !replayFailed) {
        sources.push("cached");
        const result = fromEntry(hit);
        return { ...result, badge: badgeFor(result, "cached", options.reproducible) };
      }
      const result = ran ?? { index: block.index, status: "not-run" as const, outputs: [], seconds: 0 };
      sources.push(result.status === "not-run" ? "none" : "executed");
      return result.status === "not-run"
        ? result
        : { ...result, badge: badgeFor(result, "executed", options.reproducible) };
    });
    const inlines = run ? run.inlines : inlineResults as InlineResult[];
    // What the run read, hashed once for the store, the record, --explain and provenance.
    const runInputs = run ? hashRunInputs(run, lookup, source) : undefined;
    const provenance = chapterProvenance(
      chapter,
      lookup,
      chapter.blocks.map((block): ProvenanceEntry | undefined => {
        const result = blocks[block.index];
        const hit = lookup.hits[block.index];
        if (sources[block.index] === "cached" && hit) return provenanceEntry(hit);
        if (!run || !isReusable(result, block.options.error)) return undefined;
        const inputs = runInputs?.blocks[block.index] ?? [];
        return { inputs, computations: result.computations, backend: result.backend };
      }),
    );
    let stored: { keys: string[]; staticKeys: string[]; complete: boolean } = {
      keys: lookup.keys,
      staticKeys: lookup.staticKeys,
      complete: !run,
    };
    if (run) {
      const backends = run.blocks.map((result) => result?.backend);
      const previous = await storedFingerprints(chapter, store);
      stored = await storeChapterRun(
        chapter,
        lookup,
        { ...run, backends, inputs: runInputs },
        startAt,
        store,
      );
      const fingerprints = chapter.blocks.map((block): Fingerprint | undefined => {
        const inputs = block.index < startAt
          ? lookup.hits[block.index]?.inputs
          : runInputs?.blocks[block.index];
        return inputs ? { ...blockFingerprint(lookup, context, block.index), inputs } : previous[block.index];
      });
      if (options.explain) {
        for (const block of chapter.blocks.slice(startAt)) {
          const result = run.blocks[block.index];
          if (!result || result.status === "not-run") continue;
          const own = changeReasons(
            previous[block.index],
            blockFingerprint(lookup, context, block.index),
            source,
          );
          const reasons = own.length > 0
            ? own
            : block.index > startAt
            ? [`an earlier block (line ${chapter.blocks[startAt].fenceLine})`]
            : [options.fresh ? "--fresh" : "its stored result was missing"];
          log(`why: ${chapter.path}:${block.fenceLine} ran: ${reasons.join(", ")}`);
        }
      }
      await storeFingerprints(chapter, store, fingerprints);
    }

    const before = run ? run.blocks.filter((r, i) => i < startAt && r && r.status !== "not-run").length : 0;
    const replayed = restore ? 0 : before;
    const restored = restore ? before : 0;
    stats.push({
      chapter: chapter.path,
      blocks: chapter.blocks.length,
      cached: sources.filter((source) => source === "cached").length,
      executed: sources.filter((source, index) => source === "executed" && index >= startAt).length,
      replayed,
      restored,
      inlines: chapter.inlines.length,
      inlinesFromScope,
      ran: run !== undefined,
      modules: lookup.modules.map((module) => module.path),
    });
    log(
      `${chapter.path}: ${
        !run
          ? "all blocks from cache"
          : startAt < chapter.blocks.length
          ? `ran from block ${startAt + 1} of ${chapter.blocks.length}`
          : "ran for its inline expressions (all blocks from cache)"
      }${replayed > 0 ? ` (${replayed} replayed for scope)` : ""}${
        restored > 0 ? ` (scope of ${restored} restored from the cache)` : ""
      }`,
    );
    const record = stored.complete
      ? await recordChapter(chapter, { lookup, run, runInputs, startAt, inlines, ...stored })
      : undefined;
    // Results of blocks that ran this time carry other badges than stored ones: only wholly stored results
    // are named by their record.
    const identity = record && !run ? identityFor(record) : undefined;
    return {
      blocks: blocks.map((result, index) => withProvenance(result, provenance[index])),
      inlines,
      scopes: run?.scopes,
      ...(identity ? { identity } : {}),
    };
  }

  function identityFor(record: ChapterRecord): string {
    return hashParts(["identity/1", record.identity, String(options.reproducible)]);
  }

  /** A chapter's results from its record: nothing ran, every block as stored; the outputs are read when
   * something asks for them (`full`). */
  function fromRecord(chapter: Chapter, record: ChapterRecord, statics: ChapterStatics): ChapterResult {
    const provenance = chapterProvenance(
      chapter,
      statics,
      record.blocks.map((entry) => entry ? provenanceEntry(entry) : undefined),
    );
    const withOutputs = (outputs: (Output[] | null)[] | undefined): BlockResult[] =>
      chapter.blocks.map((block) => {
        const entry = record.blocks[block.index];
        if (!entry) return { index: block.index, status: "not-run" as const, outputs: [], seconds: 0 };
        const result = { ...fromEntry(entry), outputs: outputs?.[block.index] ?? [] };
        return withProvenance(
          { ...result, badge: badgeFor(result, "cached", options.reproducible) },
          provenance[block.index],
        );
      });
    const blocks = withOutputs(undefined);
    stats.push({
      chapter: chapter.path,
      blocks: chapter.blocks.length,
      cached: record.blocks.filter((entry) => entry).length,
      executed: 0,
      replayed: 0,
      restored: 0,
      inlines: chapter.inlines.length,
      inlinesFromScope: 0,
      ran: false,
      modules: statics.modules.map((module) => module.path),
    });
    log(`${chapter.path}: all blocks from cache`);
    const identity = identityFor(record);
    const full = async (): Promise<ChapterResult> => {
      const outputs = await recordOutputs(records, record);
      if (!outputs) throw new Error(`the stored outputs of ${chapter.path} are gone; build again`);
      return { blocks: withOutputs(outputs), inlines: record.inlines, identity };
    };
    return { blocks, inlines: record.inlines, identity, full };
  }

  /** Writes the record of a chapter whose every block and inline expression is stored and as intended. */
  async function recordChapter(
    chapter: Chapter,
    state: {
      lookup: ChapterLookup;
      run: ChapterResult | undefined;
      runInputs: RunInputs | undefined;
      startAt: number;
      inlines: InlineResult[] | undefined;
      keys: string[];
      staticKeys: string[];
    },
  ): Promise<ChapterRecord | undefined> {
    const { lookup, run, runInputs, startAt, inlines, keys, staticKeys } = state;
    if (!inlines || chapter.inlines.some((_, index) => !inlines[index]?.ok)) return undefined;
    const entries: (BlockEntry | null)[] = chapter.blocks.map((block) => {
      if (!block.options.eval) return null;
      if (block.index < startAt || !run) return lookup.hits[block.index] ?? null;
      const result = run.blocks[block.index];
      return { result, backend: result.backend, inputs: runInputs?.blocks[block.index] ?? [] };
    });
    if (chapter.blocks.some((block, index) => block.options.eval && !entries[index])) return undefined;
    const scopeKey = scopeKeyAfter(keys.at(-1) ?? lookup.base);
    const inlineKeys = chapter.inlines.map((inline) => inlineKeyOf(scopeKey, inline.source));
    const inlineInputs = run
      ? chapter.inlines.flatMap((_, index) => runInputs?.inlines[index] ?? [])
      : lookup.inlineInputs.flat();
    return await writeRecord(records, lookup.key, {
      identity: resultsIdentity(keys, inlineKeys),
      refs: [
        ...recordRefs(
          chapter.blocks.map((block) => block.options.eval),
          staticKeys,
          keys,
          scopeKeyAfter,
          inlineKeys,
        ),
        ...entries.flatMap((entry) => computationRefs(entry?.result)),
      ],
      inputs: [...entries.flatMap((entry) => entry?.inputs ?? []), ...inlineInputs],
      inlines: inlines.map((inline) => inline!),
    }, entries);
  }

  return {
    execute,
    stats,
    problems,
    finish: () => memo.save(),
  };
}
