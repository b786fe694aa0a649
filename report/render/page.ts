import { escapeHtml } from "./escape.ts";
import type { RenderedChapter } from "./chapter.ts";

export interface Template {
  html: string;
  css: string;
  printCss: string;
}

export interface AppendixSection {
  /** The id of its heading, for the contents. */
  id: string;
  title: string;
  html: string;
}

/** A rendered chapter with the part it belongs to (`partOf` in report/schedule.ts). */
export interface PageChapter extends RenderedChapter {
  part?: string;
}

export interface PageInput {
  title: string;
  description?: string;
  /** In reading order; consecutive chapters of one part share a `<div class="part">` (print starts each part,
   * and the appendix, on a new page; chapters within a part flow on). */
  chapters: readonly PageChapter[];
  /** A section after the chapters (e.g. the build summary), already HTML, listed in the contents. */
  appendix?: AppendixSection;
}

/** The page's Content-Security-Policy: no script, nothing loaded from anywhere; inline styles, `data:` images
 * and fonts only. Links still navigate. The dev server widens it for its own reload script alone. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

const CSP_META = /<meta\s+http-equiv=["']?content-security-policy["']?[^>]*>/i;

/** The page with the report's CSP `<meta>` first in `<head>`, unless the template already declares one. */
export function withContentSecurityPolicy(html: string): string {
  if (CSP_META.test(html)) return html;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;
  const head = /<head\b[^>]*>/i.exec(html);
  if (!head) return `${meta}\n${html}`;
  const charset = /<meta\s+charset=[^>]*>/i.exec(html.slice(head.index));
  const at = charset ? head.index + charset.index + charset[0].length : head.index + head[0].length;
  return `${html.slice(0, at)}\n${meta}${html.slice(at)}`;
}

/** Fills `<!-- slot:name -->` comments of the template; unknown slots stay as they are, so they are noticed. */
export function fillTemplate(template: string, slots: Record<string, string>): string {
  return template.replace(/<!--\s*slot:([a-z_]+)\s*-->/g, (whole, name: string) => slots[name] ?? whole);
}

/** Table of contents: chapter titles (h1) with their sections (h2), then the appendix. */
export function renderToc(chapters: readonly RenderedChapter[], appendix?: AppendixSection): string {
  const link = (id: string, text: string) => `<a href="#${id}">${escapeHtml(text)}</a>`;
  const items = chapters.flatMap((chapter) => {
    const top = chapter.toc.find((entry) => entry.depth === 1);
    const sections = chapter.toc.filter((entry) => entry.depth === 2).map((entry) =>
      `<li>${link(entry.id, entry.text)}</li>`
    );
    if (!top) return sections;
    const nested = sections.length > 0 ? `\n<ol>\n${sections.join("\n")}\n</ol>\n` : "";
    return [`<li>${link(top.id, top.text)}${nested}</li>`];
  });
  if (appendix) items.push(`<li class="toc-appendix">${link(appendix.id, appendix.title)}</li>`);
  if (items.length === 0) return "";
  return `<nav class="toc" aria-label="Contents">\n<h2 class="toc-title">Contents</h2>\n<ol>\n${
    items.join("\n")
  }\n</ol>\n</nav>`;
}

/** The chapters, each run of one part wrapped in `<div class="part" data-part="…">`. */
export function renderParts(chapters: readonly PageChapter[]): string {
  const groups: { part: string; html: string[] }[] = [];
  for (const chapter of chapters) {
    const part = chapter.part ?? "";
    const last = groups.at(-1);
    if (last && last.part === part) last.html.push(chapter.html);
    else groups.push({ part, html: [chapter.html] });
  }
  return groups.map(({ part, html }) =>
    `<div class="part" data-part="${escapeHtml(part)}">\n${html.join("\n")}\n</div>`
  ).join("\n");
}

export function renderPage(template: Template, input: PageInput): string {
  const description = input.description ? `<p class="subtitle">${escapeHtml(input.description)}</p>` : "";
  return fillTemplate(withContentSecurityPolicy(template.html), {
    title: `<title>${escapeHtml(input.title)}</title>`,
    title_block: `<header class="title-block">\n<h1 class="report-title">${
      escapeHtml(input.title)
    }</h1>\n${description}\n</header>`,
    styles: `<style>\n${template.css}</style>\n<style media="print">\n${template.printCss}</style>`,
    toc: renderToc(input.chapters, input.appendix),
    content: renderParts(input.chapters),
    appendix: input.appendix?.html ?? "",
  });
}
