/** The two thumbnails of the results at a glance: one headline figure per part, drawn small. */
import * as Plot from "@observablehq/plot";
import type { Interval } from "../../../models/analysis/bootstrap.ts";
import { denseDots } from "./dense_dots.ts";
import { COUNTER, GUIDE, NETWORKS } from "./palette.ts";

const THUMBNAIL = { width: 320, height: 190, style: { fontSize: "10px", background: "white" } };

/** Linear-probe accuracy per stage with its 95% interval, trained against untrained. */
export function probeThumbnail(
  probes: { trained: Record<string, Interval>; untrained: Record<string, Interval> },
) {
  const data = (["trained", "untrained"] as const).flatMap((network) =>
    Object.entries(probes[network]).map(([stage, { estimate, low, high }]) => ({
      stage,
      network,
      estimate,
      low,
      high,
    }))
  );
  const stages = [...new Set(data.map((row) => row.stage))];
  return Plot.plot({
    ...THUMBNAIL,
    marginLeft: 40,
    x: { domain: stages, label: null, padding: 0.3 },
    y: { label: "probe accuracy", grid: true, tickFormat: (v: number) => `${Math.round(v * 100)}%` },
    color: { ...NETWORKS, legend: false },
    marks: [
      Plot.ruleX(data, { x: "stage", y1: "low", y2: "high", stroke: "network", strokeWidth: 2 }),
      Plot.line(data, { x: "stage", y: "estimate", stroke: "network" }),
      Plot.dot(data, { x: "stage", y: "estimate", fill: "network", r: 2.5 }),
      Plot.text(data.filter((row) => row.stage === stages.at(-1)), {
        x: "stage",
        y: "estimate",
        text: "network",
        fill: "network",
        dx: 6,
        textAnchor: "start",
      }),
    ],
    marginRight: 56,
  });
}

/** The counter unit's cell state against the running count (1s minus 0s so far). */
export function counterThumbnail(points: readonly { difference: number; value: number }[], unit: number) {
  return Plot.plot({
    ...THUMBNAIL,
    marginLeft: 40,
    x: { label: "running count (1s − 0s)" },
    y: { label: `cell state of the counter unit (unit ${unit})`, grid: true },
    marks: [
      Plot.ruleX([0], { stroke: GUIDE }),
      denseDots(points, { x: "difference", y: "value", r: 1, fill: COUNTER, fillOpacity: 0.3 }),
    ],
  });
}
