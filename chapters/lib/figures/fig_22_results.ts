/** Figure of chapter 22 (results): the output's log-odds against the final count difference. */
import * as Plot from "@observablehq/plot";
import type { DifferenceRow } from "../../../models/analysis/lstm/accuracy.ts";
import type { Node } from "./document.ts";
import { FULL_WIDTH, plot } from "./layout.ts";
import { LABEL_COLORS, labelName, REFERENCE, REFERENCE_DASH } from "./palette.ts";

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
    x: { label: "final #1 − #0", ticks: data.map((row) => row.difference).filter((d) => d % 4 === 0) },
    y: { label: "log-odds of “more 1s”, ln p/(1 − p)", grid: true },
    color: { ...LABEL_COLORS, legend: true, label: "label" },
    marks: [
      Plot.ruleY([0], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
      Plot.ruleX(data, { x: "difference", y1: "low", y2: "high", stroke: "name", strokeWidth: 7 }),
      Plot.dot(data, { x: "difference", y: "mean", fill: "white", stroke: "name", r: 3 }),
      Plot.text(["decision threshold (p = 0.5)"], {
        x: data[0].difference,
        y: 0,
        dy: -8,
        textAnchor: "start",
        fontSize: 10,
        fill: REFERENCE,
      }),
    ],
  });
}
