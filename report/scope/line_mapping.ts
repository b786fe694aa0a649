import type { SourceLocation } from "../types.ts";

/** Columns at or after `from` on generated line `line` move by `delta` in the source. */
export interface ColumnShift {
  line: number;
  from: number;
  delta: number;
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
}

export function mapPosition(mapping: LineMapping, line: number, column: number): SourceLocation {
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
