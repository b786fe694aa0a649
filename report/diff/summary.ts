/** A report diff as terminal lines. */
import type { ChapterDiff, OutputChange, ReportDiff } from "./compare.ts";

const NAMES = { figure: "figure", table: "table", block: "output of the block" } as const;

export function outputTitle(output: OutputChange): string {
  const name = output.label ? `${output.kind} ${output.label}` : NAMES[output.kind];
  return `${name} (line ${output.line})`;
}

function quoted(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

function chapterLines(chapter: ChapterDiff): string[] {
  const lines = [
    `${chapter.path} (${chapter.title})${chapter.change === "changed" ? "" : `: ${chapter.change}`}`,
  ];
  const because = (causes: string[]) => causes.length > 0 ? [`      because: ${causes.join("; ")}`] : [];
  for (const section of chapter.sectionsAdded) lines.push(`  section added: ${section}`);
  for (const section of chapter.sectionsRemoved) lines.push(`  section removed: ${section}`);
  for (const value of chapter.values) {
    lines.push(`  value \${${value.source}} (line ${value.line}): ${value.old || "∅"} → ${value.new || "∅"}`);
    lines.push(`      in ${quoted(value.sentence)}`, ...because(value.causes));
  }
  for (const output of chapter.outputs) {
    const how = output.change === "changed" ? "data changed" : output.change;
    lines.push(`  ${outputTitle(output)}: ${how}${output.summary ? ` (${output.summary})` : ""}`);
    for (const cell of output.cells.slice(0, 10)) {
      lines.push(`      row ${cell.row}, ${cell.column}: ${cell.old || "∅"} → ${cell.new || "∅"}`);
    }
    if (output.cells.length > 10) lines.push(`      … ${output.cells.length - 10} more cells`);
    lines.push(...because(output.causes));
  }
  const prose = chapter.proseAdded.length + chapter.proseRemoved.length;
  if (prose > 0) {
    lines.push(
      `  prose: ${chapter.proseRemoved.length} paragraph(s) removed, ${chapter.proseAdded.length} added`,
    );
    for (const text of chapter.proseRemoved.slice(0, 3)) lines.push(`      - ${quoted(text)}`);
    for (const text of chapter.proseAdded.slice(0, 3)) lines.push(`      + ${quoted(text)}`);
  }
  return lines;
}

export function countChanges(
  diff: ReportDiff,
): { values: number; figures: number; tables: number; blocks: number } {
  const outputs = diff.chapters.flatMap((chapter) => chapter.outputs);
  return {
    values: diff.chapters.reduce((sum, chapter) => sum + chapter.values.length, 0),
    figures: outputs.filter((output) => output.kind === "figure").length,
    tables: outputs.filter((output) => output.kind === "table").length,
    blocks: outputs.filter((output) => output.kind === "block").length,
  };
}

export function diffSummaryLines(diff: ReportDiff): string[] {
  const lines = [`comparing ${diff.old} → ${diff.new}`];
  if (diff.environment.length > 0) lines.push(`environment: ${diff.environment.join("; ")}`);
  for (const chapter of diff.chapters) lines.push(...chapterLines(chapter));
  const n = countChanges(diff);
  lines.push(
    diff.changed
      ? `changed: ${n.values} value(s), ${n.figures} figure(s), ${n.tables} table(s), ${n.blocks} other output(s); ` +
        `identical: ${diff.identical.figures} figure(s) and table(s), ${diff.identical.values} value(s)`
      : `no changes: ${diff.identical.figures} figure(s) and table(s), ${diff.identical.values} value(s) identical`,
  );
  return lines;
}
