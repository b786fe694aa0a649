/** Layout boxes shared by every figure: a Plot chart on the chapter document, columns, rows and grids of
 * figures, and a heading. Widths fit the printed page. */
import * as Plot from "@observablehq/plot";
import { type Node, plotDocument } from "./document.ts";

/** One figure across the printed page, or two side by side with a 12 px gap. */
export const FULL_WIDTH = 580;
export const HALF_WIDTH = 284;
/** Type and ground of every chart; figures keep a paper ground in the dark theme too. */
export const FONT = { fontSize: "11px", background: "white" };
export const SMALL_FONT = { fontSize: "10px", background: "white" };

/** `Plot.plot` on the chapter document, with swatch legends kept inline whatever the page's SVG rules. */
export function plot(options: Record<string, unknown>): Node {
  const figure = Plot.plot({ document: plotDocument(), style: FONT, ...options } as Plot.PlotOptions);
  keepSwatchesInline(figure);
  if (String(figure.tagName).toLowerCase() === "figure") figure.setAttribute("style", "margin:0");
  return figure;
}

/** Plot's swatch legends hold small SVGs that the page's `svg { display: block }` would stack. */
function keepSwatchesInline(node: Node): void {
  for (const swatch of node.querySelectorAll?.("span > svg") ?? []) {
    swatch.setAttribute(
      "style",
      "display:inline-block;margin:0 0.4em 0 0;vertical-align:middle;max-width:none",
    );
  }
}

function box(style: string, children: readonly Node[]): Node {
  const element = plotDocument().createElement("div");
  element.setAttribute("style", style);
  for (const child of children) element.appendChild(child);
  return element;
}

/** Parts of one figure stacked top to bottom (legends, then charts). */
export function column(children: readonly Node[]): Node {
  const element = box("display:flex;flex-direction:column;gap:4px;align-items:flex-start", children);
  element.setAttribute("class", "plot-figure");
  return element;
}

/** Figures next to each other, wrapping on narrow pages. */
export function row(items: readonly Node[]): Node {
  return box("display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start", items);
}

/** Figures in a grid of `columns`, bottoms aligned. */
export function grid(items: readonly Node[], columns: number): Node {
  return box(
    `display:grid;grid-template-columns:repeat(${columns},max-content);gap:8px 12px;align-items:end`,
    items,
  );
}

/** A bold line of text above a part of a figure. */
export function heading(text: string): Node {
  const element = box("font:600 12px system-ui,sans-serif;margin:2px 0", []);
  element.textContent = text;
  return element;
}

/** Serialised size of an element, for checks that figures are neither empty nor huge. */
export function markupSize(element: Node): number {
  return String(element.outerHTML ?? "").length;
}
