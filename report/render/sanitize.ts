/**
 * The one place where HTML that the report did not write itself is made safe: raw HTML in prose and captions,
 * and the HTML/SVG that blocks return (DOM nodes, Observable Plot figures).
 *
 * An allow-list of formatting tags, SVG elements and attributes as Plot emits them survives; everything else is
 * dropped and named in the returned `dropped` list, for the caller to report at its `file:line`. Image sources
 * must be `data:image/…`; links may only be `#anchors`, relative or http(s); CSS (style attributes and
 * `<style>` elements) may only refer to `#ids` and `data:image/…`. The page's Content-Security-Policy forbids
 * scripts and external loads as well, so this is the second of two walls.
 *
 * Sanitising is idempotent: sanitising the result again changes nothing and drops nothing.
 *
 * The library (`sanitize-html`, about 50–120 ms to load) is loaded on first use only, so a build whose pages
 * hold no raw HTML and only already-sanitised outputs never loads it.
 */
import { fileURLToPath } from "node:url";
import type { Output } from "../types.ts";

/** What a sanitising step removed, e.g. `<script>`, `onerror on <img>`, `href="javascript:…" on <a>`. */
export interface Sanitized {
  html: string;
  dropped: string[];
}

type HtmlOutput = Extract<Output, { kind: "html" }>;

// ---------------------------------------------------------------------------------------------- allow-lists

const HTML_TAGS = [
  "a",
  "abbr",
  "article",
  "aside",
  "b",
  "bdi",
  "bdo",
  "blockquote",
  "br",
  "caption",
  "cite",
  "code",
  "col",
  "colgroup",
  "dd",
  "del",
  "details",
  "dfn",
  "div",
  "dl",
  "dt",
  "em",
  "figcaption",
  "figure",
  "footer",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "i",
  "img",
  "input",
  "ins",
  "kbd",
  "li",
  "mark",
  "ol",
  "p",
  "pre",
  "q",
  "rp",
  "rt",
  "ruby",
  "s",
  "samp",
  "section",
  "small",
  "span",
  "strong",
  "sub",
  "summary",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "time",
  "tr",
  "u",
  "ul",
  "var",
  "wbr",
];

/** SVG elements in their canonical (camelCase) spelling; HTML parsing lowercases them, we restore the case. */
const SVG_TAGS = [
  "svg",
  "g",
  "defs",
  "title",
  "desc",
  "style",
  "a",
  "path",
  "rect",
  "circle",
  "ellipse",
  "line",
  "polyline",
  "polygon",
  "text",
  "tspan",
  "image",
  "clipPath",
  "mask",
  "pattern",
  "marker",
  "linearGradient",
  "radialGradient",
  "stop",
  "symbol",
  "filter",
  "feBlend",
  "feColorMatrix",
  "feComposite",
  "feDropShadow",
  "feFlood",
  "feGaussianBlur",
  "feMerge",
  "feMergeNode",
  "feMorphology",
  "feOffset",
];

/** Attributes any element may carry (besides `aria-*` and `data-*`). */
const GLOBAL_ATTRIBUTES = ["class", "id", "title", "lang", "dir", "role", "style", "hidden"];

const HTML_ATTRIBUTES: Record<string, string[]> = {
  a: ["href", "name"],
  img: ["src", "alt", "width", "height"],
  ol: ["start", "reversed", "type"],
  ul: ["type"],
  li: ["value"],
  td: ["colspan", "rowspan", "align", "valign", "headers"],
  th: ["colspan", "rowspan", "align", "valign", "headers", "scope", "abbr"],
  col: ["span", "width", "align"],
  colgroup: ["span", "width", "align"],
  input: ["type", "checked", "disabled"],
  details: ["open"],
  time: ["datetime"],
  bdo: ["dir"],
};

