/** Figures of chapter 23 (the counter unit): |r| of every unit, the counter unit's cell state against the
 * count, its gates along one sequence, and the hidden states' principal components. */
import * as Plot from "@observablehq/plot";
import type { CountPoint, UnitCorrelation } from "../../../models/analysis/lstm/counter.ts";
import type { ProjectedPoint } from "../../../models/analysis/lstm/geometry.ts";
import type { Node } from "./document.ts";
import { denseDots } from "./dense_dots.ts";
import { column, FULL_WIDTH, plot } from "./layout.ts";
import { MAGNITUDE_SCHEME, MANY_SERIES, NEGATIVE, POSITIVE, REFERENCE, REFERENCE_DASH } from "./palette.ts";
import { colorScaleOptions, signedColor } from "./scales.ts";
import { inputStrip, MARGIN_LEFT, MARGIN_RIGHT } from "./sequence.ts";

/** |r| of every unit with the running count, sorted, with the strong threshold. */
export function correlationBars(
  ranked: readonly UnitCorrelation[],
  threshold: number,
  width = FULL_WIDTH,
): Node {
  const data = ranked.map((unit) => ({ ...unit, sign: unit.r >= 0 ? "positive" : "negative" }));
  return plot({
    width,
    height: 240,
    marginLeft: 50,
    marginBottom: 46,
    x: { type: "band", domain: data.map((d) => String(d.unit)), axis: null },
    y: { label: "|r| with running count", domain: [0, 1], grid: true },
    color: {
      legend: true,
      domain: ["positive", "negative"],
      range: [POSITIVE, NEGATIVE],
      label: "sign of r",
    },
    marks: [
      Plot.axisX({ tickRotate: -90, tickSize: 0, tickPadding: 3, fontSize: 8, label: null }),
      Plot.axisX({
        ticks: [],
        label: "unit, sorted by |r|",
        labelAnchor: "center",
        labelArrow: "none",
        labelOffset: 34,
      }),
      Plot.barY(data, { x: (d) => String(d.unit), y: (d) => Math.abs(d.r), fill: "sign" }),
      Plot.ruleY([threshold], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
    ],
  });
}

/** The counter unit's cell state against the running count difference, with the least-squares line. */
export function counterScatter(points: readonly CountPoint[], fit: UnitCorrelation, width = 460): Node {
  const xs = points.map((p) => p.difference);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  return plot({
    width,
    height: 320,
    marginLeft: 50,
    x: { label: "running #1 − #0", grid: true },
    y: { label: `cell state of the counter unit (unit ${fit.unit})`, grid: true },
    color: { legend: true, label: "time step", scheme: MAGNITUDE_SCHEME },
    marks: [
      denseDots(points, { x: "difference", y: "value", fill: "step", r: 2, fillOpacity: 0.6 }),
      Plot.line([lo, hi].map((d) => ({ d, v: fit.intercept + fit.slope * d })), {
        x: "d",
        y: "v",
        stroke: REFERENCE,
        strokeWidth: 2,
        strokeDasharray: REFERENCE_DASH,
      }),
      Plot.text([`r = ${fit.r.toFixed(3)}, slope = ${fit.slope.toFixed(3)} per count`], {
        frameAnchor: "top-left",
        dx: 6,
        dy: 6,
        fill: REFERENCE,
      }),
    ],
  });
}

/** The counter unit's gates and cell state over one sequence, under that sequence's input strip. */
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
    x: {
      type: "point",
      domain: bits.map((_, i) => i + 1),
      label: "time step",
      labelAnchor: "center",
      padding: 0.5,
    },
    y: { label: `counter unit (unit ${unit})`, grid: true },
    color: { legend: true, domain: quantities, range: MANY_SERIES, label: "quantity" },
    marks: [
      Plot.ruleY([0]),
      Plot.line(series, { x: "step", y: "value", stroke: "quantity", strokeWidth: 2 }),
      Plot.dot(series, { x: "step", y: "value", fill: "quantity", r: 2.5 }),
    ],
  });
  return column([inputStrip(bits, { width }), chart]);
}

/** Hidden states on their first two principal components, coloured by the running count difference. */
export function projectionFigure(
  points: readonly ProjectedPoint[],
  explained: readonly number[],
  width = 460,
): Node {
  const color = signedColor("running #1 − #0", points.map((p) => p.difference));
  return plot({
    width,
    height: 360,
    marginLeft: 50,
    x: { label: `PC 1 (${(100 * explained[0]).toFixed(1)}% of variance)`, grid: true },
    y: { label: `PC 2 (${(100 * explained[1]).toFixed(1)}% of variance)`, grid: true },
    color: { ...colorScaleOptions(color), legend: true },
    marks: [denseDots(points, { x: "pc1", y: "pc2", fill: "difference", r: 2.2, fillOpacity: 0.8 })],
  });
}
