import { join } from "node:path";
import type { Chapter } from "../types.ts";
import type { FrontMatter } from "../parse/front_matter.ts";
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

  /** Parses an edited chapter; its front matter, when unchanged, comes from the store, so YAML stays unloaded. */
  const parseFresh = async (path: string, text: string): Promise<Chapter> => {
    const { frontMatterBlock, normalizeSource } = await import("../parse/front_matter_block.ts");
    const source = normalizeSource(text);
    const { yamlText, body, lineOffset } = frontMatterBlock(source, path);
    const frontMatterKey = hashParts(["front-matter/1", await parserFingerprint(), path, yamlText ?? ""]);
    let frontMatter = await store.get(frontMatterKey) as FrontMatter | undefined;
    if (!isFrontMatter(frontMatter)) {
      const { readFrontMatter } = await import("../parse/front_matter.ts");
      frontMatter = yamlText === null ? { params: {}, env: [] } : readFrontMatter(yamlText, path);
      await store.put(frontMatterKey, frontMatter);
    }
    const { parseChapterBody } = await import("../parse/chapter_body.ts");
    return parseChapterBody(path, source, { frontMatter, body, lineOffset });
  };

  return async (path: string, text: string): Promise<Chapter> => {
    const key = hashParts(["parse/1", await parserFingerprint(), path, text]);
    const stored = await store.get(key) as Chapter | undefined;
    if (stored && typeof stored === "object" && Array.isArray(stored.blocks)) return stored;
    const chapter = await parseFresh(path, text);
    await store.put(key, chapter);
    return chapter;
  };
}

function isFrontMatter(value: unknown): value is FrontMatter {
  const candidate = value as FrontMatter;
  return typeof value === "object" && value !== null && typeof candidate.params === "object" &&
    candidate.params !== null && Array.isArray(candidate.env);
}
