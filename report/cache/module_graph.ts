import { join, relative } from "node:path";
import { hashParts, sha256Hex } from "./hash.ts";
import { type ImportMemo, memoryImportMemo } from "./import_memo.ts";
import { type ImportScanner, isScript, resolveLocal, typescriptImportScanner } from "./imports.ts";

/** One local file a chapter depends on, by path relative to the project root and content hash. */
export interface ModuleFingerprint {
  path: string;
  hash: string;
}

/** A root of the walk: a file on disk, or source text that lives at `file` (e.g. a chapter's code blocks). */
export interface GraphRoot {
  file: string;
  source?: string;
}

export interface ModuleGraphOptions {
  root: string;
  memo?: ImportMemo;
  scanner?: () => Promise<ImportScanner>;
  /** Files already read (and hashed) in this build, keyed by absolute path; `null`: missing. */
  contents?: FileContents;
}

const decoder = new TextDecoder();

/** A file's bytes and their hash, by absolute path, read once per build. */
export type FileContents = Map<string, { bytes: Uint8Array; hash: string } | null>;

interface QueuedSource {
  file: string;
  source: string;
  contentHash: string;
}

function readFile(path: string, contents: FileContents): { bytes: Uint8Array; hash: string } | null {
  if (contents.has(path)) return contents.get(path)!;
  let file: { bytes: Uint8Array; hash: string } | null;
  try {
    const bytes = Deno.readFileSync(path);
    file = { bytes, hash: sha256Hex(bytes) };
  } catch {
    file = null;
  }
  contents.set(path, file);
  return file;
}

async function importsOf(
  { file, source, contentHash }: QueuedSource,
  memo: ImportMemo,
  scanner: () => Promise<ImportScanner>,
): Promise<string[]> {
  const known = memo.get(contentHash);
  if (known) return known;
  const specifiers = (await scanner())(source, file);
  memo.set(contentHash, specifiers);
  return specifiers;
}

/** Every local file reachable from the roots through imports (roots' own text excluded), sorted by path.
 * A missing file is listed with hash "missing", so creating it later changes the result. */
export async function localModuleClosure(
  roots: readonly GraphRoot[],
  options: ModuleGraphOptions,
): Promise<ModuleFingerprint[]> {
  const memo = options.memo ?? memoryImportMemo();
  const scanner = options.scanner ?? typescriptImportScanner;
  const contents = options.contents ?? new Map();
  const seen = new Map<string, string>();
  const queue: QueuedSource[] = [];

  // The project's configuration is not code: its import map is part of every key through `dependencyHash`
  // (with deno.lock), and its tasks and formatting settings do not change what a module computes.
  const config = new Set([join(options.root, "deno.json"), join(options.root, "deno.jsonc")]);
  function visit(path: string): void {
    if (seen.has(path) || config.has(path)) return;
    const file = readFile(path, contents);
    const contentHash = file ? file.hash : "missing";
    seen.set(path, contentHash);
    if (file && isScript(path)) queue.push({ file: path, source: decoder.decode(file.bytes), contentHash });
  }

  for (const root of roots) {
    if (root.source !== undefined) {
      queue.push({ file: root.file, source: root.source, contentHash: sha256Hex(root.source) });
    } else visit(root.file);
  }
  while (queue.length > 0) {
    const queued = queue.shift()!;
    for (const specifier of await importsOf(queued, memo, scanner)) {
      const target = resolveLocal(specifier, queued.file);
      if (target) visit(target);
    }
  }
  return [...seen.entries()]
    .map(([path, hash]) => ({ path: relative(options.root, path), hash }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function closureHash(modules: readonly ModuleFingerprint[]): string {
  return hashParts(modules.flatMap((module) => [module.path, module.hash]));
}
