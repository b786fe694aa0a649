import { Marked, type RendererExtension, type Token, type Tokens } from "marked";
import { claimOutcome } from "../claims.ts";
import {
  childTokens,
  type ClaimToken,
  type CrossReferenceToken,
  type InlineExpressionToken,
  syntaxExtensions,
} from "../parse/markdown_syntax.ts";
import type { InlineResult, Output } from "../types.ts";
import { escapeHtml } from "./escape.ts";
import { codeBlockHtml } from "./highlight.ts";
import { type Numbering, referenceText } from "./numbering.ts";
import type { SourceLookup } from "./outputs.ts";
import { safeOutputHtml, sanitizeHtml } from "./sanitize.ts";
import type { Slugger } from "./slug.ts";

/** Where something was removed from the page: a chapter line, or an inline expression by index. */
export interface DroppedPlace {
  line?: number;
  inline?: number;
}

export interface TocEntry {
  depth: number;
  id: string;
  text: string;
}

/** What prose needs from the rest of the report to become HTML. */
export interface ProseContext {
  numbering: Numbering;
  inlines: readonly (InlineResult | undefined)[];
  slugger: Slugger;
  sources: SourceLookup;
  chapterPath: string;
  /** Headings found while rendering, in order. */
  toc: TocEntry[];
  /** Told what sanitising removed from raw HTML, links and HTML outputs, and where (once per place). */
  onDropped?: (place: DroppedPlace, dropped: string[]) => void;
}

interface Decorated {
  html?: string;
  id?: string;
  /** Around a claim's sentence. */
  before?: string;
  after?: string;
}

const renderers: RendererExtension[] = [
  {
    name: "claim",
    renderer(token) {
      const claim = token as ClaimToken & Decorated;
      return `${claim.before ?? ""}${this.parser.parseInline(claim.tokens)}${claim.after ?? ""}`;
    },
  },
  { name: "inlineExpression", renderer: (token) => (token as Decorated).html ?? "" },
  { name: "crossReference", renderer: (token) => (token as Decorated).html ?? "" },
];

const markdown = new Marked({
  gfm: true,
  extensions: [...syntaxExtensions, ...renderers] as never,
  renderer: {
    heading(token) {
      const id = (token as Decorated).id;
      const inner = this.parser.parseInline(token.tokens);
      return `<h${token.depth}${id ? ` id="${id}"` : ""}>${inner}</h${token.depth}>\n`;
    },
    code(token) {
      return codeBlockHtml(token.text, (token.lang ?? "").split(/\s+/)[0]) + "\n";
    },
  },
});

function inlineHtml(
  result: InlineResult | undefined,
  sources: SourceLookup,
  onDropped?: (dropped: string[]) => void,
): string {
  if (!result) return `<span class="inline-value missing">?</span>`;
  if (!result.ok) {
    const where = result.error.location
      ? ` title="${escapeHtml(`${result.error.location.file}:${result.error.location.line}`)}"`
      : "";
    return `<span class="inline-error"${where}>${
      escapeHtml(`${result.error.name}: ${result.error.message}`)
    }</span>`;
  }
  return inlineOutputHtml(result.output, sources, onDropped);
}

/** An output inside a sentence: text as text, DOM as is, anything bigger as a compact phrase-level summary. */
function inlineOutputHtml(
  output: Output,
  sources: SourceLookup,
  onDropped?: (dropped: string[]) => void,
): string {
  switch (output.kind) {
    case "text":
    case "scalar":
      return escapeHtml(output.text);
    case "html":
      return `<span class="inline-value">${safeOutputHtml(output, onDropped)}</span>`;
    case "tensor":
      return `<code class="inline-value">Tensor ${escapeHtml(output.dtype)} [${
        output.shape.join(", ")
      }]</code>`;
    case "table":
      return `<code class="inline-value">${output.totalRows} × ${output.columns.length} table</code>`;
    case "error":
      return inlineHtml({ ok: false, error: output.error }, sources);
    case "console":
    case "json":
      return `<code class="inline-value">${escapeHtml(output.text)}</code>`;
  }
}

