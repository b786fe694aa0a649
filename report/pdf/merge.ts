/**
 * Printed pieces joined into the report's PDF with pdf-lib: pages in order, every named destination kept (so
 * links inside a piece still land), links to another piece turned into links to its destination, an outline
 * built from the headings, and page numbers stamped at the foot of every page but the first, as the print
 * CSS's footer did. Nothing in the result depends on when or where it was made.
 */
import {
  ParseSpeeds,
  PDFArray,
  PDFDict,
  PDFDocument,
  type PDFDocument as PDFDocumentType,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFString,
  rgb,
  StandardFonts,
} from "pdf-lib";
import { CROSS_PIECE_PREFIX, type Heading } from "./pieces.ts";

/** Where a named destination points inside one piece. */
export interface Destination {
  /** 0-based page of the piece (of the merged PDF, after `mergePieces`). */
  page: number;
  x: number;
  y: number;
}

export interface LoadedPiece {
  doc: PDFDocumentType;
  pages: number;
  destinations: Map<string, Destination>;
}

/** Loads a printed piece and reads its named destinations (Chromium writes them in the catalog's `/Dests`). */
export async function loadPiece(bytes: Uint8Array): Promise<LoadedPiece> {
  // Parsed and written without yielding to the event loop every few objects (pdf-lib's default), which
  // multiplies the time taken on long documents.
  const doc = await PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  const pageIndex = new Map(doc.getPages().map((page, index) => [page.ref.toString(), index]));
  const destinations = new Map<string, Destination>();
  const dests = doc.catalog.lookupMaybe(PDFName.of("Dests"), PDFDict);
  for (const [name, value] of dests?.entries() ?? []) {
    const target = doc.context.lookup(value);
    if (!(target instanceof PDFArray) || target.size() < 4) continue;
    const page = pageIndex.get(target.get(0).toString());
    if (page === undefined) continue;
    const number = (at: number) => (target.lookup(at) as PDFNumber | undefined)?.asNumber?.() ?? 0;
    destinations.set(name.decodeText(), { page, x: number(2), y: number(3) });
  }
  return { doc, pages: doc.getPageCount(), destinations };
}

export interface MergeOptions {
  title: string;
  lang?: string;
  /** Headings of all pieces in reading order, for the outline. */
  headings: readonly Heading[];
}

/** Footer as the print CSS drew it: 9 pt serif, #555, centred in the 24 mm bottom margin. */
const FOOTER = { size: 9, gray: 0x55 / 255, marginBottom: (24 / 25.4) * 72 };

function stampPageNumbers(doc: PDFDocumentType, font: import("pdf-lib").PDFFont): void {
  const pages = doc.getPages();
  // The baseline of a 9 pt line centred in the margin (Times metrics, as Liberation Serif printed it).
  const baseline = FOOTER.marginBottom / 2 - FOOTER.size * 0.33;
  pages.forEach((page, index) => {
    if (index === 0) return;
    const text = `${index + 1} / ${pages.length}`;
    const width = font.widthOfTextAtSize(text, FOOTER.size);
    page.drawText(text, {
      x: (page.getWidth() - width) / 2,
      y: baseline,
      size: FOOTER.size,
      font,
      color: rgb(FOOTER.gray, FOOTER.gray, FOOTER.gray),
    });
  });
}

function destinationArray(doc: PDFDocumentType, destination: Destination): PDFArray {
  const page = doc.getPage(destination.page);
  return doc.context.obj([page.ref, PDFName.of("XYZ"), destination.x, destination.y, 0]) as PDFArray;
}