/** Presentation and geometry attributes allowed on every SVG element, in canonical spelling. */
const SVG_ATTRIBUTES = [
  "xmlns",
  "xmlns:xlink",
  "version",
  "viewBox",
  "preserveAspectRatio",
  "width",
  "height",
  "x",
  "y",
  "x1",
  "x2",
  "y1",
  "y2",
  "cx",
  "cy",
  "r",
  "rx",
  "ry",
  "fx",
  "fy",
  "fr",
  "d",
  "points",
  "dx",
  "dy",
  "rotate",
  "transform",
  "transform-origin",
  "pathLength",
  "textLength",
  "lengthAdjust",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-dasharray",
  "stroke-dashoffset",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "opacity",
  "color",
  "display",
  "visibility",
  "overflow",
  "clip-path",
  "clip-rule",
  "mask",
  "filter",
  "marker-start",
  "marker-mid",
  "marker-end",
  "paint-order",
  "vector-effect",
  "shape-rendering",
  "text-rendering",
  "image-rendering",
  "color-interpolation",
  "color-interpolation-filters",
  "mix-blend-mode",
  "pointer-events",
  "font-family",
  "font-size",
  "font-style",
  "font-variant",
  "font-weight",
  "font-stretch",
  "text-anchor",
  "text-decoration",
  "dominant-baseline",
  "alignment-baseline",
  "baseline-shift",
  "letter-spacing",
  "word-spacing",
  "writing-mode",
  "white-space",
  "offset",
  "stop-color",
  "stop-opacity",
  "gradientUnits",
  "gradientTransform",
  "spreadMethod",
  "patternUnits",
  "patternContentUnits",
  "patternTransform",
  "clipPathUnits",
  "maskUnits",
  "maskContentUnits",
  "markerWidth",
  "markerHeight",
  "markerUnits",
  "refX",
  "refY",
  "orient",
  "filterUnits",
  "primitiveUnits",
  "in",
  "in2",
  "result",
  "stdDeviation",
  "operator",
  "k1",
  "k2",
  "k3",
  "k4",
  "values",
  "type",
  "mode",
  "radius",
  "flood-color",
  "flood-opacity",
  "lighting-color",
  "href",
  "xlink:href",
  "media",
];

/** Elements whose `href`/`src` names an image: only `data:image/…`. */
const IMAGE_SOURCES: Record<string, readonly string[]> = { img: ["src"], image: ["href", "xlink:href"] };
/** Elements whose `href` is a link: only `#anchor`, relative or http(s). */
const LINKS: Record<string, readonly string[]> = { a: ["href", "xlink:href"] };

/** The allow-lists as sets and maps, built on first use (so importing this module costs nothing). */
interface AllowList {
  svgTags: Set<string>;
  htmlTags: Set<string>;
  tags: string[];
  /** Lower case → canonical spelling, for tags and for SVG attributes. */
  canonicalTags: Map<string, string>;
  canonicalSvgAttributes: Map<string, string>;
  globalAttributes: Set<string>;
  svgAttributes: Set<string>;
  /** Per tag, the allowed attributes that are neither URLs nor CSS: they only need a look for `url(`. */
  plainAttributes: Map<string, Set<string>>;
}

let builtAllowList: AllowList | undefined;

function allowList(): AllowList {
  if (builtAllowList) return builtAllowList;
  const svgTags = new Set(SVG_TAGS);
  const tags = [...new Set([...HTML_TAGS, ...SVG_TAGS])];
  const plain = (tag: string) =>
    [...GLOBAL_ATTRIBUTES, ...(HTML_ATTRIBUTES[tag] ?? []), ...(svgTags.has(tag) ? SVG_ATTRIBUTES : [])]
      .filter(
        (name) =>
          name !== "style" && !IMAGE_SOURCES[tag]?.includes(name) && !LINKS[tag]?.includes(name) &&
          !(tag === "input" && name === "type") && (!svgTags.has(tag) || attributeAllowedOnSvg(tag, name)),
      );
  return builtAllowList = {
    svgTags,
    htmlTags: new Set(HTML_TAGS),
    tags,
    canonicalTags: new Map(tags.map((tag) => [tag.toLowerCase(), tag])),
    canonicalSvgAttributes: new Map(SVG_ATTRIBUTES.map((name) => [name.toLowerCase(), name])),
    globalAttributes: new Set(GLOBAL_ATTRIBUTES),
    svgAttributes: new Set(SVG_ATTRIBUTES),
    plainAttributes: new Map(tags.map((tag) => [tag, new Set(plain(tag))])),
  };
}

function attributeAllowedOnSvg(tag: string, name: string): boolean {
  if (name === "href" || name === "xlink:href") return tag in IMAGE_SOURCES || tag in LINKS;
  if (name === "xmlns" || name === "xmlns:xlink" || name === "version") return tag === "svg";
  return true;
}

function attributeAllowed(tag: string, name: string): boolean {
  const { globalAttributes, svgTags, svgAttributes } = allowList();
  if (globalAttributes.has(name) || /^aria-[a-z-]+$/.test(name) || /^data-[a-z0-9_.-]+$/.test(name)) {
    return true;
  }
  if (HTML_ATTRIBUTES[tag]?.includes(name)) return true;
  return svgTags.has(tag) && svgAttributes.has(name) && attributeAllowedOnSvg(tag, name);
}

