/** Legends: a colour ramp per scale, a row of ramps, and a key of named colours. */
import * as Plot from "@observablehq/plot";
import { type Node, plotDocument } from "./document.ts";
import { FONT, row } from "./layout.ts";
import { colorScaleOptions, type ColorSpec } from "./scales.ts";

/** Longest colour ramp, in CSS pixels. */
const RAMP = 260;
const RAMP_MARGIN = 12;

/** A colour ramp with ticks, at most `RAMP` px long; `marginLeft` lines it up with a chart's frame. */
export function colorLegend(spec: ColorSpec, options: { width?: number; marginLeft?: number } = {}): Node {
  const marginLeft = options.marginLeft ?? RAMP_MARGIN;
  const width = Math.min(options.width ?? RAMP + marginLeft + RAMP_MARGIN, RAMP + marginLeft + RAMP_MARGIN);
  return Plot.legend({
    document: plotDocument(),
    color: colorScaleOptions(spec),
    width,
    marginLeft,
    marginRight: RAMP_MARGIN,
    style: FONT,
  } as unknown as Plot.LegendOptions);
}

/** One ramp per scale, side by side, each scale once. */
export function legendRow(specs: readonly ColorSpec[], options: { marginLeft?: number } = {}): Node {
  return row([...new Set(specs)].map((spec) => colorLegend(spec, options)));
}

/** A key of named colours: a swatch (square, or a short line for line marks) and a label per entry. */
export function categoryLegend(
  entries: readonly { label: string; color: string }[],
  options: { symbol?: "square" | "line" } = {},
): Node {
  if (entries.length === 0) throw new Error("categoryLegend: no entries");
  const widths = entries.map((e) => 26 + e.label.length * 6.2);
  const x = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const rows = entries.map((e, i) => ({ ...e, x: x[i] }));
  return Plot.plot({
    document: plotDocument(),
    width: Math.ceil(x[x.length - 1] + widths[widths.length - 1]) + 4,
    height: 20,
    margin: 0,
    style: { ...FONT, overflow: "visible" },
    x: { type: "identity", axis: null },
    y: { type: "identity", axis: null },
    marks: [
      options.symbol === "line"
        ? Plot.ruleY(rows, {
          x1: (d) => d.x + 2,
          x2: (d) => d.x + 16,
          y: 10,
          stroke: (d) => d.color,
          strokeWidth: 2.5,
        })
        : Plot.rect(rows, { x1: (d) => d.x + 2, x2: (d) => d.x + 14, y1: 4, y2: 16, fill: (d) => d.color }),
      Plot.text(rows, { x: (d) => d.x + 19, y: 10, text: "label", textAnchor: "start" }),
    ],
  } as Plot.PlotOptions);
}

/** The entries of a categorical scale `{ domain, range }` for `categoryLegend`. */
export function entriesOf(scale: { domain: readonly string[]; range: readonly string[] }) {
  return scale.domain.map((label, i) => ({ label, color: scale.range[i] }));
}
