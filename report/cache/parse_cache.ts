import { join } from "node:path";
import type { Chapter } from "../types.ts";
import { hashParts } from "./hash.ts";
import { fileImportMemo } from "./import_memo.ts";
import { dependencyHash } from "./lockfile.ts";
import { closureHash, type FileContents, localModuleClosure } from "./module_graph.ts";
import type { CacheStore } from "./store.ts";

const PARSER_ENTRY = new URL("../parse/chapter.ts", import.meta.url).pathname;

/** A chapter parser that reuses the stored parse of unchanged text; the parser (with `yaml` and the Markdown
 * lexer) is loaded only for text it has not seen, keyed also by the parser's own source and `deno.lock`. */
export function cachedParser(
  root: string,
  cacheDir: string,
  store: CacheStore,
  log?: (line: string) => void,
  contents?: FileContents,
) {
  let fingerprint: Promise<string> | undefined;
  const computeFingerprint = async () => {
    const memo = fileImportMemo(join(cacheDir, "imports.json"), log);
    const modules = await localModuleClosure([{ file: PARSER_ENTRY }], { root, memo, contents });
    memo.save();
    return hashParts([closureHash(modules), dependencyHash(root)]);
  };
  const parserFingerprint = () => fingerprint ??= computeFingerprint();

  return async (path: string, text: string): Promise<Chapter> => {
    const key = hashParts(["parse/1", await parserFingerprint(), path, text]);
    const stored = await store.get(key) as Chapter | undefined;
    if (stored && typeof stored === "object" && Array.isArray(stored.blocks)) return stored;
    const chapter = (await import("../parse/chapter.ts")).parseChapter(path, text);
    await store.put(key, chapter);
    return chapter;
  };
}
