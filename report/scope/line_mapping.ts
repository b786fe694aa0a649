import type { SourceLocation } from "../types.ts";

/** Columns at or after `from` on generated line `line` move by `delta` in the source. */
export interface ColumnShift {
  line: number;
  from: number;
  delta: number;
}

/** An import declaration moved to line 1: generated columns [from, to) came from `line`:`column`. */
export interface HoistedImport {
  from: number;
  to: number;
  line: number;
  column: number;
}

/** How positions in a generated module map back to the chapter's Markdown file. */
export interface LineMapping {
  moduleUrl: string;
  /** Chapter path relative to the project root. */
  file: string;
  /** Generated line that holds the chapter's `sourceLine`. */
  firstLine: number;
  sourceLine: number;
  /** Last generated line that belongs to the chapter's code (later lines are generated glue). */
  lastLine: number;
  shifts: ColumnShift[];
  /** Import declarations the module holds on line 1, before `firstLine`. */
  hoisted?: HoistedImport[];
}

export function mapPosition(mapping: LineMapping, line: number, column: number): SourceLocation {
  if (line < mapping.firstLine) {
    const hoisted = mapping.hoisted?.find((entry) => column >= entry.from && column < entry.to);
    if (hoisted) return { file: mapping.file, line: hoisted.line, column: hoisted.column };
  }
  const clampedLine = Math.min(Math.max(line, mapping.firstLine), mapping.lastLine);
  let mappedColumn = clampedLine === line ? column : 1;
  for (const shift of mapping.shifts) {
    if (shift.line === clampedLine && column >= shift.from) mappedColumn += shift.delta;
  }
  return {
    file: mapping.file,
    line: mapping.sourceLine + clampedLine - mapping.firstLine,
    column: Math.max(1, mappedColumn),
  };
}
