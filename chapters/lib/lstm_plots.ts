/** Figures of Part 2: unit × time heatmaps under an aligned input strip, and the charts of the analyses. */
import * as Plot from "@observablehq/plot";
import type { EpochLog } from "../../models/train.ts";
import type { DifferenceRow } from "../../models/analysis/lstm/accuracy.ts";
import type { AblationStudy } from "../../models/analysis/lstm/ablation.ts";
import type { CountPoint, UnitCorrelation } from "../../models/analysis/lstm/counter.ts";
import type { ProjectedPoint } from "../../models/analysis/lstm/geometry.ts";
import type { LengthPoint, ResponsePoint } from "../../models/analysis/lstm/length.ts";
import type { SaturationSummary } from "../../models/analysis/lstm/saturation.ts";
import { colorScaleOptions, type ColorSpec, plotDocument } from "./plot.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

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

export const LABEL_COLORS = { domain: ["0 (not more 1s)", "1 (more 1s)"], range: ["#4477aa", "#cc6677"] };
export const GATE_COLOR: ColorSpec = {
  kind: "sequential",
  label: "gate activation",
  domain: [0, 1],
  scheme: "YlGnBu",
};
/** Widths that fit the printed page: one figure, or two side by side with a 12 px gap. */
export const FULL_WIDTH = 580;
export const HALF_WIDTH = 284;
const FONT = { fontSize: "11px", background: "white" };
const MARGIN_LEFT = 58;
const MARGIN_RIGHT = 12;
const LEGEND_RAMP = 260;

/** `Plot.plot` on the chapter document, with swatch legends kept inline whatever the page's SVG rules. */
export function plot(options: Record<string, unknown>): Node {
  const figure = Plot.plot({ document: plotDocument(), ...options } as Plot.PlotOptions);
  keepSwatchesInline(figure);
  if (String(figure.tagName).toLowerCase() === "figure") figure.setAttribute("style", "margin:0");
  return figure;
}

function keepSwatchesInline(node: Node): void {
  for (const swatch of node.querySelectorAll?.("span > svg") ?? []) {
    swatch.setAttribute(
      "style",
      "display:inline-block;margin:0 0.4em 0 0;vertical-align:middle;max-width:none",
    );
  }
}

/** A row of colour swatches naming constant-coloured marks. */
export function swatches(entries: readonly (readonly [string, string])[]): Node {
  const key = Plot.legend({
    document: plotDocument(),
    color: {
      type: "ordinal",
      domain: entries.map(([name]) => name),
      range: entries.map(([, color]) => color),
    },
    style: FONT,
  } as unknown as Plot.LegendOptions);
  keepSwatchesInline(key);
  return key;
}

export function labelName(label: number): string {
  return LABEL_COLORS.domain[label];
}

