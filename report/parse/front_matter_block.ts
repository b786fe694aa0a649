/** Where a chapter's front matter is, without reading it: the parse cache keys front matter by its text, so an
 * edit below it never loads the YAML parser. */
import { ReportError } from "../errors.ts";

const FENCE = /^---[ \t]*$/;

/** A chapter file's text with a leading byte-order mark removed and every line ending as `\n`. */
export function normalizeSource(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** The YAML between `---` lines at the very top (null: none), the Markdown after it, and how many lines the
 * front matter takes (body line n is file line n + lineOffset). */
export function frontMatterBlock(
  source: string,
  file: string,
): { yamlText: string | null; body: string; lineOffset: number } {
  const lines = source.split("\n");
  if (!FENCE.test(lines[0] ?? "")) return { yamlText: null, body: source, lineOffset: 0 };
  const end = lines.findIndex((line, n) => n > 0 && FENCE.test(line));
  if (end < 0) {
    throw new ReportError("front matter is not closed by a `---` line", { file, line: 1, column: 1 });
  }
  return {
    yamlText: lines.slice(1, end).join("\n"),
    body: lines.slice(end + 1).join("\n"),
    lineOffset: end + 1,
  };
}
