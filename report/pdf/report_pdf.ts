/**
 * The report's PDF step, whatever prints it. The report is cut into pieces that start on fresh pages
 * (`pieces.ts`); each is printed from its own HTML and kept under `.cache/pdf/` by the hash of what it prints,
 * so an edit reprints only its piece. The front (title, contents, introduction) is printed last, with the page
 * of every contents entry, from the other pieces' page counts and destinations. The pieces are merged, linked
 * and numbered by `merge.ts`. The whole step is skipped when the HTML and page size are those of the last PDF.
 */
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../cache/atomic.ts";
import { canonicalJson, sha256Hex } from "../cache/hash.ts";
import { formatDuration } from "../format.ts";
import { fileErrorReason } from "../errors.ts";
import { chromiumPrinter } from "./chromium.ts";
import { type LoadedPiece, loadPiece, mergePieces } from "./merge.ts";
import { cutIntoPieces, type Piece, textOf, withContentsPages, withoutScreenOnly } from "./pieces.ts";
import type { Printer } from "./printer.ts";

export type PageSize = "A4" | "Letter";

/** Overrides the print stylesheet's page size (A4 by default). */
export function pageSizeCss(size: PageSize): string {
  return `@page { size: ${size === "Letter" ? "letter" : "A4"}; }`;
}

export interface PdfResult {
  pdfPath: string;
  bytes: number;
  pages: number;
  /** Pieces printed by this step (the others came from the cache), of how many. */
  printed: number;
  pieces: number;
}

export type PdfStep =
  | { status: "printed"; result: PdfResult }
  | { status: "unchanged"; pdfPath: string }
  | { status: "no-printer"; message: string }
  | { status: "failed"; message: string };

export interface ReportPdfOptions {
  htmlPath: string;
  pdfPath: string;
  pageSize: PageSize;
  /** The build's cache folder: the stamp of the last PDF and the printed pieces (`pdf/`) live there. */
  cacheDir: string;
  /** The printer, or why there is none (default: a Chromium started for this step and ended after it). A
   * printer passed in stays open for the next step. */
  printer?: Printer | { missing: string };
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface PdfStamp {
  html: string;
  pageSize: PageSize;
  bytes: number;
}

/** The front's layout as last printed: its page count and the page of each of its own destinations. */
interface FrontLayout {
  pages: number;
  pageOf: Record<string, number>;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return undefined;
  }
}

/** Remembering saves only a reprint: a file that cannot be written (a folder in its place is replaced) is
 * skipped. */
async function remember(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), { repairBelow: dirname(path) }).catch(() => {});
}

/** Pieces already parsed by this process, by path (used while the file is still there): a long-lived process
 * (the dev server) parses each once. */
const parsed = new Map<string, LoadedPiece>();

/** An unused piece is kept this long, so that undoing an edit finds the piece printed before it. */
const KEEP_UNUSED_MS = 60 * 60 * 1000;

/** Prints pieces through one printer, each at most once, keeping each PDF under `dir` by the hash of its HTML. */
class PieceStore {
  printed = 0;
  readonly used = new Set<string>();
  #scratch: Promise<string> | undefined;

  constructor(
    readonly dir: string,
    readonly printer: Printer,
    readonly options: { timeoutMs?: number; signal?: AbortSignal },
  ) {}

