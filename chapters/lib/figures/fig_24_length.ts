/** Figures of chapter 24 (length): accuracy against sequence length, and the counter unit's response over
 * long sequences. */
import * as Plot from "@observablehq/plot";
import type { LengthPoint, ResponsePoint } from "../../../models/analysis/lstm/length.ts";
import type { Node } from "./document.ts";
import { column, FULL_WIDTH, plot } from "./layout.ts";
import { categoryLegend } from "./legends.ts";
import { CHANCE_DASH, OTHER, pairScale, REFERENCE, REFERENCE_DASH, SERIES } from "./palette.ts";
import { tint } from "./scales.ts";

const BAND_OPACITY = 0.3;
const HOLDS_OPACITY = 0.3;

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
    x: {
      type: "log",
      label: "sequence length (log scale)",
      grid: true,
      ticks: [5, 10, 20, 50, 100, 200],
      tickFormat: "d",
    },
    y: { label: "accuracy (%)", domain: [40, 100], grid: true },
    color: { legend: true, ...pairScale(["all sequences", "without ties"]) },
    marks: [
      Plot.areaY(points, {
        x: "length",
        y1: (p: LengthPoint) => 100 * p.wilson.low,
        y2: (p: LengthPoint) => 100 * p.wilson.high,
        fill: SERIES[0],
        fillOpacity: 0.15,
      }),
      Plot.ruleX([trainedLength], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
      Plot.ruleY([50], { stroke: REFERENCE, strokeDasharray: CHANCE_DASH }),
      Plot.line(lines, { x: "length", y: "accuracy", stroke: "series" }),
      Plot.dot(lines, { x: "length", y: "accuracy", fill: "series", r: 3 }),
      Plot.text([`trained on ${trainedLength}`], {
        x: trainedLength,
        y: 42,
        dx: 4,
        textAnchor: "start",
        fontSize: 10,
        fill: REFERENCE,
      }),
    ],
  });
}

/** The counter unit's cell state per running difference over long sequences: min–max band, mean, the
 * straight line fitted near zero, and the shaded range of counts a training sequence can reach (±length). */
export function responseFigure(
  response: readonly ResponsePoint[],
  linear: { slope: number; intercept: number },
  unit: number,
  trainingLength: number,
  width = FULL_WIDTH,
): Node {
  const xs = response.map((p) => p.difference);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const values = response.flatMap((p) => [p.min, p.max]);
  const [ylo, yhi] = [Math.min(...values), Math.max(...values)];
  const key = categoryLegend([
    { label: "mean", color: SERIES[0] },
    { label: "min–max range", color: tint(SERIES[0], BAND_OPACITY) },
    { label: "straight line fitted near zero", color: REFERENCE },
    { label: `counts reachable in ${trainingLength} steps`, color: tint(OTHER, HOLDS_OPACITY) },
  ]);
  const chart = plot({
    width,
    height: 300,
    marginLeft: 50,
    x: { label: "running #1 − #0", grid: true },
    y: { label: `cell state of the counter unit (unit ${unit})`, grid: true, domain: [ylo - 0.1, yhi + 0.1] },
    marks: [
      Plot.rectX([{ low: -trainingLength, high: trainingLength }], {
        x1: "low",
        x2: "high",
        fill: OTHER,
        fillOpacity: HOLDS_OPACITY,
      }),
      Plot.areaY(response, {
        x: "difference",
        y1: "min",
        y2: "max",
        fill: SERIES[0],
        fillOpacity: BAND_OPACITY,
      }),
      Plot.line(response, { x: "difference", y: "mean", stroke: SERIES[0], strokeWidth: 2 }),
      Plot.line([lo, hi].map((d) => ({ d, v: linear.intercept + linear.slope * d })), {
        x: "d",
        y: "v",
        stroke: REFERENCE,
        strokeDasharray: REFERENCE_DASH,
        clip: true,
      }),
      Plot.ruleY([0]),
    ],
  });
  return column([key, chart]);
}
