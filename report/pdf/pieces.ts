/**
 * The report cut into pieces that each start on a fresh printed page: the front (title, contents and the first
 * part, the introduction), each later part (print CSS breaks before `.part + .part`), and the appendix (the
 * build summary breaks before itself in print). Each piece is a whole HTML page with
 * the report's head and styles and only its own content, so it prints alone to the same pages it fills in the
 * whole report. Pure string work on the written report: the renderer's markup is well formed and sanitised,
 * so tags in text or outputs are escaped or balanced.
 */

/** Marks a link whose target lives in another piece; the merge turns it back into a link inside the PDF. */
export const CROSS_PIECE_PREFIX = "https://pdf-piece.invalid/#";

export interface Heading {
  level: number;
  id: string;
  text: string;
}

export interface Piece {
  /** `front`, `part-N` for a later part, or `appendix`. */
  name: string;
  /** The page to print (the front's contents still without page numbers: see `withContentsPages`). */
  html: string;
  /** Its headings, in order, each with an id (one is added where the report has none). */
  headings: Heading[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Text of an HTML fragment: tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return String.fromCodePoint(code);
    })
    .replace(/\s+/g, " ").trim();
}

function find(html: string, pattern: RegExp, from = 0): { start: number; end: number } {
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  if (!match) throw new Error(`the report has no ${pattern.source.replace(/\\b.*$/, "")}> to cut into pages`);
  return { start: match.index, end: match.index + match[0].length };
}

/** Where each top-level part (`<div class="part" data-part="…">`) of `html[from, to)` starts, with its name. */
function topLevelParts(html: string, from: number, to: number): { start: number; name: string }[] {
  const parts: { start: number; name: string }[] = [];
  const tag = /<(\/?)div\b([^>]*)>/g;
  tag.lastIndex = from;
  let depth = 0;
  for (let match = tag.exec(html); match && match.index < to; match = tag.exec(html)) {
    if (match[1]) {
      depth -= 1;
      continue;
    }
    const part = /^\s+class="part"\s+data-part="([^"]*)"/.exec(match[2]);
    if (depth === 0 && part) parts.push({ start: match.index, name: `part-${part[1]}` });
    depth += 1;
  }
  return parts;
}

/** Ids of elements in a fragment. */
function idsIn(fragment: string): Set<string> {
  return new Set([...fragment.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
}

/** Elements print never shows that change from build to build (block badges, the summary's cache counts and
 * times, marked `screen-only`): left out of the pieces, so a piece's hash changes only with what it prints. */
const SCREEN_ONLY_ELEMENT =
  /<(div|p|td|th|span)\b[^>]*\bclass="(?:[^"]*\s)?(?:block-badge|screen-only)(?:\s[^"]*)?"[^>]*>[\s\S]*?<\/\1>/g;

export function withoutScreenOnly(html: string): string {
  return html.replace(SCREEN_ONLY_ELEMENT, "");
}

/** Gives every heading an id. */
function withHeadingIds(html: string): string {
  let next = 1;
  return html.replace(/<h([1-6])\b([^>]*)>/g, (whole, level: string, attributes: string) => {
    if (/\sid="/.test(attributes)) return whole;
    return `<h${level} id="pdf-heading-${next++}"${attributes}>`;
  });
}

/** The headings of a fragment (each has an id by now), in order. */
function headingsIn(fragment: string): Heading[] {
  return [...fragment.matchAll(/<h([1-6])\b[^>]*\sid="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/g)].map((match) => ({
    level: Number(match[1]),
    id: match[2],
    text: textOf(match[3]),
  }));
}

/** Print rules every piece gets: no footer (numbers are stamped after the merge), the contents' page column. */
const PIECE_CSS = `@page { @bottom-center { content: none; } }
.toc li { clear: right; }
.toc .pdf-toc-page { float: right; width: 3em; text-align: right; font-variant-numeric: tabular-nums; }`;

/** Cuts the written report into pieces; `extraCss` (e.g. the page size) is added to each. */
export function cutIntoPieces(report: string, extraCss = ""): Piece[] {
  const html = withHeadingIds(withoutScreenOnly(report));
  const article = find(html, /<article\b[^>]*>/g);
  const main = find(html, /<main\b[^>]*>/g, article.end);
  const mainClose = find(html, /<\/main>/g, main.end);
  const articleClose = find(html, /<\/article>/g, mainClose.end);
  // Each piece is one stretch of the page: [start, end), wrapped in <main> when it is a chapter.
  const parts: { name: string; start: number; inMain: boolean }[] = [{
    name: "front",
    start: article.end,
    inMain: false,
  }];
  // Print CSS starts a page before every part but the first (`.part + .part`), which the front holds.
  for (const { start, name } of topLevelParts(html, main.end, mainClose.start).slice(1)) {
    parts.push({ name, start, inMain: true });
  }
  const appendix = /^\s*<section\b[^>]*class="build-summary"/.exec(
    html.slice(mainClose.end, mainClose.end + 500),
  );
  // The appendix's own page break needs no empty <main> before it (its box would make that a blank page).
  if (appendix) parts.push({ name: "appendix", start: mainClose.end, inMain: false });
  const head = withPrintCss(html.slice(0, article.end), `${PIECE_CSS}\n${extraCss}`);
  const tail = html.slice(articleClose.start);
  const linked = new Set([...html.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]));
  return parts.map(({ name, start, inMain }, index) => {
    const end = index + 1 < parts.length ? parts[index + 1].start : articleClose.start;
    // A piece that ends inside <main> closes it; the last chapter's stretch already holds </main>.
    const closesMain = (inMain || index === 0) && (end <= mainClose.start);
    const content = (inMain ? "<main>" : "") + html.slice(start, end) + (closesMain ? "</main>" : "");
    const own = idsIn(content);
    const local = content.replace(
      /href="#([^"]+)"/g,
      (whole, id: string) => own.has(id) ? whole : `href="${CROSS_PIECE_PREFIX}${id}"`,
    );
    const headings = headingsIn(content);
    // Chromium names a destination only for targets of a link in the same page: hidden links to every heading
    // and every linked target of this piece make it name them all.
    const targets = new Set([
      ...headings.map((heading) => heading.id),
      ...[...own].filter((id) => linked.has(id)),
    ]);
    const anchors = `<div hidden>${[...targets].map((id) => `<a href="#${id}"></a>`).join("")}</div>`;
    return { name, html: head + local + anchors + tail, headings };
  });
}

/** Inserts print rules at the end of `<head>`, so they override the report's own. */
export function withPrintCss(html: string, css: string): string {
  const at = html.indexOf("</head>");
  const style = `<style media="print">${css}</style>`;
  return at < 0 ? `${style}${html}` : `${html.slice(0, at)}${style}${html.slice(at)}`;
}

/** The front piece with each contents entry's page number (a fixed-width column, so the numbers never change
 * how many pages the front fills). Entries whose page is unknown get an empty column. */
export function withContentsPages(frontHtml: string, pageOf: (id: string) => number | undefined): string {
  const prefix = CROSS_PIECE_PREFIX.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const link = new RegExp(`<a href="(?:${prefix}|#)([^"]+)">`, "g");
  // The number comes first, floated right, so it sits on the entry's first line.
  return frontHtml.replace(
    /<nav class="toc"[\s\S]*?<\/nav>/,
    (nav) =>
      nav.replace(
        link,
        (whole, id: string) => `<span class="pdf-toc-page">${pageOf(id) ?? ""}</span>${whole}`,
      ),
  );
}