export function signedColor(label: string, values: Iterable<number>): ColorSpec {
  let extent = 0;
  for (const value of values) extent = Math.max(extent, Math.abs(value));
  return { kind: "diverging", label, domain: [-extent, extent], scheme: "BuRd" };
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
    style: FONT,
    x: { type: "band", domain: cells.map((cell) => cell.step), axis: null },
    y: { axis: null },
    marks: [
      Plot.cell(cells, { x: "step", fill: (d) => (d.bit ? "#222" : "#fff"), stroke: "#888", inset: 0.5 }),
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

/** How the rows of every unit × time heatmap are ordered, written along their vertical axis. */
export const UNIT_ORDER_LABEL = "units, sorted by r with the running count";
/** The same, for panels too short for the full sentence. */
export const SHORT_UNIT_ORDER_LABEL = "units, sorted by r";
const UNIT_TICK_SPACING = 13;
const LABEL_CHAR_WIDTH = 5.6;

/** Every `n`-th row gets a tick label, `n` a power of two, so labels stay `UNIT_TICK_SPACING` px apart. */
export function unitTickEvery(rows: number, plotHeight: number): number {
  const needed = Math.ceil((rows * UNIT_TICK_SPACING) / Math.max(1, plotHeight));
  let every = 1;
  while (every < needed) every *= 2;
  return every;
}

/** Units (rows, in `unitOrder`) × time steps (columns) of one quantity. */
export function unitHeatmap(
  panel: HeatmapPanel,
  options: {
    unitOrder: readonly number[];
    width: number;
    height?: number;
    legend?: boolean;
    xAxis?: boolean;
    unitLabel?: string;
  },
): Node {
  const order = options.unitOrder.map(String);
  const steps = [...new Set(panel.grid.map((cell) => cell.step))].sort((a, b) => a - b);
  const height = options.height ?? Math.max(120, order.length * 4 + 70);
  const marginTop = 22;
  const marginBottom = options.xAxis === false ? 6 : 34;
  const plotHeight = height - marginTop - marginBottom;
  const every = unitTickEvery(order.length, plotHeight);
  const unitLabel = options.unitLabel ??
    (UNIT_ORDER_LABEL.length * LABEL_CHAR_WIDTH <= plotHeight ? UNIT_ORDER_LABEL : SHORT_UNIT_ORDER_LABEL);
  const stepEvery = Math.max(
    1,
    Math.ceil((18 * steps.length) / (options.width - MARGIN_LEFT - MARGIN_RIGHT)),
  );
  const chart = plot({
    width: options.width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop,
    marginBottom,
    style: FONT,
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
    color: colorScaleOptions(panel.color),
    marks: [
      Plot.cell(panel.grid, {
        x: "step",
        y: (d: GridCell) => String(d.unit),
        fill: "value",
        stroke: "value",
        strokeWidth: 0.5,
        inset: 0,
      }),
      Plot.text([panel.title], { frameAnchor: "top-left", dy: -16, fontWeight: "bold" }),
      Plot.frame({ stroke: "#999" }),
    ],
  });
  if (options.legend === false) return chart;
  return column([legend(panel.color, { width: options.width, marginLeft: MARGIN_LEFT }), chart]);
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
  const children: Node[] = scales.map((color) => legend(color, { width, marginLeft: MARGIN_LEFT }));
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

/** Several figures in a grid of `columns`. */
export function grid(items: readonly Node[], columns: number, legends: readonly ColorSpec[] = []): Node {
  const doc = plotDocument();
  const box = doc.createElement("div");
  box.setAttribute(
    "style",
    `display:grid;grid-template-columns:repeat(${columns},max-content);gap:8px 12px;align-items:end`,
  );
  for (const item of items) box.appendChild(item);
  if (legends.length === 0) return box;
  const row = doc.createElement("div");
  row.setAttribute("style", "display:flex;flex-wrap:wrap;gap:24px");
  for (const spec of legends) row.appendChild(legend(spec, {}));
  return column([row, box]);
}

export function column(children: readonly Node[]): Node {
  const box = plotDocument().createElement("div");
  box.setAttribute("style", "display:flex;flex-direction:column;gap:2px;align-items:flex-start");
  for (const child of children) box.appendChild(child);
  return box;
}

/** A colour ramp at most `LEGEND_RAMP` px long; `marginLeft` lines it up with a chart's frame. */
export function legend(spec: ColorSpec, options: { width?: number; marginLeft?: number }): Node {
  const marginLeft = options.marginLeft ?? 0;
  const width = Math.min(options.width ?? LEGEND_RAMP + marginLeft, LEGEND_RAMP + marginLeft + MARGIN_RIGHT);
  return Plot.legend({
    document: plotDocument(),
    color: colorScaleOptions(spec),
    width,
    marginLeft,
    marginRight: MARGIN_RIGHT,
    style: FONT,
  } as unknown as Plot.LegendOptions);
}

/** Example sequences as rows of cells, each labelled with its count difference and class. */
export function examplesFigure(
  rows: readonly { bits: readonly number[]; label: number }[],
  width = FULL_WIDTH,
): Node {
  const names = rows.map((row, index) => {
    const difference = row.bits.reduce((sum, bit) => sum + (bit ? 1 : -1), 0);
    return `#${index + 1}  ${difference >= 0 ? "+" : ""}${difference}`;
  });
  const cells = rows.flatMap((row, index) =>
    row.bits.map((bit, step) => ({ step: step + 1, name: names[index], bit, label: labelName(row.label) }))
  );
  return plot({
    width,
    height: rows.length * 22 + 60,
    marginLeft: 70,
    marginRight: 120,
    style: FONT,
    x: { type: "band", label: "time step", labelAnchor: "center" },
    y: { domain: names, label: "sequence, #1 − #0", labelAnchor: "top" },
    color: { ...LABEL_COLORS, legend: true, label: "label" },
    marks: [
      Plot.cell(cells, {
        x: "step",
        y: "name",
        fill: (d) => (d.bit ? "#222" : "#fff"),
        stroke: "#aaa",
        inset: 0.5,
      }),
      Plot.text(cells, { x: "step", y: "name", text: "bit", fill: (d) => (d.bit ? "white" : "black") }),
      Plot.text(rows.map((row, index) => ({ name: names[index], label: labelName(row.label) })), {
        y: "name",
        text: "label",
        frameAnchor: "right",
        dx: 116,
        textAnchor: "end",
        fill: "label",
      }),
    ],
  });
}

/** Share of sequences per final count difference, for several sources side by side, coloured by label. */
export function differenceBars(
  rows: readonly { source: string; difference: number; share: number; label: number }[],
  width = FULL_WIDTH,
): Node {
  return plot({
    width,
    height: 240,
    marginLeft: 50,
    style: FONT,
    fx: { label: null, domain: [...new Set(rows.map((row) => row.source))] },
    x: {
      type: "band",
      label: "final #1 − #0",
      ticks: [...new Set(rows.map((row) => row.difference))].filter((d) => d % 8 === 0),
      tickFormat: (d: number) => String(d).replace("-", "−"),
    },
    y: { label: "share of sequences (%)", grid: true, labelAnchor: "center", labelArrow: "none" },
    color: { ...LABEL_COLORS, legend: true, label: "label" },
    marks: [
      Plot.barY(rows, {
        fx: "source",
        x: "difference",
        y: (d) => 100 * d.share,
        fill: (d) => labelName(d.label),
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Tick values 1, 2 and 5 × 10^k inside the range of `values`, or only the powers of ten when those are many. */
export function logTicks(values: readonly number[]): number[] {
  const positive = values.filter((value) => value > 0);
  const [low, high] = [Math.min(...positive), Math.max(...positive)];
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = Number((mantissa * 10 ** power).toPrecision(1));
      if (tick >= low && tick <= high) ticks.push(tick);
    }
  }
  const powers = ticks.filter((tick) => Number.isInteger(Math.log10(tick)));
  return ticks.length > 5 && powers.length >= 2 ? powers : ticks;
}

/** Training loss (log scale), accuracy and validation score, and the learning rate, per epoch. */
export function trainingFigure(history: readonly EpochLog[]): Node {
  const epochs = history.map((h) => h.epoch);
  const exponent = (d: number) => d.toExponential(0).replace("e-", "e−");
  const panel = (marks: Plot.Markish[], y: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    plot({
      width: 185,
      height: 220,
      marginLeft: 46,
      marginRight: 8,
      style: FONT,
      x: {
        label: "epoch",
        ticks: Math.min(epochs.length, 6),
        tickFormat: "d",
        domain: [1, Math.max(...epochs)],
      },
      y: { grid: true, ...y },
      ...extra,
      marks,
    });
  const accuracy = history.flatMap((h) => [
    { epoch: h.epoch, series: "train", value: 100 * h.accuracy },
    ...(h.score !== undefined ? [{ epoch: h.epoch, series: "validation", value: 100 * h.score }] : []),
  ]);
  return grid([
    panel([
      Plot.line(history, { x: "epoch", y: "loss" }),
      Plot.dot(history, { x: "epoch", y: "loss", r: 2.5 }),
    ], {
      type: "log",
      label: "training loss",
      tickFormat: exponent,
      ticks: logTicks(history.map((h) => h.loss)),
    }),
    panel(
      [
        Plot.line(accuracy, { x: "epoch", y: "value", stroke: "series" }),
        Plot.dot(accuracy, { x: "epoch", y: "value", fill: "series", r: 2.5 }),
      ],
      { label: "accuracy (%)" },
      { color: { legend: true, domain: ["train", "validation"], range: ["#1f77b4", "#ff7f0e"] } },
    ),
    panel([Plot.line(history, { x: "epoch", y: "learningRate", curve: "step-after" })], {
      type: "log",
      label: "learning rate",
      tickFormat: exponent,
      ticks: logTicks(history.map((h) => h.learningRate)),
    }),
  ], 3);
}

/** The log-odds ln(p / (1 − p)) of a probability, clipped where float32 can no longer tell p from 0 or 1. */
export function logOdds(probability: number): number {
  const epsilon = 2 ** -24;
  const p = Math.min(1 - epsilon, Math.max(epsilon, probability));
  return Math.log(p / (1 - p));
}

/** Output log-odds against the final count difference over every sequence: min–max range and mean. */
export function decisionFigure(rows: readonly DifferenceRow[], width = FULL_WIDTH): Node {
  const data = rows.map((row) => ({
    difference: row.difference,
    name: labelName(row.label),
    low: logOdds(row.minProbability),
    high: logOdds(row.maxProbability),
    mean: logOdds(row.meanProbability),
  }));
  return plot({
    width,
    height: 320,
    marginLeft: 50,
    style: FONT,
    x: { label: "final #1 − #0", ticks: data.map((row) => row.difference).filter((d) => d % 4 === 0) },
    y: { label: "log-odds of “more 1s”, ln p/(1 − p)", grid: true },
    color: { ...LABEL_COLORS, legend: true, label: "label" },
    marks: [
      Plot.ruleY([0], { stroke: "#333", strokeDasharray: "4,3" }),
      Plot.ruleX(data, { x: "difference", y1: "low", y2: "high", stroke: "name", strokeWidth: 7 }),
      Plot.dot(data, { x: "difference", y: "mean", fill: "white", stroke: "name", r: 3 }),
      Plot.text(["decision threshold (p = 0.5)"], {
        x: data[0].difference,
        y: 0,
        dy: -8,
        textAnchor: "start",
        fontSize: 10,
      }),
    ],
  });
}

/** One unit's cell state against the running count difference, with the least-squares line. */
export function counterScatter(points: readonly CountPoint[], fit: UnitCorrelation, width = 460): Node {
  const xs = points.map((p) => p.difference);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return plot({
    width,
    height: 320,
    marginLeft: 50,
    style: FONT,
    x: { label: "running #1 − #0", grid: true },
    y: { label: `cell state of unit ${fit.unit}`, grid: true },
    color: { legend: true, label: "time step", scheme: "viridis" },
    marks: [
      Plot.dot(points, { x: "difference", y: "value", fill: "step", r: 2, fillOpacity: 0.6 }),
      Plot.line([lo, hi].map((d) => ({ d, v: fit.intercept + fit.slope * d })), {
        x: "d",
        y: "v",
        stroke: "#d62728",
        strokeWidth: 2,
      }),
      Plot.text([`r = ${fit.r.toFixed(3)}, slope = ${fit.slope.toFixed(3)} per count`], {
        frameAnchor: "top-left",
        dx: 6,
        dy: 6,
        fill: "#d62728",
      }),
    ],
  });
}

/** |r| of every unit with the running count, sorted, with the strong threshold. */
export function correlationBars(
  ranked: readonly UnitCorrelation[],
  threshold: number,
  width = FULL_WIDTH,
): Node {
  const data = ranked.map((unit, rank) => ({
    ...unit,
    rank: rank + 1,
    sign: unit.r >= 0 ? "positive" : "negative",
  }));
  return plot({
    width,
    height: 240,
    marginLeft: 50,
    marginBottom: 46,
    style: FONT,
    x: {
      type: "band",
      domain: data.map((d) => String(d.unit)),
      axis: null,
    },
    y: { label: "|r| with running count", domain: [0, 1], grid: true },
    color: {
      legend: true,
      domain: ["positive", "negative"],
      range: ["#cc6677", "#4477aa"],
      label: "sign of r",
    },
    marks: [
      Plot.axisX({
        tickRotate: -90,
        tickSize: 0,
        tickPadding: 3,
        fontSize: 8,
        label: null,
      }),
      Plot.axisX({
        ticks: [],
        label: "unit, sorted by |r|",
        labelAnchor: "center",
        labelArrow: "none",
        labelOffset: 34,
      }),
      Plot.barY(data, { x: (d) => String(d.unit), y: (d) => Math.abs(d.r), fill: "sign" }),
      Plot.ruleY([threshold], { stroke: "#333", strokeDasharray: "4,3" }),
    ],
  });
}

/** One unit's gates and cell state over one sequence, under that sequence's input strip. */
export function unitTimeline(
  bits: readonly number[],
  series: readonly { step: number; quantity: string; value: number }[],
  unit: number,
  width = FULL_WIDTH,
): Node {
  const quantities = [...new Set(series.map((s) => s.quantity))];
  const chart = plot({
    width,
    height: 260,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    style: FONT,
    x: {
      type: "point",
      domain: bits.map((_, i) => i + 1),
      label: "time step",
      labelAnchor: "center",
      padding: 0.5,
    },
    y: { label: `unit ${unit}`, grid: true },
    color: { legend: true, domain: quantities, scheme: "Dark2", label: "quantity" },
    marks: [
      Plot.ruleY([0]),
      Plot.line(series, { x: "step", y: "value", stroke: "quantity", strokeWidth: 2 }),
      Plot.dot(series, { x: "step", y: "value", fill: "quantity", r: 2.5 }),
    ],
  });
  return column([inputStrip(bits, { width }), chart]);
}

/** Per-unit accuracy drop (top units) and cumulative ablation of the top-k, against random ablation. */
export function ablationFigure(study: AblationStudy, highlight: readonly number[], shown = 12): Node {
  const top = study.perUnit.slice(0, shown).map((entry) => ({
    unit: String(entry.units[0]),
    drop: 100 * entry.drop,
    kind: highlight.includes(entry.units[0]) ? "counter unit" : "other unit",
  }));
  const bars = plot({
    width: HALF_WIDTH,
    height: 260,
    marginLeft: 50,
    style: FONT,
    x: { type: "band", domain: top.map((d) => d.unit), label: "unit (by accuracy drop)", tickSize: 0 },
    y: { label: "accuracy drop (points)", grid: true },
    color: { legend: true, domain: ["counter unit", "other unit"], range: ["#d62728", "#7f7f7f"] },
    marks: [Plot.barY(top, { x: "unit", y: "drop", fill: "kind" }), Plot.ruleY([0])],
  });
  const cumulative = study.cumulative.map((entry) => ({ k: entry.k, accuracy: 100 * entry.accuracy }));
  const random = study.random;
  const curve = plot({
    width: HALF_WIDTH,
    height: 260,
    marginLeft: 50,
    style: FONT,
    x: {
      label: "k (top units by drop, ablated together)",
      domain: [-0.8, cumulative.length + 0.3],
      ticks: cumulative.map((entry) => entry.k).filter((k) => k === 1 || k % 3 === 0),
      tickFormat: "d",
    },
    y: { label: "accuracy (%)", domain: [0, 100], grid: true },
    marks: [
      Plot.ruleY([100 * study.baseline], { stroke: "#2ca02c", strokeDasharray: "4,3" }),
      Plot.ruleY([50], { stroke: "#999", strokeDasharray: "2,3" }),
      Plot.line(cumulative, { x: "k", y: "accuracy", stroke: "#d62728" }),
      Plot.dot(cumulative, { x: "k", y: "accuracy", fill: "#d62728" }),
      Plot.ruleX([1], {
        y1: 100 * Math.max(0, random.meanAccuracy - random.sdAccuracy),
        y2: 100 * Math.min(1, random.meanAccuracy + random.sdAccuracy),
        stroke: "#7f7f7f",
        strokeWidth: 6,
        dx: -7,
      }),
      Plot.text(["random"], {
        x: 1,
        y: 100 * Math.max(0, random.meanAccuracy - random.sdAccuracy),
        dx: -7,
        dy: 9,
        fontSize: 10,
        fill: "#555",
      }),
      ...[["intact", 100 * study.baseline, -7], ["chance", 50, 16]].map(([text, y, dy]) =>
        Plot.text([text], {
          x: cumulative.length,
          y,
          dy: Number(dy),
          textAnchor: "end",
          fontSize: 10,
          fill: "#555",
        })
      ),
    ],
  });
  return grid([bars, curve], 2);
}

/** Fraction of steps each gate is nearly shut (x) or nearly open (y), one dot per unit, one panel per gate. */
export function saturationFigure(saturation: SaturationSummary, highlight: readonly number[]): Node {
  const gates = [
    ["forgetGate", "forget gate"],
    ["inputGate", "input gate"],
    ["outputGate", "output gate"],
  ] as const;
  const data = gates.flatMap(([key, name]) =>
    saturation.perUnit.map((unit) => ({
      gate: name,
      unit: unit.unit,
      shut: unit[key].shut,
      open: unit[key].open,
      kind: highlight.includes(unit.unit) ? "counter unit" : "other unit",
    }))
  ).sort((a, b) => Number(a.kind === "counter unit") - Number(b.kind === "counter unit"));
  return plot({
    width: FULL_WIDTH,
    height: 250,
    marginLeft: 56,
    marginTop: 24,
    style: FONT,
    fx: { label: null, domain: gates.map(([, name]) => name) },
    x: { label: `fraction of steps < ${saturation.low}`, domain: [0, 1], grid: true, ticks: [0, 0.5] },
    y: {
      label: `fraction of steps > ${saturation.high}`,
      domain: [0, 1],
      grid: true,
      labelAnchor: "center",
      labelArrow: "none",
    },
    color: { legend: true, domain: ["counter unit", "other unit"], range: ["#d62728", "#1f77b4"] },
    marks: [
      Plot.frame({ stroke: "#ccc" }),
      Plot.line([{ x: 0, y: 1 }, { x: 1, y: 0 }], { x: "x", y: "y", stroke: "#ccc" }),
      Plot.dot(data, { fx: "gate", x: "shut", y: "open", stroke: "kind", r: 3 }),
    ],
  });
}

/** Each unit's mean input gate on 0-steps (x) against 1-steps (y). */
export function inputGateByBit(
  saturation: SaturationSummary,
  highlight: readonly number[],
  width = HALF_WIDTH,
): Node {
  const data = saturation.perUnit.map((unit) => ({
    x: unit.inputGateWhenZero,
    y: unit.inputGateWhenOne,
    unit: unit.unit,
    kind: highlight.includes(unit.unit) ? "counter unit" : "other unit",
  })).sort((a, b) => Number(a.kind === "counter unit") - Number(b.kind === "counter unit"));
  return plot({
    width,
    height: 300,
    marginLeft: 50,
    style: FONT,
    x: { label: "mean input gate when the input is 0", domain: [0, 1], grid: true },
    y: { label: "mean input gate when the input is 1", domain: [0, 1], grid: true },
    color: { legend: true, domain: ["counter unit", "other unit"], range: ["#d62728", "#1f77b4"] },
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: "x", y: "y", stroke: "#bbb" }),
      Plot.dot(data, { x: "x", y: "y", stroke: "kind", fill: "kind", fillOpacity: 0.3, r: 3 }),
    ],
  });
}

/** Hidden states on their first two principal components, coloured by the running count difference. */
export function projectionFigure(
  points: readonly ProjectedPoint[],
  explained: readonly number[],
  width = 460,
): Node {
  const extent = Math.max(...points.map((p) => Math.abs(p.difference)));
  return plot({
    width,
    height: 360,
    marginLeft: 50,
    style: FONT,
    x: { label: `PC 1 (${(100 * explained[0]).toFixed(1)}% of variance)`, grid: true },
    y: { label: `PC 2 (${(100 * explained[1]).toFixed(1)}% of variance)`, grid: true },
    color: {
      type: "diverging",
      scheme: "BuRd",
      domain: [-extent, extent],
      legend: true,
      label: "running #1 − #0",
    },
    marks: [Plot.dot(points, { x: "pc1", y: "pc2", fill: "difference", r: 2.2, fillOpacity: 0.8 })],
  });
}

/** Accuracy against sequence length with a 95% Wilson band, split into all sequences and non-ties. */
export function lengthFigure(
  points: readonly LengthPoint[],
  trainedLength: number,
  width = FULL_WIDTH,
): Node {
  const lines = points.flatMap((p) => [
    { length: p.length, series: "all sequences", accuracy: 100 * p.accuracy },
    { length: p.length, series: "without ties", accuracy: 100 * p.untiedAccuracy },
  ]);
  return plot({
    width,
    height: 300,
    marginLeft: 50,
    style: FONT,
    x: {
      type: "log",
      label: "sequence length (log scale)",
      grid: true,
      ticks: [5, 10, 20, 50, 100, 200],
      tickFormat: "d",
    },
    y: { label: "accuracy (%)", domain: [40, 100], grid: true },
    color: { legend: true, domain: ["all sequences", "without ties"], range: ["#1f77b4", "#ff7f0e"] },
    marks: [
      Plot.areaY(points, {
        x: "length",
        y1: (p: LengthPoint) => 100 * p.wilson.low,
        y2: (p: LengthPoint) => 100 * p.wilson.high,
        fill: "#1f77b4",
        fillOpacity: 0.15,
      }),
      Plot.ruleX([trainedLength], { stroke: "#333", strokeDasharray: "4,3" }),
      Plot.ruleY([50], { stroke: "#999", strokeDasharray: "2,3" }),
      Plot.line(lines, { x: "length", y: "accuracy", stroke: "series" }),
      Plot.dot(lines, { x: "length", y: "accuracy", fill: "series", r: 3 }),
      Plot.text([`trained on ${trainedLength}`], {
        x: trainedLength,
        y: 42,
        dx: 4,
        textAnchor: "start",
        fontSize: 10,
      }),
    ],
  });
}

/** The counter unit's cell state per running difference over long sequences: min–max band, mean, and the
 * straight line fitted near zero. */
export function responseFigure(
  response: readonly ResponsePoint[],
  linear: { low: number; high: number; slope: number; intercept: number },
  unit: number,
  width = FULL_WIDTH,
): Node {
  const xs = response.map((p) => p.difference);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const values = response.flatMap((p) => [p.min, p.max]);
  const [ylo, yhi] = [Math.min(...values), Math.max(...values)];
  const key = swatches([
    ["mean", "#1f77b4"],
    ["min–max range", "#d2e4f0"],
    ["straight line fitted near zero", "#d62728"],
    ["where the line holds", "#d5ecd5"],
  ]);
  const chart = plot({
    width,
    height: 300,
    marginLeft: 50,
    style: FONT,
    x: { label: "running #1 − #0", grid: true },
    y: { label: `cell state of unit ${unit}`, grid: true, domain: [ylo - 0.1, yhi + 0.1] },
    marks: [
      Plot.rectX([linear], { x1: "low", x2: "high", fill: "#2ca02c", fillOpacity: 0.2 }),
      Plot.areaY(response, { x: "difference", y1: "min", y2: "max", fill: "#1f77b4", fillOpacity: 0.2 }),
      Plot.line(response, { x: "difference", y: "mean", stroke: "#1f77b4", strokeWidth: 2 }),
      Plot.line([lo, hi].map((d) => ({ d, v: linear.intercept + linear.slope * d })), {
        x: "d",
        y: "v",
        stroke: "#d62728",
        strokeDasharray: "5,4",
        clip: true,
      }),
      Plot.ruleY([0]),
    ],
  });
  return column([key, chart]);
}

/** Cell-state trajectories of a few units over each sequence (one panel per sequence), with the counter
 * unit's linear reading of the running count as a dashed line. */
export function trajectoryFigure(
  series: readonly { sequence: string; step: number; unit: string; value: number }[],
  prediction: readonly { sequence: string; step: number; value: number }[],
  width = FULL_WIDTH,
): Node {
  const units = [...new Set(series.map((s) => s.unit))];
  return plot({
    width,
    height: 260,
    marginLeft: 50,
    marginTop: 24,
    style: FONT,
    fx: { label: null, domain: [...new Set(series.map((s) => s.sequence))] },
    x: { label: "time step", ticks: 5, tickFormat: "d" },
    y: { label: "cell state", grid: true },
    color: { legend: true, domain: units, scheme: "Dark2", label: "unit" },
    marks: [
      Plot.ruleY([0]),
      Plot.line(prediction, {
        fx: "sequence",
        x: "step",
        y: "value",
        stroke: "#777",
        strokeDasharray: "4,3",
      }),
      Plot.line(series, { fx: "sequence", x: "step", y: "value", stroke: "unit", strokeWidth: 2 }),
      Plot.dot(series, { fx: "sequence", x: "step", y: "value", fill: "unit", r: 2 }),
    ],
  });
}

/** The input bits as stems and the running count difference as a line. */
export function inputCountFigure(bits: readonly number[], width = HALF_WIDTH, height = 200): Node {
  let running = 0;
  const rows = bits.map((bit, index) => ({ step: index + 1, bit, count: running += bit ? 1 : -1 }));
  return plot({
    width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop: 22,
    style: FONT,
    x: { label: "time step", ticks: 5, tickFormat: "d", domain: [0.5, bits.length + 0.5] },
    y: { label: null, grid: true },
    marks: [
      Plot.ruleY([0]),
      Plot.ruleX(rows, { x: "step", y1: 0, y2: "bit", stroke: "#222" }),
      Plot.dot(rows, { x: "step", y: "bit", fill: "#222", r: 2.5 }),
      Plot.line(rows, { x: "step", y: "count", stroke: "#d62728", strokeWidth: 2, curve: "step-after" }),
      Plot.text(["input bits (stems), running #1 − #0 (line)"], {
        frameAnchor: "top-left",
        dx: 4 - MARGIN_LEFT,
        dy: -16,
        fontWeight: "bold",
      }),
    ],
  });
}
