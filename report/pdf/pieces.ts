/**
 * The report cut into pieces that each start on a fresh printed page: the front (title, contents and whatever
 * comes before the first chapter that opens with an `h1`, which print CSS breaks before), each such chapter,
 * and the appendix (the build summary breaks before itself in print). Each piece is a whole HTML page with
 * the report's head and styles and only its own content, so it prints alone to the same pages it fills in the
 * whole report. Pure string work on the written report: the renderer's markup is well formed and sanitised,
 * so section tags in text or outputs are escaped or balanced.
 */

/** Marks a link whose target lives in another piece; the merge turns it back into a link inside the PDF. */
export const CROSS_PIECE_PREFIX = "https://pdf-piece.invalid/#";

export interface Heading {
  level: number;
  id: string;
  text: string;
}

export interface Piece {
  /** `front`, the chapter's `data-chapter` name, or `appendix`. */
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

/** The top-level `<section>`s of a fragment, each from its opening tag to its closing tag; text between them
 * is kept with the section after it (or the last one). */
function topLevelSections(fragment: string): string[] {
  const sections: string[] = [];
  const tag = /<(\/?)section\b[^>]*>/gi;
  let depth = 0;
  let from = 0;
  for (let match = tag.exec(fragment); match; match = tag.exec(fragment)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) {
      sections.push(fragment.slice(from, match.index + match[0].length));
      from = match.index + match[0].length;
    }
  }
  const rest = fragment.slice(from);
  if (rest.trim() !== "" || sections.length === 0) {
    if (sections.length > 0) sections[sections.length - 1] += rest;
    else sections.push(rest);
  }
  return sections;
}

/** Whether a chapter section opens with an `h1` (print CSS starts a page before it). */
function startsPage(section: string): boolean {
  return /^\s*<section\b[^>]*>\s*<h1\b/i.test(section);
}

/** Ids of elements in a fragment. */
function idsIn(fragment: string): Set<string> {
  return new Set([...fragment.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
}

/** Gives every heading an id and lists them. */
function withHeadingIds(
  fragment: string,
  counter: { next: number },
): { html: string; headings: Heading[] } {
  const headings: Heading[] = [];
  const html = fragment.replace(
    /<h([1-6])\b([^>]*)>([\s\S]*?)<\/h\1>/gi,
    (whole, level: string, attributes: string, inner: string) => {
      const existing = /\sid="([^"]+)"/.exec(attributes)?.[1];
      const id = existing ?? `pdf-heading-${counter.next++}`;
      headings.push({ level: Number(level), id, text: textOf(inner) });
      return existing ? whole : `<h${level} id="${id}"${attributes}>${inner}</h${level}>`;
    },
  );
  return { html, headings };
}

/** Print rules every piece gets: no footer (numbers are stamped after the merge), the contents' page column. */
const PIECE_CSS = `@page { @bottom-center { content: none; } }
.toc li { clear: right; }
.toc .pdf-toc-page { float: right; width: 3em; text-align: right; font-variant-numeric: tabular-nums; }`;

/** Cuts the written report into pieces; `extraCss` (e.g. the page size) is added to each. */
export function cutIntoPieces(html: string, extraCss = ""): Piece[] {
  const article = find(html, /<article\b[^>]*>/gi);
  const main = find(html, /<main\b[^>]*>/gi, article.end);
  const mainClose = find(html, /<\/main>/gi, main.end);
  const articleClose = find(html, /<\/article>/gi, mainClose.end);
  const parts: { name: string; content: string }[] = [
    { name: "front", content: html.slice(article.end, main.end) },
  ];
  for (const section of topLevelSections(html.slice(main.end, mainClose.start))) {
    const name = /data-chapter="([^"]+)"/.exec(section)?.[1] ?? `section-${parts.length}`;
    if (startsPage(section)) parts.push({ name, content: `<main>${section}` });
    else parts[parts.length - 1].content += section;
  }
  const after = html.slice(mainClose.start, articleClose.start);
  const appendix = after.replace(/^<\/main>/i, "");
  if (/^\s*<section\b[^>]*class="build-summary"/i.test(appendix)) {
    parts[parts.length - 1].content += "</main>";
    parts.push({ name: "appendix", content: `<main></main>${appendix}` });
  } else {
    parts[parts.length - 1].content += after;
  }
  const head = html.slice(0, article.end);
  const tail = html.slice(articleClose.start);
  const counter = { next: 1 };
  const withIds = parts.map((part) => {
    const closed = part.content.includes("</main>") ? part.content : `${part.content}</main>`;
    return { name: part.name, ...withHeadingIds(closed, counter) };
  });
  const linked = new Set([...html.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]));
  return withIds.map(({ name, html: content, headings }) => {
    const own = idsIn(content);
    const local = content.replace(
      /href="#([^"]+)"/g,
      (whole, id: string) => own.has(id) ? whole : `href="${CROSS_PIECE_PREFIX}${id}"`,
    );
    // Chromium names a destination only for targets of a link in the same page: hidden links to every heading
    // and every linked target of this piece make it name them all.
    const targets = [...new Set([...headings.map((heading) => heading.id), ...[...own].filter((id) => linked.has(id))])];
    const anchors = `<div hidden>${targets.map((id) => `<a href="#${id}"></a>`).join("")}</div>`;
    const page = withPrintCss(head, `${PIECE_CSS}\n${extraCss}`) + local + anchors + tail;
    return { name, html: page, headings };
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
  return frontHtml.replace(/<nav class="toc"[\s\S]*?<\/nav>/, (nav) =>
    nav.replace(link, (whole, id: string) => `<span class="pdf-toc-page">${pageOf(id) ?? ""}</span>${whole}`));
}
