import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { analyzeBlock, singleLine, type TextEdit } from "./analyze.ts";
import type { ColumnShift, HoistedImport, LineMapping } from "./line_mapping.ts";

import { RUNTIME_GLOBAL } from "./runtime_global.ts";

export { RUNTIME_GLOBAL };
export const VALUE_PREFIX = `await ${RUNTIME_GLOBAL}.value((`;
const VALUE_SUFFIX = "))";

export interface GeneratedModule {
  source: string;
  mapping: LineMapping;
  /** Names this block declares at top level. */
  declared: string[];
  /** Imports the block may not use; a block with any does not run. */
  undeclared?: UndeclaredImport[];
}

export interface BlockModuleInput {
  code: string;
  /** Chapter path relative to the project root, and its absolute form (for relative imports). */
  file: string;
  absoluteFile: string;
  /** File line of the first code line. */
  codeLine: number;
  /** Names published by the blocks before this one. */
  earlierNames: readonly string[];
  moduleUrl: string;
  /** Whether a non-relative specifier names a dependency of the project (default: every one does). */
  isDependency?: (specifier: string) => boolean;
}

/** A literal import of something that is not a dependency of the project, at its chapter position. */
export interface UndeclaredImport {
  specifier: string;
  line: number;
  column: number;
}

function pullNames(names: readonly string[]): string {
  return names.length === 0 ? "" : ` let { ${names.join(", ")} } = ${RUNTIME_GLOBAL}.scope;`;
}

/**
 * One module per block. Line 1 holds the block's import declarations (moved up, blanked in place so lines and
 * columns stay put) and opens `export default async function`, which pulls the earlier blocks' bindings; then
 * the code verbatim, its final expression captured; then a line that publishes the bindings and closes the
 * function. The runtime calls the function, so a block never uses module-level `await`.
 */
export function blockModule(input: BlockModuleInput): GeneratedModule {
  const analysis = analyzeBlock(input.code);
  const declared = new Set(analysis.declared);
  const pulled = input.earlierNames.filter((name) => !declared.has(name));
  const chapterDir = dirname(input.absoluteFile);
  const rewrite = (specifier: string) =>
    specifier.startsWith(".") ? pathToFileURL(resolve(chapterDir, specifier)).href : specifier;
  const insideImports = (offset: number) =>
    analysis.imports.some((range) => offset >= range.start && offset < range.end);

  const hoistedTexts = analysis.imports.map((range) => {
    let text = input.code.slice(range.start, range.end);
    const specifiers = analysis.localSpecifiers
      .filter((found) => found.start >= range.start && found.end <= range.end)
      .sort((a, b) => b.start - a.start);
    for (const found of specifiers) {
      text = text.slice(0, found.start - range.start) + rewrite(found.specifier) +
        text.slice(found.end - range.start);
    }
    return text.includes("\n") || text.includes("/*") ? singleLine(text) : text;
  });

  const edits: TextEdit[] = [
    ...analysis.imports.map((range) => ({
      start: range.start,
      end: range.end,
      text: input.code.slice(range.start, range.end).replace(/[^\n]/g, " "),
    })),
    ...analysis.localSpecifiers
      .filter((found) => !insideImports(found.start))
      .map((found) => ({ start: found.start, end: found.end, text: rewrite(found.specifier) })),
    ...analysis.importMetas.map((range) => ({ ...range, text: `${RUNTIME_GLOBAL}.meta` })),
    ...analysis.computedImports.flatMap((range) => [
      { start: range.start, end: range.start, text: `${RUNTIME_GLOBAL}.resolveImport(` },
      { start: range.end, end: range.end, text: ")" },
    ]),
    ...analysis.exportKeywords.map((range) => ({ ...range, text: " ".repeat(range.end - range.start) })),
  ];
  const last = analysis.lastExpression;
  if (last) {
    edits.push({ start: last.start, end: last.start, text: VALUE_PREFIX });
    edits.push({ start: last.end, end: last.end, text: VALUE_SUFFIX });
  }
  const firstLine = 2;
  const { text, shifts } = applyEdits(input.code, edits, firstLine);
  const published = [...new Set([...pulled, ...analysis.declared])];
  const publish = published.length === 0
    ? ""
    : `Object.assign(${RUNTIME_GLOBAL}.scope, { ${published.join(", ")} });`;
  const hoisted: HoistedImport[] = [];
  let column = 1;
  analysis.imports.forEach((range, index) => {
    const to = column + hoistedTexts[index].length;
    hoisted.push({ from: column, to, ...chapterPosition(input, range.start) });
    column = to + 1;
  });
  const header = `${hoistedTexts.join(" ")} export default async function () {${pullNames(pulled)}`
    .trimStart();
  const codeLines = input.code.split("\n").length;
  const isDependency = input.isDependency ?? (() => true);
  const undeclared = analysis.otherSpecifiers.filter((found) => !isDependency(found.specifier)).map(
    (found) => ({ specifier: found.specifier, ...chapterPosition(input, found.start) }),
  );
  return {
    source: `${header}\n${text}\n;${publish} }\n`,
    declared: analysis.declared,
    ...(undeclared.length > 0 ? { undeclared } : {}),
    mapping: {
      moduleUrl: input.moduleUrl,
      file: input.file,
      firstLine,
      sourceLine: input.codeLine,
      lastLine: firstLine + codeLines - 1,
      shifts,
      hoisted,
    },
  };
}

export interface InlineModuleInput {
  source: string;
  file: string;
  line: number;
  column: number;
  names: readonly string[];
  moduleUrl: string;
}

const INLINE_PREFIX = "return (";

/** A module whose default export computes one inline `${…}` expression in the chapter's scope. */
export function inlineModule(input: InlineModuleInput): GeneratedModule {
  const lines = input.source.split("\n").length;
  return {
    source: `export default async function () {${
      pullNames(input.names)
    }\n${INLINE_PREFIX}${input.source}\n); }\n`,
    declared: [],
    mapping: {
      moduleUrl: input.moduleUrl,
      file: input.file,
      firstLine: 2,
      sourceLine: input.line,
      lastLine: 1 + lines,
      shifts: [{ line: 2, from: 1, delta: input.column - 1 - INLINE_PREFIX.length }],
    },
  };
}

/** Applies single-line edits and records, per generated line, how columns shift back to the original. */
function applyEdits(
  code: string,
  edits: TextEdit[],
  firstLine: number,
): { text: string; shifts: ColumnShift[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const shifts: ColumnShift[] = [];
  let text = "";
  let copied = 0;
  for (const edit of sorted) {
    text += code.slice(copied, edit.start);
    const line = firstLine + countNewlines(code, 0, edit.start);
    text += edit.text;
    const delta = edit.end - edit.start - edit.text.length;
    if (delta !== 0) {
      const lineStart = text.lastIndexOf("\n") + 1;
      shifts.push({ line, from: text.length - lineStart + 1, delta });
    }
    copied = edit.end;
  }
  text += code.slice(copied);
  return { text, shifts };
}

/** The chapter line and column of an offset in a block's code. */
function chapterPosition(input: BlockModuleInput, offset: number): { line: number; column: number } {
  const lineStart = input.code.lastIndexOf("\n", offset - 1) + 1;
  return { line: input.codeLine + countNewlines(input.code, 0, offset), column: offset - lineStart + 1 };
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}
