/**
 * The semantic difference of two built reports: per chapter, the inline values and table cells whose value
 * changed, the figures whose data changed (by their output fingerprints; by how much from the numbers in
 * their markup), sections and prose added or removed, and, from the manifests, what caused each change.
 */
import { parseHTML } from "linkedom";
import type { ManifestBlock, ManifestChapter, ManifestValue } from "../provenance/manifest.ts";
import { environmentCauses, provenanceCauses } from "./causes.ts";
import type { BuiltReport } from "./load.ts";

export interface ValueChange {
  line: number;
  source: string;
  old: string;
  new: string;
  /** The sentence in the new report (the old one when the value was removed). */
  sentence: string;
  causes: string[];
  /** Same inputs, different value: something in the chapter's blocks or the expression is not deterministic. */
  sameInputs: boolean;
}

export interface CellChange {
  row: number;
  column: string;
  old: string;
  new: string;
}

export interface OutputChange {
  /** `fig-…`/`tbl-…`, or absent for a block that is not a figure or table. */
  label?: string;
  kind: "figure" | "table" | "block";
  number?: number;
  line: number;
  change: "changed" | "added" | "removed";
  /** How much the data moved, where numbers summarise it. */
  summary?: string;
  cells: CellChange[];
  causes: string[];
  sameInputs: boolean;
  /** The figure's or table's markup in each report (outputs only; no caption, no provenance). */
  oldHtml?: string;
  newHtml?: string;
}

export interface ChapterDiff {
  name: string;
  path: string;
  title: string;
  change: "changed" | "added" | "removed";
  sectionsAdded: string[];
  sectionsRemoved: string[];
  proseAdded: string[];
  proseRemoved: string[];
  values: ValueChange[];
  outputs: OutputChange[];
}

export interface ReportDiff {
  old: string;
  new: string;
  /** Differences of the build environment. */
  environment: string[];
  chapters: ChapterDiff[];
  /** What is the same in both: figures and tables (by label) and inline values. */
  identical: { figures: number; values: number };
  changed: boolean;
}

/** Values matched by expression and occurrence, so an inserted sentence does not shift the rest. */
function valueKeys(values: readonly ManifestValue[]): Map<string, ManifestValue> {
  const counts = new Map<string, number>();
  const keyed = new Map<string, ManifestValue>();
  for (const value of values) {
    const n = counts.get(value.source) ?? 0;
    counts.set(value.source, n + 1);
    keyed.set(`${value.source}\0${n}`, value);
  }
  return keyed;
}

/** Figures and tables by label; other blocks by position. */
function blockKeys(blocks: readonly ManifestBlock[]): Map<string, ManifestBlock> {
  return new Map(blocks.map((block) => [block.label ?? `#${block.index}`, block]));
}

function listDifference(a: readonly string[], b: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const item of b) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  return a.filter((item) => {
    const n = remaining.get(item) ?? 0;
    if (n === 0) return true;
    remaining.set(item, n - 1);
    return false;
  });
}

/** The little of linkedom's DOM this module uses (the project's type-check has no DOM library). */
interface Element {
  innerHTML: string;
  textContent: string | null;
  cloneNode(deep: boolean): Element;
  remove(): void;
  removeAttribute(name: string): void;
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): Iterable<Element>;
}
type Doc = Pick<Element, "querySelector">;

function parseDocument(html: string): Doc {
  return (parseHTML(html) as unknown as { document: Doc }).document;
}

/** The outputs of a figure or table without its caption and provenance, from a report's page. */
function floatContent(document: Doc, label: string): Element | undefined {
  const figure = document.querySelector(`[id="${label.replace(/["\\]/g, "")}"]`);
  if (!figure) return undefined;
  const copy = figure.cloneNode(true);
  for (const element of copy.querySelectorAll("figcaption, details.provenance")) element.remove();
  // A graphic's accessible name repeats its number and caption (report/render/figure_access.ts).
  for (const element of copy.querySelectorAll('[role="img"][aria-label]')) {
    element.removeAttribute("aria-label");
  }
  return copy;
}

function numbersOf(html: string): number[] {
  return [...html.replace(/class="[^"]*"/g, "").matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi)].map((m) =>
    Number(m[0])
  );
}

/** "3 of 40 numbers changed, largest by 1 (33%)" for two figures' markup. */
export function numericSummary(oldHtml: string, newHtml: string): string | undefined {
  const a = numbersOf(oldHtml);
  const b = numbersOf(newHtml);
  if (a.length === 0 && b.length === 0) return undefined;
  if (a.length !== b.length) return `${a.length} → ${b.length} numbers in its markup`;
  let changed = 0;
  let largest = 0;
  let relative = 0;
  a.forEach((value, index) => {
    const delta = Math.abs(b[index] - value);
    if (delta === 0) return;
    changed += 1;
    if (delta > largest) {
      largest = delta;
      relative = value === 0 ? Infinity : delta / Math.abs(value);
    }
  });
  if (changed === 0) return "its numbers are the same (other markup changed)";
  const percent = Number.isFinite(relative) ? ` (${Number((relative * 100).toPrecision(3))}%)` : "";
  return `${changed} of ${a.length} numbers changed, largest by ${Number(largest.toPrecision(4))}${percent}`;
}

function tableCells(element: Element | undefined): { columns: string[]; rows: string[][] } | undefined {
  const table = element?.querySelector("table");
  if (!table) return undefined;
  const columns = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) =>
    [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")
  );
  return { columns, rows };
}