// ---------------------------------------------------------------------------------------------- checks

/** A URL as a browser reads its scheme: ASCII whitespace and control characters do not count. */
function compactUrl(value: string): string {
  // deno-lint-ignore no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, "");
}

function isDataImage(value: string): boolean {
  // Only the head matters (data URIs run to megabytes); a head of nothing but blanks fails, which is safe.
  return /^data:image\/[a-z0-9.+-]+[;,]/i.test(compactUrl(value.slice(0, 128)));
}

function isSafeLink(value: string): boolean {
  const url = compactUrl(value);
  if (url.startsWith("#")) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return !scheme || /^https?$/i.test(scheme[1]);
}

function shorten(value: string, length = 40): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** Why a piece of CSS may not stay, or undefined when it only refers to `#ids` and `data:image/…`. */
export function cssProblem(css: string): string | undefined {
  if (css.includes("<")) return "markup";
  if (css.includes("\\")) return "escapes";
  const keyword = /@import|expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|image-set\s*\(/i
    .exec(css);
  if (keyword) return keyword[0].replace(/\s+/g, "");
  for (const match of css.matchAll(/url\s*\(\s*(["']?)([^"')]*)/gi)) {
    const target = match[2];
    if (!compactUrl(target).startsWith("#") && !isDataImage(target)) return `url(${shorten(target, 30)})`;
  }
  return undefined;
}

/** Why an attribute of an allowed element may not stay, or undefined. `name` is canonical. */
function attributeProblem(tag: string, name: string, value: string): string | undefined {
  if (allowList().plainAttributes.get(tag)?.has(name) && !/url\s*\(/i.test(value)) return undefined;
  if (/^on/i.test(name)) return `${name} on <${tag}>`;
  if (!attributeAllowed(tag, name)) return `${name} on <${tag}>`;
  if (IMAGE_SOURCES[tag]?.includes(name)) {
    return isDataImage(value) ? undefined : `${name}="${shorten(value)}" on <${tag}> (not a data:image)`;
  }
  if (LINKS[tag]?.includes(name)) {
    return isSafeLink(value) ? undefined : `${name}="${shorten(value)}" on <${tag}>`;
  }
  if (name === "style") {
    const problem = cssProblem(value);
    return problem ? `style on <${tag}> (${problem})` : undefined;
  }
  if (tag === "input" && name === "type") {
    return value.toLowerCase() === "checkbox" ? undefined : `type="${shorten(value)}" on <input>`;
  }
  // Presentation attributes (fill, clip-path, marker-end…) may refer to `url(#id)` only.
  const problem = /url\s*\(/i.test(value) ? cssProblem(value) : undefined;
  return problem ? `${name}="${shorten(value)}" on <${tag}>` : undefined;
}

function canonicalAttributeName(tag: string, name: string): string {
  const lower = name.toLowerCase();
  const { svgTags, canonicalSvgAttributes } = allowList();
  return svgTags.has(tag) ? canonicalSvgAttributes.get(lower) ?? lower : lower;
}

// ---------------------------------------------------------------------------------------------- library

type SanitizeHtmlFunction = (html: string, options: Record<string, unknown>) => string;

let library: SanitizeHtmlFunction | undefined;
let loadFailure: string | undefined;

/** The library through `require`: synchronous, so rendering can stay synchronous. The package is installed
 * with the project (the `import()` below puts it in the module graph, so Deno installs it on start). */
function requireLibrary(): SanitizeHtmlFunction {
  const entry = fileURLToPath(import.meta.resolve("sanitize-html"));
  // `node:module` is fetched here, not imported above: loading it costs about 30 ms, paid only on first use.
  const { process } = globalThis as unknown as NodeGlobals;
  const { createRequire } = process.getBuiltinModule("module");
  return createRequire(import.meta.url)(entry) as SanitizeHtmlFunction;
}

interface NodeGlobals {
  process: {
    getBuiltinModule(name: "module"): { createRequire(from: string): (id: string) => unknown };
  };
}

/** Loads the sanitiser ahead of its first use (asynchronously where it cannot be required synchronously). */
export async function loadSanitizer(): Promise<void> {
  if (library) return;
  try {
    library = requireLibrary();
  } catch {
    const module = await import("sanitize-html") as unknown as { default: SanitizeHtmlFunction };
    library = module.default;
  }
  loadFailure = undefined;
}

/** Whether the library is loaded (tests check that a build without raw HTML never loads it). */
export function sanitizerLoaded(): boolean {
  return library !== undefined;
}

function sanitizer(): SanitizeHtmlFunction | undefined {
  if (library || loadFailure) return library;
  try {
    library = requireLibrary();
  } catch (error) {
    loadFailure = error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
  return library;
}

// ---------------------------------------------------------------------------------------------- sanitising

const STYLE_ELEMENT = /<style\b([^>]*)>([\s\S]*?)<\/style>/g;

/** Results by input, so that a long-running process (the dev server) sanitises each output once. */
const memo = new Map<string, Sanitized>();
let memoChars = 0;
const MEMO_CHARS = 64 * 1024 * 1024;

/** Sanitises a fragment of HTML (which may contain SVG); see the module comment for what stays. */
export function sanitizeHtml(html: string): Sanitized {
  if (!sanitizer()) {
    return { html: "", dropped: [`all of this HTML (the sanitiser could not be loaded: ${loadFailure})`] };
  }
  const known = memo.get(html);
  if (known) return { html: known.html, dropped: [...known.dropped] };
  const result = sanitizeFresh(html);
  if (html.length > 0) {
    if (memoChars + html.length + result.html.length > MEMO_CHARS) {
      memo.clear();
      memoChars = 0;
    }
    memo.set(html, { html: result.html, dropped: [...result.dropped] });
    memoChars += html.length + result.html.length;
  }
  return result;
}

function sanitizeFresh(html: string): Sanitized {
  const dropped = new Set<string>();
  const run = sanitizer()!;
  const { canonicalTags, htmlTags, svgTags, tags } = allowList();
  const transform = (name: string, attribs: Record<string, string>) => {
    const tag = canonicalTags.get(name.toLowerCase()) ?? name.toLowerCase();
    if (!htmlTags.has(tag) && !svgTags.has(tag)) {
      dropped.add(`<${tag}>`);
      return { tagName: tag, attribs: {} };
    }
    const kept: Record<string, string> = {};
    for (const [rawName, value] of Object.entries(attribs)) {
      const attribute = canonicalAttributeName(tag, rawName);
      const problem = attributeProblem(tag, attribute, value ?? "");
      if (problem) dropped.add(problem);
      else kept[attribute] = value;
    }
    return { tagName: tag, attribs: kept };
  };
  const cleaned = run(html, {
    allowedTags: tags,
    // Attributes were filtered by `transform` (allow-list, URLs, CSS); the library checks URL schemes again.
    allowedAttributes: false,
    allowedSchemes: ["http", "https"],
    allowedSchemesByTag: { img: ["data"], image: ["data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "xlink:href", "cite", "action", "formaction"],
    allowProtocolRelative: true,
    allowVulnerableTags: true,
    parseStyleAttributes: false,
    allowedEmptyAttributes: ["alt", "checked", "disabled", "open", "reversed", "hidden"],
    transformTags: { "*": transform },
    parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  });
  // `<style>` content is passed through verbatim by the library; inside <svg> a browser parses it as markup.
  const styled = cleaned.replace(STYLE_ELEMENT, (whole, attributes: string, css: string) => {
    const problem = cssProblem(css);
    if (!problem) return whole;
    dropped.add(`<style> content (${problem})`);
    return `<style${attributes}></style>`;
  });
  return { html: styled, dropped: [...dropped] };
}

/** A block output made safe: HTML/SVG outputs are sanitised and marked `sanitized: true`; others pass. */
export function sanitizeOutput(output: Output): { output: Output; dropped: string[] } {
  if (output.kind !== "html") return { output, dropped: [] };
  const { html, dropped } = sanitizeHtml(output.html);
  const sanitized: HtmlOutput = { kind: "html", html, sanitized: true };
  return { output: sanitized, dropped };
}

/** The HTML of an HTML/SVG output for the page: sanitised unless it already was (when it was stored). */
export function safeOutputHtml(output: HtmlOutput, onDropped?: (dropped: string[]) => void): string {
  if (output.sanitized) return output.html;
  const { html, dropped } = sanitizeHtml(output.html);
  if (dropped.length > 0) onDropped?.(dropped);
  return html;
}

/** A one-line warning naming what was removed at a location. */
export function droppedWarning(where: string, dropped: readonly string[]): string {
  return `${where}: warning: removed from the page (not allowed in the report): ${dropped.join(", ")}`;
}
