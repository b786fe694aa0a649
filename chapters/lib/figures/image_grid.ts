/** A grid of image panels (kernels, feature maps, digits): each panel one embedded PNG, placed with
 * `Plot.image` in a faceted plot, with labels, notes and colour legends. */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { column, heading, plot } from "./layout.ts";
import { legendRow } from "./legends.ts";
import { GUIDE, REFERENCE } from "./palette.ts";
import { panelImage } from "./raster.ts";
import type { ColorSpec } from "./scales.ts";

export interface ImagePanel {
  /** Pixel values, row-major, `width * height` of them. */
  values: ArrayLike<number>;
  width: number;
  height: number;
  /** Title above the panel, e.g. "conv1 · ch 7". */
  label?: string;
  /** Row and column keys: when given on every panel they become labeled facet axes instead of wrapping. */
  row?: string;
  column?: string;
  /** Optional colour override for this panel (e.g. grey levels for an input digit among activation maps). */
  color?: ColorSpec;
  /** Optional small note under the panel, e.g. "dead". */
  note?: string;
}

export interface ImageGridOptions {
  color: ColorSpec;
  /** Panels per row when wrapping (ignored with row/column keys). */
  columns?: number;
  /** Side of each panel in CSS pixels. */
  panelSize?: number;
  /** Gap between panels in CSS pixels. */
  gap?: number;
  /** Axis labels for row/column facets. */
  rowLabel?: string;
  columnLabel?: string;
  /** Extra legends for panels with their own colour. */
  extraLegends?: ColorSpec[];
  fontSize?: number;
  marginLeft?: number;
  /** Omit the legend row (e.g. when several grids share one legend). */
  legend?: boolean;
  /** A heading drawn above the grid. */
  title?: string;
}

/** Panels wrap into `columns` unless every panel carries `row` and `column`, in which case those become
 * labeled facet axes. Each panel keeps its own resolution; all share one colour scale unless overridden. */
export function imageGrid(panels: ImagePanel[], options: ImageGridOptions): Node {
  if (panels.length === 0) throw new Error("imageGrid: no panels");
  const size = options.panelSize ?? 56, gap = options.gap ?? 6, fontSize = options.fontSize ?? 10;
  const faceted = panels.every((p) => p.row !== undefined && p.column !== undefined);
  const columns = faceted ? 0 : Math.max(1, Math.min(options.columns ?? 8, panels.length));
  const labelHeight = panels.some((p) => p.label) ? fontSize + 4 : 0;
  const noteHeight = panels.some((p) => p.note) ? fontSize + 2 : 0;
  const rows = panels.map((p, i) => ({
    src: panelImage(p.values, p.width, p.height, p.color ?? options.color),
    fx: faceted ? p.column! : String(i % columns),
    fy: faceted ? p.row! : String(Math.floor(i / columns)),
    label: p.label ?? "",
    note: p.note ?? "",
  }));
  const fxDomain = [...new Set(rows.map((r) => r.fx))];
  const fyDomain = [...new Set(rows.map((r) => r.fy))];
  const stepX = size + gap, stepY = size + gap + labelHeight + noteHeight;
  const headerLines = faceted ? Math.max(...rows.map((r) => r.fx.split("\n").length)) : 0;
  const marginTop = (faceted ? 14 + headerLines * (fontSize + 2) : 4) + labelHeight;
  const marginLeft = options.marginLeft ?? (faceted ? 70 : 4);
  const marginBottom = 4 + noteHeight;
  const text = (field: "label" | "note", anchor: "top" | "bottom") =>
    Plot.text(rows, {
      fx: "fx",
      fy: "fy",
      text: field,
      frameAnchor: anchor,
      dy: anchor === "top" ? -3 : 2,
      lineAnchor: anchor === "top" ? "bottom" : "top",
      fill: field === "note" ? REFERENCE : undefined,
    });
  const chart = plot({
    width: marginLeft + 4 + fxDomain.length * stepX - gap,
    height: marginTop + marginBottom + fyDomain.length * stepY - gap - labelHeight - noteHeight,
    marginTop,
    marginLeft,
    marginRight: 4,
    marginBottom,
    style: { fontSize: `${fontSize}px`, background: "white", overflow: "visible" },
    x: { domain: [0, 1], axis: null },
    y: { domain: [0, 1], axis: null },
    fx: {
      domain: fxDomain,
      paddingInner: gap / stepX,
      paddingOuter: 0,
      axis: faceted ? "top" : null,
      label: faceted ? options.columnLabel ?? null : null,
      tickSize: 0,
    },
    fy: {
      domain: fyDomain,
      paddingInner: (gap + labelHeight + noteHeight) / stepY,
      paddingOuter: 0,
      axis: faceted ? "left" : null,
      label: faceted ? options.rowLabel ?? null : null,
      tickSize: 0,
    },
    marks: [
      Plot.image(rows, {
        fx: "fx",
        fy: "fy",
        src: "src",
        frameAnchor: "middle",
        width: size,
        height: size,
        preserveAspectRatio: "none",
        imageRendering: "pixelated",
      }),
      Plot.frame({ stroke: GUIDE, strokeWidth: 0.5 }),
      ...(labelHeight ? [text("label", "top")] : []),
      ...(noteHeight ? [text("note", "bottom")] : []),
    ],
  });
  const parts = options.legend === false
    ? [chart]
    : [legendRow([options.color, ...(options.extraLegends ?? [])]), chart];
  return column(options.title ? [heading(options.title), ...parts] : parts);
}
