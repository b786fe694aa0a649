import { join } from "node:path";
import type { Effects } from "../effects.ts";
import type { ExecutionObserver } from "../execute/executor.ts";
import type { ExecuteSettings } from "../execute/executor.ts";
import type { BlockBadge, BlockResult, Chapter, ChapterResult, InlineResult } from "../types.ts";
import {
  type BlockEntry,
  blockFingerprint,
  lookupChapter,
  moduleIdentities,
  runInputs,
  storeChapterRun,
  storedFingerprints,
  storeFingerprints,
} from "./chapter_cache.ts";
import { changeReasons, type Fingerprint } from "./explain.ts";
import { hashInputs, type InputSource } from "./inputs.ts";
import { hashParts } from "./hash.ts";
import { fileImportMemo, type ImportMemo } from "./import_memo.ts";
import { inlinesFromScope as answerFromScope } from "./inline_from_scope.ts";
import { restorableScope } from "./scope_restore.ts";
import { dependencyHash } from "./lockfile.ts";
import { declaredValues } from "../execute/sandbox.ts";
import { closureHash, localModuleClosure } from "./module_graph.ts";
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

/** Files whose change alters what executing a block produces: the chapter runtime and its helpers. */
export const ENGINE_ENTRIES = ["../runtime/run_chapter.ts", "../execute/plan.ts", "../execute/executor.ts"];

export async function engineFingerprint(root: string, memo: ImportMemo): Promise<string> {
  const files = ENGINE_ENTRIES.map((entry) => new URL(entry, import.meta.url).pathname);
  return closureHash(await localModuleClosure(files.map((file) => ({ file })), { root, memo }));
}

function badgeFor(result: BlockResult, source: "executed" | "cached", reproducible: boolean): BlockBadge {
  if (reproducible) return result.backend ? { backend: result.backend } : {};
  return { source, seconds: result.seconds, ...(result.backend ? { backend: result.backend } : {}) };
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
  const memo = fileImportMemo(join(options.cacheDir, "imports.json"), log);
  const stats: ChapterCacheStats[] = [];
  let shared: Promise<{ engine: string; dependencies: string }> | undefined;

  async function execute(
    chapter: Chapter,
    settings: ExecuteSettings,
    observer: ExecutionObserver,
  ): Promise<ChapterResult> {
    shared ??= engineFingerprint(options.root, memo).then((engine) => ({
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
    };
    const lookup = await lookupChapter(chapter, {
      root: options.root,
      store,
      memo,
      fresh: options.fresh,
      context,
      source,
    });
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
      ? await moduleIdentities(lookup.modules, { root: options.root, memo })
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
    if (run) {
      const backends = run.blocks.map((result) => result?.backend);
      const previous = await storedFingerprints(chapter, store);
      await storeChapterRun(chapter, lookup, { ...run, backends }, startAt, { store, source });
      const fingerprints = chapter.blocks.map((block): Fingerprint | undefined => {
        const reads = run.reads?.[block.index];
        const inputs = block.index < startAt
          ? lookup.hits[block.index]?.inputs
          : reads && hashInputs(runInputs(reads, lookup), source);
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
        run ? `ran from block ${startAt + 1} of ${chapter.blocks.length}` : "all blocks from cache"
      }${replayed > 0 ? ` (${replayed} replayed for scope)` : ""}${
        restored > 0 ? ` (scope of ${restored} restored from the cache)` : ""
      }`,
    );
    const identity = run
      ? undefined
      : hashParts(["results/1", String(options.reproducible), ...lookup.keys, ...lookup.inlineKeys]);
    return { blocks, inlines, scopes: run?.scopes, ...(identity ? { identity } : {}) };
  }

  return {
    execute,
    stats,
    problems,
    finish: () => memo.save(),
  };
}