/** A claim that holds reads as plain prose (its condition in a tooltip); one that does not is marked, with a note
 * that also shows in print; one that was not checked (its chapter stopped) gets a question mark. */
function decorateClaim(token: ClaimToken & Decorated, result: InlineResult | undefined): void {
  const condition = token.condition.replace(/\s*\n\s*/g, " ");
  if (!result || (!result.ok && result.error.name === "NotEvaluated")) {
    token.before = "";
    token.after = `<span class="inline-value missing" title="${
      escapeHtml(`claim not checked: ${condition}`)
    }">?</span>`;
    return;
  }
  const outcome = claimOutcome({ condition: token.condition, parts: [] }, result);
  if (outcome.holds) {
    token.before = `<span class="claim" title="${
      escapeHtml(`checked when the report was built: ${condition}`)
    }">`;
    token.after = "</span>";
    return;
  }
  const message = escapeHtml(outcome.message);
  token.before = `<mark class="claim-failed" title="${message}">`;
  token.after = `</mark><span class="claim-note">${message}</span>`;
}

function plainText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

function decorate(tokens: readonly Token[], context: ProseContext): void {
  for (const token of tokens) {
    const decorated = token as Token & Decorated;
    if (token.type === "inlineExpression") {
      const index = (token as InlineExpressionToken).index ?? -1;
      decorated.html = inlineHtml(
        context.inlines[index],
        context.sources,
        (dropped) => context.onDropped?.({ inline: index }, dropped),
      );
      continue;
    }
    if (token.type === "claim") {
      const claim = token as ClaimToken & Decorated;
      decorateClaim(claim, context.inlines[claim.index ?? -1]);
      decorate(claim.tokens, context);
      continue;
    }
    if (token.type === "crossReference") {
      const label = (token as CrossReferenceToken).label;
      const float = context.numbering.get(label);
      decorated.html = float
        ? `<a class="xref" href="#${label}">${referenceText(float)}</a>`
        : `<span class="xref missing">@${escapeHtml(label)}</span>`;
      continue;
    }
    decorate(childTokens(token), context);
    if (token.type === "heading") {
      const heading = token as Tokens.Heading;
      const text = plainText(markdown.parser([{ ...heading, type: "paragraph" } as Token]));
      decorated.id = context.slugger.slug(text);
      context.toc.push({ depth: heading.depth, id: decorated.id, text });
    }
  }
}

/** Links that cannot be anything but an anchor, a plain relative path or an http(s) URL. */
const PLAIN_LINK = /^(?:#[^\s&"'<>]*|https?:\/\/[^\s"'<>]*|[\w\-./?=%~+,;!]*)$/i;

/** Whether a token holds raw HTML, an image, or a link that only the sanitiser can judge. */
function needsSanitizer(token: Token): boolean {
  if (token.type === "html" || token.type === "image") return true;
  if (token.type === "link" && !PLAIN_LINK.test((token as Tokens.Link).href)) return true;
  return childTokens(token).some(needsSanitizer);
}

/** Renders Markdown tokens (inline values and references resolved through `context`). Raw HTML and
 * non-trivial links or images are sanitised (`sanitize.ts`); what is removed is reported through
 * `context.onDropped` at the line `lineOf` gives for the top-level token that held it. */
export function renderProse(
  tokens: Token[],
  context: ProseContext,
  lineOf?: (token: Token) => number,
): string {
  decorate(tokens, context);
  const html = markdown.parser(tokens);
  const unsafe = tokens.filter(needsSanitizer);
  if (unsafe.length === 0) return html;
  const reported = new Set<string>();
  for (const token of unsafe) {
    const { dropped } = sanitizeHtml(markdown.parser([token]));
    if (dropped.length === 0) continue;
    context.onDropped?.({ line: lineOf?.(token) }, dropped);
    for (const item of dropped) reported.add(item);
  }
  // The whole text at once, so that raw HTML that opens in one paragraph and closes in another stays whole.
  const whole = sanitizeHtml(html);
  const rest = whole.dropped.filter((item) => !reported.has(item));
  if (rest.length > 0) context.onDropped?.({ line: lineOf?.(unsafe[0]) }, rest);
  return whole.html;
}
