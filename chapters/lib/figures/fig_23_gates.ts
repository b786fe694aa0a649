/** Figures of chapter 23 on what the units' gates and ablations show: accuracy lost per ablated unit, gate
 * saturation, and the input gate by input bit; the counter unit highlighted in each. */
import * as Plot from "@observablehq/plot";
import type { AblationStudy } from "../../../models/analysis/lstm/ablation.ts";
import type { SaturationSummary } from "../../../models/analysis/lstm/saturation.ts";
import type { Node } from "./document.ts";
import { FULL_WIDTH, grid, HALF_WIDTH, plot } from "./layout.ts";
import { CHANCE_DASH, GUIDE, HIGHLIGHT, OTHER, REFERENCE, REFERENCE_DASH, SERIES } from "./palette.ts";

const kindOf = (highlight: readonly number[], unit: number) =>
  highlight.includes(unit) ? "counter unit" : "other unit";
/** Counter unit drawn last, over the others. */
const counterLast = (a: { kind: string }, b: { kind: string }) =>
  Number(a.kind === "counter unit") - Number(b.kind === "counter unit");
const highlightScale = { legend: true, domain: [...HIGHLIGHT.domain], range: [...HIGHLIGHT.range] };

/** Per-unit accuracy drop (top units) and cumulative ablation of the top-k, against random ablation. */
export function ablationFigure(study: AblationStudy, highlight: readonly number[], shown = 12): Node {
  const top = study.perUnit.slice(0, shown).map((entry) => ({
    unit: String(entry.units[0]),
    drop: 100 * entry.drop,
    kind: kindOf(highlight, entry.units[0]),
  }));
  const bars = plot({
    width: HALF_WIDTH,
    height: 260,
    marginLeft: 50,
    x: { type: "band", domain: top.map((d) => d.unit), label: "unit (by accuracy drop)", tickSize: 0 },
    y: { label: "accuracy drop (points)", grid: true },
    color: highlightScale,
    marks: [Plot.barY(top, { x: "unit", y: "drop", fill: "kind" }), Plot.ruleY([0])],
  });
  const cumulative = study.cumulative.map((entry) => ({ k: entry.k, accuracy: 100 * entry.accuracy }));
  const { meanAccuracy, sdAccuracy } = study.random;
  const randomLow = 100 * Math.max(0, meanAccuracy - sdAccuracy);
  const note = (text: string, at: Record<string, unknown>) =>
    Plot.text([text], { fontSize: 10, fill: REFERENCE, ...at });
  const curve = plot({
    width: HALF_WIDTH,
    height: 260,
    marginLeft: 50,
    x: {
      label: "k (top units by drop, ablated together)",
      domain: [-0.8, cumulative.length + 0.3],
      ticks: cumulative.map((entry) => entry.k).filter((k) => k === 1 || k % 3 === 0),
      tickFormat: "d",
    },
    y: { label: "accuracy (%)", domain: [0, 100], grid: true },
    marks: [
      Plot.ruleY([100 * study.baseline], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
      Plot.ruleY([50], { stroke: REFERENCE, strokeDasharray: CHANCE_DASH }),
      Plot.line(cumulative, { x: "k", y: "accuracy", stroke: SERIES[0] }),
      Plot.dot(cumulative, { x: "k", y: "accuracy", fill: SERIES[0] }),
      Plot.ruleX([1], {
        y1: randomLow,
        y2: 100 * Math.min(1, meanAccuracy + sdAccuracy),
        stroke: OTHER,
        strokeWidth: 6,
        dx: -7,
      }),
      note("random", { x: 1, y: randomLow, dx: -7, dy: 9 }),
      note("intact", { x: cumulative.length, y: 100 * study.baseline, dy: -7, textAnchor: "end" }),
      note("chance", { x: cumulative.length, y: 50, dy: 16, textAnchor: "end" }),
    ],
  });
  return grid([bars, curve], 2);
}

/** Fraction of steps each gate is nearly shut (x) or nearly open (y), one dot per unit, one panel per gate. */
export function saturationFigure(saturation: SaturationSummary, highlight: readonly number[]): Node {
  const gates = [["forgetGate", "forget gate"], ["inputGate", "input gate"], [
    "outputGate",
    "output gate",
  ]] as const;
  const data = gates.flatMap(([key, name]) =>
    saturation.perUnit.map((unit) => ({
      gate: name,
      shut: unit[key].shut,
      open: unit[key].open,
      kind: kindOf(highlight, unit.unit),
    }))
  ).sort(counterLast);
  return plot({
    width: FULL_WIDTH,
    height: 250,
    marginLeft: 56,
    marginTop: 24,
    fx: { label: null, domain: gates.map(([, name]) => name) },
    x: { label: `fraction of steps < ${saturation.low}`, domain: [0, 1], grid: true, ticks: [0, 0.5] },
    y: {
      label: `fraction of steps > ${saturation.high}`,
      domain: [0, 1],
      grid: true,
      labelAnchor: "center",
      labelArrow: "none",
    },
    color: highlightScale,
    marks: [
      Plot.frame({ stroke: GUIDE }),
      Plot.line([{ x: 0, y: 1 }, { x: 1, y: 0 }], { x: "x", y: "y", stroke: GUIDE }),
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
    kind: kindOf(highlight, unit.unit),
  })).sort(counterLast);
  return plot({
    width,
    height: 300,
    marginLeft: 50,
    x: { label: "mean input gate when the input is 0", domain: [0, 1], grid: true },
    y: { label: "mean input gate when the input is 1", domain: [0, 1], grid: true },
    color: highlightScale,
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: 1, y: 1 }], { x: "x", y: "y", stroke: GUIDE }),
      Plot.dot(data, { x: "x", y: "y", stroke: "kind", fill: "kind", fillOpacity: 0.3, r: 3 }),
    ],
  });
}
