import { ReportError } from "../errors.ts";
import { closestMatch } from "../suggest.ts";
import type { Chapter } from "../types.ts";

export type FloatKind = "figure" | "table";

export interface NumberedFloat {
  kind: FloatKind;
  label: string;
  number: number;
  caption?: string;
  /** Chapter path. */
  chapter: string;
}

export type Numbering = ReadonlyMap<string, NumberedFloat>;

export const FLOAT_NAMES: Record<FloatKind, string> = { figure: "Figure", table: "Table" };

export function floatKind(label: string): FloatKind {
  return label.startsWith("tbl-") ? "table" : "figure";
}

/** Numbers labelled blocks across the whole report, figures and tables separately, in reading order. */
export function numberFloats(chapters: readonly Chapter[]): { numbering: Numbering; errors: ReportError[] } {
  const numbering = new Map<string, NumberedFloat>();
  const errors: ReportError[] = [];
  const counts: Record<FloatKind, number> = { figure: 0, table: 0 };
  for (const chapter of chapters) {
    for (const block of chapter.blocks) {
      const label = block.options.label;
      if (!label) continue;
      const at = { file: chapter.path, line: block.fenceLine, column: 1 };
      const earlier = numbering.get(label);
      if (earlier) {
        errors.push(new ReportError(`label "${label}" is already used in ${earlier.chapter}`, at));
        continue;
      }
      if (!block.options.include) {
        errors.push(
          new ReportError(`label "${label}" is on a block with include: false, so it cannot be shown`, at),
        );
        continue;
      }
      const kind = floatKind(label);
      counts[kind] += 1;
      numbering.set(label, {
        kind,
        label,
        number: counts[kind],
        caption: block.options.caption,
        chapter: chapter.path,
      });
    }
  }
  return { numbering, errors };
}

/** Every `@fig-…`/`@tbl-…` must name a labelled block of this build. */
export function checkReferences(chapters: readonly Chapter[], numbering: Numbering): ReportError[] {
  const errors: ReportError[] = [];
  for (const chapter of chapters) {
    for (const reference of chapter.references) {
      if (numbering.has(reference.label)) continue;
      const known = [...numbering.keys()].filter((label) => label.startsWith(reference.label.slice(0, 4)));
      const guess = closestMatch(reference.label, known);
      const hint = guess
        ? ` (did you mean @${guess}?)`
        : known.length > 0
        ? ` (known: ${known.join(", ")})`
        : "";
      errors.push(new ReportError(`unknown reference @${reference.label}${hint}`, reference.location));
    }
  }
  return errors;
}

export function referenceText(float: NumberedFloat): string {
  return `${FLOAT_NAMES[float.kind]} ${float.number}`;
}
