/** Heatmaps: a labelled one of few cells with their values printed (a confusion matrix), and a dense band
 * grid drawn as one embedded image under Plot's axes (thousands of cells, no mark per cell). */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { plot } from "./layout.ts";
import { cellImage } from "./raster.ts";
import { brightness, colorScaleOptions, type ColorSpec } from "./scales.ts";

export interface HeatmapCell {
  x: string | number;
  y: string | number;
  value: number;
}

export interface HeatmapOptions {
  color: ColorSpec;
  xLabel: string;
  yLabel: string;
  /** Print each cell's value with this formatter. */
  text?: (value: number) => string;
  width?: number;
  height?: number;
  xDomain?: (string | number)[];
  yDomain?: (string | number)[];
  marginLeft?: number;
  marginBottom?: number;
}

/** A labelled heatmap of a few cells (each a mark, with its value printed when `text` is given). */
export function heatmap(cells: HeatmapCell[], options: HeatmapOptions): Node {
  if (cells.length === 0) throw new Error("heatmap: no cells");
  const scale = Plot.scale({ color: colorScaleOptions(options.color) as Plot.ScaleOptions });
  const marks: Plot.Markish[] = [Plot.cell(cells, { x: "x", y: "y", fill: "value", inset: 0.5 })];
  if (options.text) {
    const format = options.text;
    marks.push(Plot.text(cells, {
      x: "x",
      y: "y",
      text: (d: HeatmapCell) => format(d.value),
      fill: (d: HeatmapCell) => (brightness(String(scale.apply(d.value))) < 140 ? "white" : "black"),
    }));
  }
  return plot({
    width: options.width ?? 480,
    height: options.height,
    marginLeft: options.marginLeft ?? 48,
    marginBottom: options.marginBottom ?? 40,
    x: { label: options.xLabel, domain: options.xDomain },
    y: { label: options.yLabel, domain: options.yDomain },
    color: { ...colorScaleOptions(options.color), legend: true },
    marks,
  });
}

/** A dense grid as one image filling a chart's frame: `values[row * columns + column]`, rows top to bottom in
 * the order of a band y scale, columns left to right in the order of a band x scale (both without padding).
 * One pixel per cell, scaled up with `image-rendering: pixelated` (Chromium's PDF marks it not to be
 * interpolated), so cells stay sharp on screen and in print at a fraction of the bytes of a mark per cell. */
export function rasterCells(
  values: ArrayLike<number>,
  grid: { columns: number; rows: number },
  color: ColorSpec,
  frame: { width: number; height: number },
): Plot.Mark {
  if (values.length !== grid.columns * grid.rows) {
    throw new Error(`rasterCells: ${values.length} values for ${grid.rows} × ${grid.columns} cells`);
  }
  return Plot.image([0], {
    src: () => cellImage(values, grid.columns, grid.rows, color, { width: 1, height: 1 }),
    frameAnchor: "middle",
    width: frame.width,
    height: frame.height,
    preserveAspectRatio: "none",
    imageRendering: "pixelated",
  });
}
