/** Figure of chapter 17 (probes): linear-probe accuracy against depth for both networks. */
import * as Plot from "@observablehq/plot";
import type { Interval } from "../../../models/analysis/bootstrap.ts";
import type { StageProbe } from "../../../models/analysis/cnn/linear_probe.ts";
import type { Node } from "./document.ts";
import { networkLegend } from "./fig_11_filters.ts";
import { column, plot } from "./layout.ts";
import { NETWORKS, REFERENCE, REFERENCE_DASH } from "./palette.ts";

/** Probe accuracy against depth for both networks with 95% intervals (`intervals`, by network and stage),
 * and the raw-pixel probe as a reference line. */
export function probeFigure(
  trained: readonly StageProbe[],
  control: readonly StageProbe[],
  pixels: { trained: number },
  intervals: { trained: Record<string, Interval>; untrained: Record<string, Interval> },
): Node {
  const rows = [
    ...trained.map((p) => ({ ...p, network: "trained", ...intervals.trained[p.stage] })),
    ...control.map((p) => ({ ...p, network: "untrained", ...intervals.untrained[p.stage] })),
  ];
  return column([
    networkLegend(),
    plot({
      width: 560,
      height: 300,
      marginLeft: 50,
      marginBottom: 46,
      x: {
        label: "stage (each pooled to 7 × 7)",
        domain: trained.map((p) => p.stage),
        padding: 0.3,
        labelOffset: 38,
      },
      y: {
        label: "linear probe test accuracy",
        grid: true,
        tickFormat: (v: number) => `${Math.round(v * 100)}%`,
      },
      color: NETWORKS,
      marks: [
        Plot.ruleY([pixels.trained], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
        Plot.text([pixels.trained], {
          y: (d) => d,
          frameAnchor: "right",
          text: () => "probe on all 784 raw pixels",
          dy: -6,
          textAnchor: "end",
          fill: REFERENCE,
        }),
        Plot.ruleX(rows, { x: "stage", y1: "low", y2: "high", stroke: "network", strokeWidth: 1.5 }),
        Plot.line(rows, { x: "stage", y: "testAccuracy", stroke: "network", strokeWidth: 2 }),
        Plot.dot(rows, { x: "stage", y: "testAccuracy", fill: "network", r: 4 }),
      ],
    }),
  ]);
}
