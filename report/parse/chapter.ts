/** Parses one chapter file: its front matter (YAML), then its Markdown. */
import { parseChapterBody } from "./chapter_body.ts";
import { splitFrontMatter } from "./front_matter.ts";
import { normalizeSource } from "./front_matter_block.ts";
import type { Chapter } from "../types.ts";

export { EXECUTABLE_LANGUAGES } from "./chapter_body.ts";

/** Parses one chapter file; `path` is relative to the project root and used in every location. */
export function parseChapter(path: string, text: string): Chapter {
  const source = normalizeSource(text);
  return parseChapterBody(path, source, splitFrontMatter(source, path));
}