/** Cells whose text differs, row by row (rows added or removed count as cells from or to empty). */
export function cellChanges(old: Element | undefined, now: Element | undefined): CellChange[] {
  const a = tableCells(old);
  const b = tableCells(now);
  if (!a || !b) return [];
  const changes: CellChange[] = [];
  const rows = Math.max(a.rows.length, b.rows.length);
  for (let row = 0; row < rows; row += 1) {
    const width = Math.max(a.rows[row]?.length ?? 0, b.rows[row]?.length ?? 0);
    for (let column = 0; column < width; column += 1) {
      const before = a.rows[row]?.[column] ?? "";
      const after = b.rows[row]?.[column] ?? "";
      if (before !== after) {
        changes.push({
          row: row + 1,
          column: b.columns[column] ?? a.columns[column] ?? String(column + 1),
          old: before,
          new: after,
        });
      }
    }
  }
  return changes;
}

function emptyChapter(chapter: ManifestChapter): ManifestChapter {
  return { ...chapter, sections: [], prose: [], blocks: [], values: [] };
}

export function compareReports(old: BuiltReport, now: BuiltReport): ReportDiff {
  const environment = environmentCauses(old.manifest.environment, now.manifest.environment);
  const documents = { old: parseDocument(old.html), now: parseDocument(now.html) };
  const before = new Map(old.manifest.chapters.map((chapter) => [chapter.name, chapter]));
  const after = new Map(now.manifest.chapters.map((chapter) => [chapter.name, chapter]));
  const names = [...now.manifest.chapters.map((chapter) => chapter.name)];
  for (const chapter of old.manifest.chapters) if (!after.has(chapter.name)) names.push(chapter.name);
  const identical = { figures: 0, values: 0 };
  const chapters: ChapterDiff[] = [];
  for (const name of names) {
    const a = before.get(name) ?? emptyChapter(after.get(name)!);
    const b = after.get(name) ?? emptyChapter(before.get(name)!);
    const pair = { old: a, now: b };
    const lastOf = (chapter: ManifestChapter, value: ManifestValue | undefined) =>
      value?.block === null || value === undefined
        ? undefined
        : chapter.blocks.find((block) => block.index === value.block)?.provenance;

    const values: ValueChange[] = [];
    const oldValues = valueKeys(a.values);
    const newValues = valueKeys(b.values);
    for (const key of new Set([...newValues.keys(), ...oldValues.keys()])) {
      const x = oldValues.get(key);
      const y = newValues.get(key);
      if (x && y && x.value === y.value) {
        identical.values += 1;
        continue;
      }
      const { causes, sameInputs } = x && y
        ? provenanceCauses(lastOf(a, x), lastOf(b, y), pair, environment)
        : { causes: [x ? "the expression was removed" : "the expression is new"], sameInputs: false };
      values.push({
        line: (y ?? x)!.line,
        source: (y ?? x)!.source,
        old: x?.value ?? "",
        new: y?.value ?? "",
        sentence: (y ?? x)!.sentence,
        causes: sameInputs
          ? ["same inputs, different value: nondeterminism in the chapter's blocks"]
          : causes,
        sameInputs,
      });
    }

    const outputs: OutputChange[] = [];
    const oldBlocks = blockKeys(a.blocks);
    const newBlocks = blockKeys(b.blocks);
    for (const key of new Set([...newBlocks.keys(), ...oldBlocks.keys()])) {
      const x = oldBlocks.get(key);
      const y = newBlocks.get(key);
      const block = (y ?? x)!;
      if (x && y && x.output === y.output) {
        if (block.label) identical.figures += 1;
        continue;
      }
      // An unlabelled block that appears or goes shows up as code, not as a changed result.
      if (!block.label && (!x || !y)) continue;
      const label = block.label;
      const contents = label
        ? { old: floatContent(documents.old, label), now: floatContent(documents.now, label) }
        : undefined;
      const oldHtml = x && contents?.old ? contents.old.innerHTML : undefined;
      const newHtml = y && contents?.now ? contents.now.innerHTML : undefined;
      const { causes, sameInputs } = x && y
        ? provenanceCauses(x.provenance, y.provenance, pair, environment)
        : { causes: [x ? "the block was removed" : "the block is new"], sameInputs: false };
      outputs.push({
        ...(label ? { label, number: block.number } : {}),
        kind: block.kind ?? "block",
        line: block.line,
        change: !x ? "added" : !y ? "removed" : "changed",
        summary: oldHtml !== undefined && newHtml !== undefined && block.kind !== "table"
          ? numericSummary(oldHtml, newHtml)
          : undefined,
        cells: x && y && contents ? cellChanges(contents.old, contents.now) : [],
        causes: sameInputs
          ? [`same inputs, different output: nondeterminism in the block at line ${block.line}`]
          : causes,
        sameInputs,
        oldHtml,
        newHtml,
      });
    }

    const diff: ChapterDiff = {
      name,
      path: b.path,
      title: b.title,
      change: !before.has(name) ? "added" : !after.has(name) ? "removed" : "changed",
      sectionsAdded: listDifference(b.sections, a.sections),
      sectionsRemoved: listDifference(a.sections, b.sections),
      proseAdded: listDifference(b.prose, a.prose),
      proseRemoved: listDifference(a.prose, b.prose),
      values,
      outputs,
    };
    const changed = diff.change !== "changed" || diff.sectionsAdded.length + diff.sectionsRemoved.length +
            diff.proseAdded.length + diff.proseRemoved.length + values.length + outputs.length > 0;
    if (changed) chapters.push(diff);
  }
  return {
    old: old.dir,
    new: now.dir,
    environment,
    chapters,
    identical,
    changed: chapters.length > 0 || environment.length > 0,
  };
}
