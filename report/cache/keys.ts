import { canonicalJson, hashParts } from "./hash.ts";

export type BlockOptionValue = string | number | boolean;

/** Options that only change how a block is shown, never what it computes; editing them re-renders only. */
export const RENDER_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  "echo",
  "output",
  "include",
  "fold",
  "label",
  "caption",
]);

/** Inputs shared by every block of one chapter. */
export interface ChapterKeyContext {
  /** The chapter file (relative to the project root): `import.meta` and relative reads resolve against it. */
  chapter?: string;
  /** Fingerprint of the code that executes blocks (runtime and executor sources). */
  engine: string;
  /** `deno.lock` and the import map. */
  dependencies: string;
  params: Readonly<Record<string, string>>;
  /** The tfjs backend asked for (`params.backend` unless overridden). */
  backend: string;
}

export interface BlockKeyInput {
  code: string;
  options: Readonly<Record<string, BlockOptionValue>>;
  /** Hash of the local modules imported by this block and every block before it. */
  modules: string;
}

export function executionOptions(
  options: Readonly<Record<string, BlockOptionValue>>,
): Record<string, BlockOptionValue> {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !RENDER_ONLY_OPTIONS.has(name)));
}

export function contextHash(context: ChapterKeyContext): string {
  return hashParts([
    "chapter-context/1",
    context.engine,
    context.dependencies,
    canonicalJson(context.params),
    context.backend,
    context.chapter ?? "",
  ]);
}

/** Static key of a block: it chains the entry key of the block before (the context hash for the first), so a
 * change at block k changes keys k..n only. Its run-time inputs complete it (cache/inputs.ts). */
export function blockStaticKey(previous: string, block: BlockKeyInput): string {
  return hashParts([
    "block/1",
    previous,
    block.modules,
    block.code,
    canonicalJson(executionOptions(block.options)),
  ]);
}

/** The chain of static keys of blocks that read nothing at run time. */
export function blockKeyChain(context: ChapterKeyContext, blocks: readonly BlockKeyInput[]): string[] {
  const keys: string[] = [];
  let previous = contextHash(context);
  for (const block of blocks) keys.push(previous = blockStaticKey(previous, block));
  return keys;
}
