/** Part 2's unit × time heatmaps: one quantity of every unit (rows) at every step (columns) of one sequence,
 * drawn as one embedded image under an input strip of the sequence's bits on the same x scale. */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { rasterCells } from "./heatmap.ts";
import { column, FULL_WIDTH, plot } from "./layout.ts";
import { colorLegend } from "./legends.ts";
import { BIT_ONE, BIT_ZERO, GUIDE, REFERENCE } from "./palette.ts";
import type { ColorSpec } from "./scales.ts";

export interface GridCell {
  step: number;
  unit: number;
  value: number;
}

export interface HeatmapPanel {
  grid: GridCell[];
  color: ColorSpec;
  title: string;
}

/** Gate openings, from shut (0) to open (1). */
export const GATE_COLOR: ColorSpec = { kind: "sequential", label: "gate activation", domain: [0, 1] };
/** How the rows of every unit × time heatmap are ordered, written along their vertical axis. */
export const UNIT_ORDER_LABEL = "units, sorted by r with the running count";
/** The same, for panels too short for the full sentence. */
export const SHORT_UNIT_ORDER_LABEL = "units, sorted by r";
export const MARGIN_LEFT = 58;
export const MARGIN_RIGHT = 12;
const UNIT_TICK_SPACING = 13;
const LABEL_CHAR_WIDTH = 5.6;

/** Every `n`-th row gets a tick label, `n` a power of two, so labels stay `UNIT_TICK_SPACING` px apart. */
export function unitTickEvery(rows: number, plotHeight: number): number {
  const needed = Math.ceil((rows * UNIT_TICK_SPACING) / Math.max(1, plotHeight));
  let every = 1;
  while (every < needed) every *= 2;
  return every;
}

/** The input bits as a row of black (1) and white (0) cells on the same x scale as the heatmaps below. */
export function inputStrip(bits: readonly number[], options: { width: number; title?: string }): Node {
  const cells = bits.map((bit, index) => ({ step: index + 1, bit }));
  const cellWidth = (options.width - MARGIN_LEFT - MARGIN_RIGHT) / Math.max(1, bits.length);
  const bitSize = Math.max(6, Math.min(10, Math.floor(cellWidth * 0.75)));
  const cellHeight = Math.round(Math.max(16, Math.min(32, cellWidth * 1.3)));
  return plot({
    width: options.width,
    height: cellHeight + (options.title ? 26 : 8),
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop: options.title ? 22 : 4,
    marginBottom: 4,
    x: { type: "band", domain: cells.map((cell) => cell.step), axis: null },
    y: { axis: null },
    marks: [
      Plot.cell(cells, { x: "step", fill: (d) => (d.bit ? BIT_ONE : BIT_ZERO), stroke: GUIDE, inset: 0.5 }),
      Plot.text(cells, {
        x: "step",
        text: "bit",
        fill: (d) => (d.bit ? "white" : "black"),
        fontSize: bitSize,
      }),
      Plot.text(["input"], { frameAnchor: "left", dx: -MARGIN_LEFT + 2, textAnchor: "start", fontSize: 10 }),
      ...(options.title
        ? [Plot.text([options.title], { frameAnchor: "top-left", dy: -16, fontWeight: "bold" })]
        : []),
    ],
  });
}

export interface UnitHeatmapOptions {
  unitOrder: readonly number[];
  width: number;
  height?: number;
  legend?: boolean;
  xAxis?: boolean;
  unitLabel?: string;
}

/** Units (rows, in `unitOrder`) × time steps (columns) of one quantity; the cells are one image. */
export function unitHeatmap(panel: HeatmapPanel, options: UnitHeatmapOptions): Node {
  const order = options.unitOrder.map(String);
  const steps = [...new Set(panel.grid.map((cell) => cell.step))].sort((a, b) => a - b);
  const height = options.height ?? Math.max(120, order.length * 4 + 70);
  const [marginTop, marginBottom] = [22, options.xAxis === false ? 6 : 34];
  const frame = {
    width: options.width - MARGIN_LEFT - MARGIN_RIGHT,
    height: height - marginTop - marginBottom,
  };
  const every = unitTickEvery(order.length, frame.height);
  const unitLabel = options.unitLabel ??
    (UNIT_ORDER_LABEL.length * LABEL_CHAR_WIDTH <= frame.height ? UNIT_ORDER_LABEL : SHORT_UNIT_ORDER_LABEL);
  const stepEvery = Math.max(1, Math.ceil((18 * steps.length) / frame.width));
  const values = new Float64Array(order.length * steps.length).fill(NaN);
  const rowOf = new Map(options.unitOrder.map((unit, row) => [unit, row]));
  const columnOf = new Map(steps.map((step, index) => [step, index]));
  for (const cell of panel.grid) {
    const row = rowOf.get(cell.unit);
    if (row !== undefined) values[row * steps.length + columnOf.get(cell.step)!] = cell.value;
  }
  const chart = plot({
    width: options.width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop,
    marginBottom,
    x: {
      type: "band",
      domain: steps,
      padding: 0,
      label: "time step",
      labelAnchor: "center",
      axis: options.xAxis === false ? null : "bottom",
      tickFormat: (step: number) => (step % stepEvery === 0 ? String(step) : ""),
    },
    y: {
      type: "band",
      domain: order,
      padding: 0,
      label: unitLabel,
      labelAnchor: "center",
      labelArrow: "none",
      labelOffset: MARGIN_LEFT - 10,
      ticks: order.filter((_, index) => index % every === 0),
      tickSize: 3,
    },
    marks: [
      rasterCells(values, { columns: steps.length, rows: order.length }, panel.color, frame),
      Plot.text([panel.title], { frameAnchor: "top-left", dy: -16, fontWeight: "bold" }),
      Plot.frame({ stroke: REFERENCE, strokeOpacity: 0.6 }),
    ],
  });
  if (options.legend === false) return chart;
  return column([colorLegend(panel.color, { width: options.width, marginLeft: MARGIN_LEFT }), chart]);
}

/** A colour legend per scale, an input strip and one or more heatmaps of the same sequence, all on one x
 * scale. */
export function sequenceFigure(
  bits: readonly number[],
  panels: readonly HeatmapPanel[],
  options: { unitOrder: readonly number[]; width?: number; height?: number; title?: string },
): Node {
  const width = options.width ?? FULL_WIDTH;
  const scales = [...new Set(panels.map((panel) => panel.color))];
  const children: Node[] = scales.map((color) => colorLegend(color, { width, marginLeft: MARGIN_LEFT }));
  children.push(inputStrip(bits, { width, title: options.title }));
  panels.forEach((panel, index) =>
    children.push(unitHeatmap(panel, {
      unitOrder: options.unitOrder,
      width,
      height: options.height,
      legend: false,
      xAxis: index === panels.length - 1,
    }))
  );
  return column(children);
}
