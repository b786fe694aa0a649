/** Graphics for screen readers. A block's HTML output that draws (SVG or an image) becomes one image with a
 * name: the figure's caption, then what the markup says it holds (its marks, axis labels, panels, legend).
 * Observable Plot labels its groups "dot", "y-axis tick" and the like, which describe nothing: those labels are
 * removed, and ticks, grids and frames are hidden from assistive technology. Works on sanitised markup
 * (`sanitize.ts` keeps `role` and `aria-*`), with string edits only, so the rest of the markup is untouched. */
import { decodeHTML } from "entities";
import { escapeHtml } from "./escape.ts";

/** Plot's own group labels: its mark names and the parts of its axes. */
const PLOT_MARKS = new Set([
  "area",
  "arrow",
  "bar",
  "cell",
  "contour",
  "density",
  "dot",
  "frame",
  "geo",
  "hexgrid",
  "image",
  "line",
  "link",
  "raster",
  "rect",
  "rule",
  "text",
  "tick",
  "tip",
  "vector",
  "waffle",
]);
const AXIS_PART = /^f?[xy]-(?:axis (?:tick|tick label|label)|grid)$/;
/** Groups that only decorate: hidden from assistive technology. */
const DECORATIVE = /^(?:f?[xy]-(?:axis tick|grid)|frame)$/;

/** How a mark reads in a list ("dots, lines"). */
const MARK_NOUNS: Record<string, string> = {
  area: "areas",
  bar: "bars",
  cell: "cells",
  dot: "dots",
  image: "images",
  line: "lines",
  rect: "rectangles",
  rule: "rules",
  arrow: "arrows",
  link: "links",
  raster: "a raster",
  contour: "contours",
  density: "density contours",
  vector: "vectors",
  waffle: "waffles",
};

/** Whether an output's markup is a graphic (SVG or image) rather than text or a table. */
export function isGraphic(html: string): boolean {
  return /<(?:svg|img)\b/i.test(html) && !/<(?:table|p|pre|ul|ol)\b/i.test(html);
}

const GROUP_LABEL = /<g\b([^>]*?)\saria-label="([^"]*)"([^>]*)>/g;
const TICK_CLASS = /<g\b([^>]*\sclass="tick"[^>]*)>/g;
/** A drawing inside the named wrapper: the wrapper is the one image, so its drawings are not announced again. */
const DRAWING = /<(svg|img)\b([^>]*?)(\s*\/)?>/g;

/** The markup with Plot's default group labels removed; decorative groups and the drawings themselves (named
 * by their wrapper) `aria-hidden`. */
export function quietGraphic(html: string): string {
  return html
    .replace(GROUP_LABEL, (whole, before: string, label: string, after: string) => {
      if (!PLOT_MARKS.has(label) && !AXIS_PART.test(label)) return whole;
      const hidden = DECORATIVE.test(label) || label === "tick";
      const rest = `${before}${after}`;
      return `<g${rest}${hidden && !/\saria-hidden=/.test(rest) ? ' aria-hidden="true"' : ""}>`;
    })
    .replace(
      TICK_CLASS,
      (whole, attributes: string) =>
        /\saria-hidden=/.test(attributes) ? whole : `<g${attributes} aria-hidden="true">`,
    )
    .replace(
      DRAWING,
      (whole, tag: string, attributes: string, slash = "") =>
        /\saria-hidden=/.test(attributes) ? whole : `<${tag}${attributes} aria-hidden="true"${slash}>`,
    );
}

/** Texts of the `<text>` elements inside each group labelled `label` (in order, duplicates once). */
function groupTexts(html: string, label: string): string[] {
  const texts: string[] = [];
  const marker = `aria-label="${label}"`;
  for (let at = html.indexOf(marker); at >= 0; at = html.indexOf(marker, at + marker.length)) {
    const end = html.indexOf(`aria-label="`, at + marker.length);
    const inside = html.slice(at, end < 0 ? undefined : end);
    for (const match of inside.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)) texts.push(cleanText(match[1]));
  }
  return [...new Set(texts.filter(Boolean))];
}

function cleanText(text: string): string {
  return decodeHTML(text).replace(/[↑↓←→]/g, "").replace(/\s+/g, " ").trim();
}

function list(items: readonly string[], most = 6): string {
  const shown = items.slice(0, most).join(", ");
  return items.length > most ? `${shown} and ${items.length - most} more` : shown;
}

/** What the markup holds, in words: marks, axes, panels, legend. Empty when it says nothing readable. */
export function describeGraphic(html: string): string {
  const labels = [...html.matchAll(/aria-label="([^"]*)"/g)].map((match) => match[1]);
  const marks = [...new Set(labels.filter((label) => label in MARK_NOUNS).map((label) => MARK_NOUNS[label]))];
  const title = [...html.matchAll(/<h[2-4]\b[^>]*>([\s\S]*?)<\/h[2-4]>/g)].map((match) => plainText(match[1]))
    .filter(Boolean).join(", ");
  const charts = (html.match(/<svg\b[^>]*\sclass="plot-[a-z0-9]+"/g) ?? []).length;
  const kind = marks.length > 0 ? `${charts > 1 ? `${charts} charts` : "chart"} of ${list(marks)}` : "";
  const parts: string[] = [];
  if (kind || title) parts.push(`${kind || "graphic"}${title ? ` titled “${title}”` : ""}`);
  for (const axis of ["x", "y"]) {
    const title = groupTexts(html, `${axis}-axis label`)[0];
    if (title) parts.push(`${axis} axis: ${title}`);
  }
  const panels = [...groupTexts(html, "fx-axis tick label"), ...groupTexts(html, "fy-axis tick label")];
  if (panels.length > 0) parts.push(`panels: ${list(panels)}`);
  const swatches = [...html.matchAll(/class="plot-[\w-]*-swatch"[^>]*>(?:<svg\b[\s\S]*?<\/svg>)?([^<]*)</g)]
    .map((match) => cleanText(match[1])).filter(Boolean);
  if (swatches.length > 0) parts.push(`legend: ${list(swatches)}`);
  const ramps = (html.match(/class="plot-[\w-]*-ramp"/g) ?? []).length;
  if (ramps > 0) parts.push(ramps > 1 ? `${ramps} colour scales` : "a colour scale");
  return parts.join("; ");
}

/** The text of a piece of markup (a rendered caption): tags removed, entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim();
}

/** The accessible name of a graphic: its caption (plain text), then what it holds. */
export function graphicName(html: string, caption?: string): string {
  const description = describeGraphic(html);
  const title = caption?.trim().replace(/\.$/, "");
  if (title && description) return `${title}. ${description[0].toUpperCase()}${description.slice(1)}.`;
  if (title) return `${title}.`;
  return description
    ? `${description[0].toUpperCase()}${description.slice(1)}.`
    : "Graphic without a caption.";
}

/** `role="img" aria-label="…"` for a graphic's wrapper, with the attribute value escaped. */
export function graphicAttributes(html: string, caption?: string): string {
  return ` role="img" aria-label="${escapeHtml(graphicName(html, caption))}"`;
}
