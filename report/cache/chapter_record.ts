/**
 * A chapter's results as one entry: once every block and inline expression of a chapter is stored, the
 * chapter's static key (its code, options, modules, context and inline sources) names a record of all its
 * results, the run-time inputs they read, and the store keys they stand on. An unchanged chapter is then one
 * read and a check of its inputs, instead of a trace, an entry and an inline entry per block and expression.
 * The blocks' outputs (most of the bytes) are kept in a second entry, read only when the chapter must be
 * rendered again.
 */
import type { BlockResult, InlineResult, Output } from "../types.ts";
import type { BlockEntry } from "./chapter_cache.ts";
import { hashParts } from "./hash.ts";
import { currentInputs, type InputRecord, type InputSource, traceKeyOf } from "./inputs.ts";
import type { CacheStore } from "./store.ts";

export interface ChapterRecord {
  /** Names exactly these results (see `ChapterResult.identity`). */
  identity: string;
  /** Every store key the results stand on (traces, block entries, scopes, inline entries): kept by
   * housekeeping while the record is in use. */
  refs: string[];
  /** What the blocks and inline expressions read while they ran, with the values they read. */
  inputs: InputRecord[];
  /** The blocks' results without their outputs. */
  blocks: (BlockEntry | null)[];
  inlines: InlineResult[];
  /** Where the blocks' outputs are (an entry of the same store): `{ outputs: Output[][] }`. */
  outputsKey: string;
}

interface StoredOutputs {
  outputs: (Output[] | null)[];
}

export function outputsKeyOf(identity: string): string {
  return hashParts(["outputs/1", identity]);
}

/** Stores a chapter's record and its outputs. */
export async function writeRecord(
  store: CacheStore,
  key: string,
  record: Omit<ChapterRecord, "outputsKey" | "blocks">,
  blocks: (BlockEntry | null)[],
): Promise<ChapterRecord> {
  const outputsKey = outputsKeyOf(record.identity);
  await store.put(
    outputsKey,
    { outputs: blocks.map((entry) => entry?.result.outputs ?? null) } satisfies StoredOutputs,
  );
  const light = blocks.map((entry) => entry && { ...entry, result: { ...entry.result, outputs: [] } });
  const stored: ChapterRecord = { ...record, refs: [...record.refs, outputsKey], blocks: light, outputsKey };
  await store.put(key, stored);
  return stored;
}

/** The record's block entries with their outputs, or undefined when the outputs entry is gone or damaged. */
export async function recordOutputs(
  store: CacheStore,
  record: ChapterRecord,
): Promise<(Output[] | null)[] | undefined> {
  const stored = await store.get(record.outputsKey) as StoredOutputs | undefined;
  return stored && Array.isArray(stored.outputs) && stored.outputs.length === record.blocks.length
    ? stored.outputs
    : undefined;
}

/** The identity of a chapter's results: its blocks' entry keys and its inline expressions' keys. */
export function resultsIdentity(keys: readonly string[], inlineKeys: readonly string[]): string {
  return hashParts(["results/1", ...keys, ...inlineKeys]);
}

/** The store keys behind a chapter whose blocks have these static and entry keys (blocks that do not run
 * have none). */
export function recordRefs(
  runs: readonly boolean[],
  staticKeys: readonly string[],
  keys: readonly string[],
  scopeKeyAfter: (key: string) => string,
  inlineKeys: readonly string[],
): string[] {
  const refs = keys.flatMap((key, index) =>
    runs[index] ? [traceKeyOf(staticKeys[index]), key, scopeKeyAfter(key)] : []
  );
  return [...refs, ...inlineKeys];
}

/** The store keys of the stored computations a block used (its models, its studies). */
export function computationRefs(result: BlockResult | undefined): string[] {
  return (result?.computations ?? []).flatMap((computation) => computation.refs ?? [computation.key]);
}

/** The stored record under `key`, if its inputs still have the values they had. */
export async function readRecord(
  store: CacheStore,
  key: string,
  source: InputSource,
): Promise<ChapterRecord | undefined> {
  const record = await store.get(key) as ChapterRecord | undefined;
  if (
    !record || typeof record !== "object" || typeof record.identity !== "string" ||
    !Array.isArray(record.refs) ||
    !Array.isArray(record.inputs) || !Array.isArray(record.blocks) || !Array.isArray(record.inlines) ||
    typeof record.outputsKey !== "string" || !store.has(record.outputsKey)
  ) return undefined;
  const now = currentInputs({ inputs: record.inputs }, source);
  return now.every((input, index) => input.hash === record.inputs[index].hash) ? record : undefined;
}
