/**
 * Provenance of a block's result: which code, local modules, files, variables and stored computations it stands
 * on. Everything here comes from the block cache's keys (report/cache/): a block's entry key chains the keys of
 * the blocks before it, so the record of block k covers blocks 0…k of its chapter ("the code chain").
 */
import type { BlockKeyInput } from "../cache/keys.ts";
import { blockStaticKey, executionOptions } from "../cache/keys.ts";
import { canonicalJson, hashParts } from "../cache/hash.ts";
import { entryKeyOf, type InputRecord } from "../cache/inputs.ts";
import type { Chapter } from "../types.ts";

/** One block of a code chain: where it is and what its code (with the options that change what it computes)
 * hashes to. */
export interface ChainLink {
  /** Position among the chapter's blocks, from 0. */
  index: number;
  /** Line of the block's opening fence. */
  line: number;
  /** SHA-256 of its code and execution options. */
  code: string;
  /** Its entry key (content address of its result). */
  key: string;
}

/** What one block's result stands on: its own entry key, and the union over the blocks of its code chain of
 * what they imported, read and loaded. Lists are in a stable order (modules by path, inputs by kind then
 * name, computations by name). */
export interface BlockProvenance {
  key: string;
  chain: ChainLink[];
  /** Local modules (path → content hash). */
  modules: Record<string, string>;
  /** Project files and declared variables read while running, with the hash of their value. */
  inputs: InputRecord[];
  /** Stored computations (`memo`, e.g. trained models) used, with their entry keys. */
  computations: { name: string; key: string }[];
  /** The tfjs backend active when the block finished, when tfjs was in use. */
  backend?: string;
}

/** What the cache knows of one block that finished as intended. */
export interface ProvenanceEntry {
  inputs?: readonly InputRecord[];
  computations?: readonly { name: string; key: string }[];
  backend?: string;
}

/** What the chapter's keys are made of (see `ChapterStatics` in report/cache/chapter_cache.ts). */
export interface ProvenanceStatics {
  base: string;
  inputs: readonly BlockKeyInput[];
  moduleMaps: readonly Record<string, string>[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SHA-256 of a block's code and execution options (the "its code or options" part of its key). */
export function codeHash(input: BlockKeyInput): string {
  return hashParts([input.code, canonicalJson(executionOptions(input.options))]);
}

/**
 * The provenance of each block of a chapter, by index. `entries[i]` is what block i read and used when it
 * finished as intended; the chain stops at the first block that has none (a failed block and those after it
 * get no record). Keys are computed exactly as the block cache computes them.
 */
export function chapterProvenance(
  chapter: Pick<Chapter, "blocks">,
  statics: ProvenanceStatics,
  entries: readonly (ProvenanceEntry | undefined)[],
): (BlockProvenance | undefined)[] {
  const records: (BlockProvenance | undefined)[] = chapter.blocks.map(() => undefined);
  const chain: ChainLink[] = [];
  const inputs = new Map<string, InputRecord>();
  const computations = new Map<string, string>();
  let previous = statics.base;
  for (const block of chapter.blocks) {
    const keyInput = statics.inputs[block.index];
    const staticKey = blockStaticKey(previous, keyInput);
    if (!block.options.eval) {
      previous = staticKey;
      continue;
    }
    const entry = entries[block.index];
    if (!entry) break;
    const key = entryKeyOf(staticKey, entry.inputs ?? []);
    previous = key;
    chain.push({ index: block.index, line: block.fenceLine, code: codeHash(keyInput), key });
    for (const input of entry.inputs ?? []) inputs.set(`${input.kind}\0${input.name}`, input);
    for (const used of entry.computations ?? []) computations.set(used.name, used.key);
    const modules = statics.moduleMaps[block.index] ?? {};
    records[block.index] = {
      key,
      chain: [...chain],
      modules: Object.fromEntries(Object.entries(modules).sort(([a], [b]) => compare(a, b))),
      inputs: [...inputs.entries()].sort(([a], [b]) => compare(a, b)).map(([, input]) => ({ ...input })),
      computations: [...computations.entries()].sort(([a], [b]) => compare(a, b))
        .map(([name, key]) => ({ name, key })),
      ...(entry.backend ? { backend: entry.backend } : {}),
    };
  }
  return records;
}