  async pdf(html: string): Promise<LoadedPiece> {
    const name = `${sha256Hex(html)}.pdf`;
    this.used.add(name);
    const path = join(this.dir, name);
    const known = parsed.get(path);
    if (known && await Deno.stat(path).then(() => true, () => false)) return known;
    const cached = await Deno.readFile(path).catch(() => undefined);
    if (cached) {
      try {
        const piece = await loadPiece(cached);
        parsed.set(path, piece);
        return piece;
      } catch { /* a damaged entry is printed again */ }
    }
    this.#scratch ??= Deno.makeTempDir({ prefix: "report-pdf-pieces-" });
    const htmlPath = join(await this.#scratch, name.replace(/\.pdf$/, ".html"));
    await Deno.writeTextFile(htmlPath, html);
    const bytes = await this.printer.print(htmlPath, this.options);
    this.printed += 1;
    await Deno.remove(htmlPath).catch(() => {});
    await writeFileAtomic(path, bytes, { repairBelow: dirname(this.dir) }).catch(() => {});
    const piece = await loadPiece(bytes);
    parsed.set(path, piece);
    return piece;
  }

  /** Drops the scratch folder and, after a whole PDF was made, the pieces it did not use (once they are older
   * than `KEEP_UNUSED_MS`). */
  async finish(complete: boolean): Promise<void> {
    if (this.#scratch) await Deno.remove(await this.#scratch, { recursive: true }).catch(() => {});
    if (!complete) return;
    for (const path of parsed.keys()) {
      if (dirname(path) === this.dir && !this.used.has(basename(path))) parsed.delete(path);
    }
    const entries = await Array.fromAsync(Deno.readDir(this.dir)).catch(() => []);
    for (const entry of entries) {
      if (!entry.name.endsWith(".pdf") || this.used.has(entry.name)) continue;
      const path = join(this.dir, entry.name);
      const modified = (await Deno.stat(path).catch(() => undefined))?.mtime?.getTime() ?? 0;
      if (Date.now() - modified > KEEP_UNUSED_MS) await Deno.remove(path).catch(() => {});
    }
  }
}

/** Runs `work` over `items` with at most `limit` at a time, results in order. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Prints the front with contents page numbers until its own layout agrees with the numbers it shows (the
 * last layout is remembered, so an unchanged one costs one lookup and no print). */
async function printFront(
  front: Piece,
  body: readonly LoadedPiece[],
  store: PieceStore,
  layoutPath: string,
): Promise<LoadedPiece> {
  let layout: FrontLayout = (await readJson<FrontLayout>(layoutPath)) ?? { pages: 1, pageOf: {} };
  for (let attempt = 0;; attempt++) {
    const bodyPages = new Map<string, number>();
    let offset = layout.pages;
    for (const piece of body) {
      for (const [id, destination] of piece.destinations) bodyPages.set(id, offset + destination.page + 1);
      offset += piece.pages;
    }
    const html = withContentsPages(front.html, (id) => layout.pageOf[id] ?? bodyPages.get(id));
    const printed = await store.pdf(html);
    const actual: FrontLayout = {
      pages: printed.pages,
      pageOf: Object.fromEntries([...printed.destinations].map(([id, { page }]) => [id, page + 1])),
    };
    if (canonicalJson(actual) === canonicalJson(layout) || attempt === 3) {
      await remember(layoutPath, actual);
      return printed;
    }
    layout = actual;
  }
}

/** Prints the report in pieces and merges them; returns the PDF's bytes and how many pieces were printed. */
export async function printInPieces(
  html: string,
  pageSize: PageSize,
  printer: Printer,
  cacheDir: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ pdf: Uint8Array; pages: number; printed: number; pieces: number }> {
  const dir = join(cacheDir, "pdf");
  await Deno.mkdir(dir, { recursive: true }).catch(() => {});
  const pieces = cutIntoPieces(html, pageSizeCss(pageSize));
  const store = new PieceStore(dir, printer, options);
  let complete = false;
  try {
    const [front, ...rest] = pieces;
    // One page per core prints at once (Chromium lays each page out on its own renderer thread).
    const parallel = Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1));
    const body = await inParallel(rest, parallel, (piece) => store.pdf(piece.html));
    const printedFront = await printFront(front, body, store, join(dir, `front-${pageSize}.json`));
    const all = [printedFront, ...body];
    const pdf = await mergePieces(all, {
      title: textOf(/<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? ""),
      lang: /<html\b[^>]*\blang="([^"]+)"/i.exec(html)?.[1],
      headings: pieces.flatMap((piece) => piece.headings),
    });
    const pages = all.reduce((sum, piece) => sum + piece.pages, 0);
    complete = true;
    return { pdf, pages, printed: store.printed, pieces: pieces.length };
  } finally {
    await store.finish(complete);
  }
}

/** Prints the report unless the PDF beside it was already printed from the same HTML and page size. */
export async function printReportPdf(options: ReportPdfOptions): Promise<PdfStep> {
  const printer = options.printer ?? chromiumPrinter();
  if ("missing" in printer) return { status: "no-printer", message: printer.missing };
  const stampPath = join(options.cacheDir, "pdf-stamp.json");
  try {
    const text = await Deno.readTextFile(options.htmlPath);
    // What print shows: a build that changed only badges or the summary's cache counts leaves the PDF as it is.
    const html = sha256Hex(withoutScreenOnly(text));
    const stamp = await readJson<PdfStamp>(stampPath);
    const existing = await Deno.stat(options.pdfPath).catch(() => undefined);
    if (
      stamp && existing && stamp.html === html && stamp.pageSize === options.pageSize &&
      stamp.bytes === existing.size
    ) {
      return { status: "unchanged", pdfPath: options.pdfPath };
    }
    const made = await printInPieces(text, options.pageSize, printer, options.cacheDir, options);
    await writeFileAtomic(options.pdfPath, made.pdf).catch((error) => {
      throw new Error(`cannot write ${options.pdfPath}: ${fileErrorReason(error)}`);
    });
    await remember(
      stampPath,
      { html, pageSize: options.pageSize, bytes: made.pdf.length } satisfies PdfStamp,
    );
    const { pdf, ...counts } = made;
    return { status: "printed", result: { pdfPath: options.pdfPath, bytes: pdf.length, ...counts } };
  } catch (error) {
    return { status: "failed", message: (error as Error).message };
  } finally {
    if (!options.printer) await printer.close();
  }
}

/** What the build says about its PDF step: one line, and whether it is a problem (`--pdf` makes a missing
 * printer or a failed print one). */
export function describePdfStep(
  step: PdfStep,
  seconds: number,
  required: boolean,
): { line: string; problem: boolean } {
  switch (step.status) {
    case "printed": {
      const { pdfPath, pages, printed, pieces } = step.result;
      return {
        line: `PDF written to ${pdfPath} in ${formatDuration(seconds)} (${pages} pages; ${
          printed > pieces
            ? `${pieces} pieces printed, the front once more for the contents' page numbers`
            : `${printed} of ${pieces} pieces printed`
        })`,
        problem: false,
      };
    }
    case "unchanged":
      return { line: `PDF unchanged: ${step.pdfPath}`, problem: false };
    case "no-printer":
      return { line: step.message, problem: required };
    case "failed":
      return { line: `PDF not written: ${step.message}`, problem: required };
  }
}
