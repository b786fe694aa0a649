/** Figures of chapter 21 (inside the LSTM) beside its unit × time heatmaps (`sequence.ts`): the input with
 * the running count, and cell-state trajectories of the top units. */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { FULL_WIDTH, HALF_WIDTH, plot } from "./layout.ts";
import { BIT_ONE, COUNTER, MANY_SERIES, REFERENCE, REFERENCE_DASH } from "./palette.ts";
import { MARGIN_LEFT, MARGIN_RIGHT } from "./sequence.ts";

/** Cell-state trajectories of a few units over each sequence (one panel per sequence), with the counter
 * unit's linear reading of the running count as a dashed line; the counter unit (`counter`, the name used in
 * `series`) in its own colour. */
export function trajectoryFigure(
  series: readonly { sequence: string; step: number; unit: string; value: number }[],
  prediction: readonly { sequence: string; step: number; value: number }[],
  counter: string,
  width = FULL_WIDTH,
): Node {
  const units = [...new Set(series.map((s) => s.unit))];
  const others = [...MANY_SERIES];
  const range = units.map((unit) => (unit === counter ? COUNTER : others.shift()!));
  return plot({
    width,
    height: 260,
    marginLeft: 50,
    marginTop: 24,
    fx: { label: null, domain: [...new Set(series.map((s) => s.sequence))] },
    x: { label: "time step", ticks: 5, tickFormat: "d" },
    y: { label: "cell state", grid: true },
    color: { legend: true, domain: units, range, label: "unit" },
    marks: [
      Plot.ruleY([0]),
      Plot.line(prediction, {
        fx: "sequence",
        x: "step",
        y: "value",
        stroke: REFERENCE,
        strokeDasharray: REFERENCE_DASH,
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
    x: { label: "time step", ticks: 5, tickFormat: "d", domain: [0.5, bits.length + 0.5] },
    y: { label: null, grid: true },
    marks: [
      Plot.ruleY([0]),
      Plot.ruleX(rows, { x: "step", y1: 0, y2: "bit", stroke: BIT_ONE }),
      Plot.dot(rows, { x: "step", y: "bit", fill: BIT_ONE, r: 2.5 }),
      Plot.line(rows, { x: "step", y: "count", stroke: MANY_SERIES[0], strokeWidth: 2, curve: "step-after" }),
      Plot.text(["input bits (stems), running #1 − #0 (line)"], {
        frameAnchor: "top-left",
        dx: 4 - MARGIN_LEFT,
        dy: -16,
        fontWeight: "bold",
      }),
    ],
  });
}