/** Turns links printed as `CROSS_PIECE_PREFIX#id` into links to the named destination `id`. */
function relinkCrossPiece(doc: PDFDocumentType, known: Map<string, Destination>): void {
  for (const page of doc.getPages()) {
    const annotations = page.node.Annots();
    for (let index = 0; index < (annotations?.size() ?? 0); index++) {
      const annotation = annotations!.lookup(index, PDFDict);
      const action = annotation.lookupMaybe(PDFName.of("A"), PDFDict);
      const uri = action?.lookupMaybe(PDFName.of("URI"), PDFString, PDFHexString)?.decodeText();
      if (!uri?.startsWith(CROSS_PIECE_PREFIX)) continue;
      const id = decodeURIComponent(uri.slice(CROSS_PIECE_PREFIX.length));
      annotation.delete(PDFName.of("A"));
      if (known.has(id)) annotation.set(PDFName.of("Dest"), PDFName.of(id));
    }
  }
}

/** The outline (bookmarks): every heading with a destination, nested by level. */
function addOutline(
  doc: PDFDocumentType,
  headings: readonly Heading[],
  known: Map<string, Destination>,
): void {
  interface Item {
    heading: Heading;
    ref: PDFRef;
    dict: PDFDict;
    children: Item[];
  }
  const root: Item[] = [];
  const stack: Item[] = [];
  for (const heading of headings) {
    const destination = known.get(heading.id);
    if (!destination) continue;
    const dict = doc.context.obj({
      Title: PDFHexString.fromText(heading.text),
      Dest: destinationArray(doc, destination),
    }) as PDFDict;
    const item: Item = { heading, ref: doc.context.register(dict), dict, children: [] };
    while (stack.length > 0 && stack[stack.length - 1].heading.level >= heading.level) stack.pop();
    (stack.length > 0 ? stack[stack.length - 1].children : root).push(item);
    stack.push(item);
  }
  if (root.length === 0) return;
  const outlines = doc.context.obj({ Type: "Outlines" }) as PDFDict;
  const outlinesRef = doc.context.register(outlines);
  const link = (items: Item[], parent: PDFDict, parentRef: PDFRef): number => {
    let count = items.length;
    items.forEach((item, index) => {
      item.dict.set(PDFName.of("Parent"), parentRef);
      if (index > 0) item.dict.set(PDFName.of("Prev"), items[index - 1].ref);
      if (index < items.length - 1) item.dict.set(PDFName.of("Next"), items[index + 1].ref);
      if (item.children.length > 0) count += link(item.children, item.dict, item.ref);
    });
    parent.set(PDFName.of("First"), items[0].ref);
    parent.set(PDFName.of("Last"), items[items.length - 1].ref);
    parent.set(PDFName.of("Count"), PDFNumber.of(count));
    return count;
  };
  link(root, outlines, outlinesRef);
  doc.catalog.set(PDFName.of("Outlines"), outlinesRef);
  doc.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

/** Joins the pieces in order into one PDF. */
export async function mergePieces(
  pieces: readonly LoadedPiece[],
  options: MergeOptions,
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const known = new Map<string, Destination>();
  for (const piece of pieces) {
    const offset = doc.getPageCount();
    const copied = await doc.copyPages(piece.doc, piece.doc.getPageIndices());
    for (const page of copied) doc.addPage(page);
    for (const [id, destination] of piece.destinations) {
      if (!known.has(id)) known.set(id, { ...destination, page: offset + destination.page });
    }
  }
  const dests = doc.context.obj({}) as PDFDict;
  for (const [id, destination] of known) dests.set(PDFName.of(id), destinationArray(doc, destination));
  doc.catalog.set(PDFName.of("Dests"), doc.context.register(dests));
  relinkCrossPiece(doc, known);
  addOutline(doc, options.headings, known);
  stampPageNumbers(doc, await doc.embedFont(StandardFonts.TimesRoman));
  doc.setTitle(options.title, { showInWindowTitleBar: true });
  if (options.lang) doc.setLanguage(options.lang);
  doc.setCreator("report generator (Chromium pieces merged with pdf-lib)");
  doc.setProducer("pdf-lib");
  return await doc.save({ objectsPerTick: Infinity, useObjectStreams: false });
}
