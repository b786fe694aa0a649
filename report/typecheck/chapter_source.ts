import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { analyzeBlock } from "../scope/analyze.ts";
import type { Chapter } from "../types.ts";

/** Declarations of the globals a chapter's blocks may use, for the type checker. */
export const GLOBALS_PRELUDE = [
  "declare const display: <T>(value: T) => T;",
  "declare const params: Readonly<Record<string, string>>;",
  "declare const document: any;",
  "export {};",
];

/** A generated line range that holds one block's code, starting at `codeLine` in the chapter. */
export interface CheckedBlockRange {
  firstLine: number;
  lastLine: number;
  codeLine: number;
}

export interface ChapterCheckSource {
  text: string;
  ranges: CheckedBlockRange[];
}

/**
 * All executed blocks of a chapter as one module, in order, so the type checker sees the shared scope with real
 * types. Relative imports are made absolute (the file lives in `.cache/`); lines are otherwise verbatim.
 */
export function chapterCheckSource(chapter: Chapter, root: string): ChapterCheckSource {
  const chapterDir = dirname(join(root, chapter.path));
  const lines = [...GLOBALS_PRELUDE];
  const ranges: CheckedBlockRange[] = [];
  for (const block of chapter.blocks) {
    if (!block.options.eval) continue;
    let code = block.code;
    const specifiers = analyzeBlock(code).localSpecifiers.sort((a, b) => b.start - a.start);
    for (const found of specifiers) {
      code = code.slice(0, found.start) + pathToFileURL(resolve(chapterDir, found.specifier)).href +
        code.slice(found.end);
    }
    const firstLine = lines.length + 1;
    const blockLines = code.split("\n");
    lines.push(...blockLines, ";");
    ranges.push({ firstLine, lastLine: firstLine + blockLines.length - 1, codeLine: block.codeLine });
  }
  return { text: lines.join("\n") + "\n", ranges };
}
