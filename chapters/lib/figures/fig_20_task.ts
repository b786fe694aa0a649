/** Figures of chapter 20 (the task): example sequences and the share of sequences per count difference. */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { FULL_WIDTH, plot } from "./layout.ts";
import { BIT_ONE, BIT_ZERO, GUIDE, LABEL_COLORS, labelName } from "./palette.ts";

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
    x: { type: "band", label: "time step", labelAnchor: "center" },
    y: { domain: names, label: "sequence, #1 − #0", labelAnchor: "top" },
    color: { ...LABEL_COLORS, legend: true, label: "label" },
    marks: [
      Plot.cell(cells, {
        x: "step",
        y: "name",
        fill: (d) => (d.bit ? BIT_ONE : BIT_ZERO),
        stroke: GUIDE,
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
