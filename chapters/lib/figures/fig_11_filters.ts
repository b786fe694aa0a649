/** Figures of chapter 11 (learned filters): conv1 kernels trained and untrained, edge orientations, averaged
 * deeper kernels and kernel norms. */
import * as Plot from "@observablehq/plot";
import type { KernelSlice } from "../../../models/analysis/cnn/kernels.ts";
import type { ChannelNorm, FirstLayerSummary } from "../../../models/analysis/cnn/filters.ts";
import type { Node } from "./document.ts";
import { imageGrid, type ImagePanel } from "./image_grid.ts";
import { column, plot, row, SMALL_FONT } from "./layout.ts";
import { categoryLegend, entriesOf, legendRow } from "./legends.ts";
import { NETWORKS, REFERENCE, REFERENCE_DASH } from "./palette.ts";
import { type ColorSpec, signedColor } from "./scales.ts";

export const networkLegend = () => categoryLegend(entriesOf(NETWORKS));

const allValues = (kernels: readonly KernelSlice[]) => kernels.flatMap((k) => Array.from(k.values));

function kernelPanels(kernels: readonly KernelSlice[], notes?: Map<number, string>): ImagePanel[] {
  return kernels.map((k) => ({
    values: k.values,
    width: k.size,
    height: k.size,
    label: `ch ${k.channel}`,
    note: notes?.get(k.channel),
  }));
}

/** Trained and untrained kernels side by side on one symmetric, zero-centred scale. */
export function kernelComparison(
  trained: readonly KernelSlice[],
  control: readonly KernelSlice[],
  options: {
    columns: number;
    panelSize: number;
    label?: string;
    /** Per network, a note under some kernels (e.g. the edge orientation of edge detectors). */
    notes?: { trained: Map<number, string>; control: Map<number, string> };
  },
): Node {
  const color = signedColor(options.label ?? "weight", [...allValues(trained), ...allValues(control)]);
  const grid = (kernels: readonly KernelSlice[], title: string, notes?: Map<number, string>) =>
    imageGrid(kernelPanels(kernels, notes), {
      color,
      columns: options.columns,
      panelSize: options.panelSize,
      legend: false,
      title,
      fontSize: 9,
    });
  return column([
    legendRow([color]),
    row([
      grid(trained, "trained", options.notes?.trained),
      grid(control, "untrained (same seed)", options.notes?.control),
    ]),
  ]);
}

/** For each edge detector, its edge orientation as a note, e.g. "45°". */
export function edgeNotes(summary: FirstLayerSummary): Map<number, string> {
  return new Map(
    summary.edgeDetectors.map((c) => [c, `${Math.round(summary.profiles[c].edgeOrientation)}°`]),
  );
}

/** Averaged kernels of a deeper layer, wrapped in rows, each labeled with its channel. */
export function averagedKernelGrid(kernels: readonly KernelSlice[], title: string, columns = 16): Node {
  const color: ColorSpec = signedColor("mean weight over input channels", allValues(kernels));
  return imageGrid(kernelPanels(kernels), { color, columns, panelSize: 30, gap: 5, fontSize: 8, title });
}

/** Edge-orientation histograms and per-kernel ramp shares, trained against untrained. */
export function orientationFigure(
  trained: FirstLayerSummary,
  control: FirstLayerSummary,
  threshold: number,
): Node {
  const bars = [
    ...trained.histogram.map((b) => ({ ...b, network: "trained" })),
    ...control.histogram.map((b) => ({ ...b, network: "untrained" })),
  ];
  const binWidth = 180 / trained.histogram.length;
  const histogram = plot({
    width: 290,
    height: 220,
    marginLeft: 40,
    marginRight: 64,
    style: SMALL_FONT,
    x: {
      label: "edge orientation (°)",
      domain: [-binWidth / 2, 180 - binWidth / 2],
      ticks: [0, 45, 90, 135],
    },
    y: { label: "edge detectors", grid: true },
    fy: { label: null },
    color: NETWORKS,
    marks: [
      Plot.rectY(bars, {
        x1: (d) => d.centre - binWidth / 2 + 1,
        x2: (d) => d.centre + binWidth / 2 - 1,
        y: "count",
        fill: "network",
        fy: "network",
      }),
      Plot.ruleY([0]),
    ],
  });
  const shares = [
    ...trained.profiles.map((p, channel) => ({ channel, share: p.gradientShare, network: "trained" })),
    ...control.profiles.map((p, channel) => ({ channel, share: p.gradientShare, network: "untrained" })),
  ];
  const dots = plot({
    width: 290,
    height: 220,
    marginLeft: 40,
    style: SMALL_FONT,
    x: { label: "conv1 channel" },
    y: { label: "share of energy in the oriented ramp", domain: [0, 1], grid: true },
    color: NETWORKS,
    marks: [
      Plot.ruleY([threshold], { stroke: REFERENCE, strokeDasharray: REFERENCE_DASH }),
      Plot.dot(shares, { x: "channel", y: "share", fill: "network", r: 3 }),
      Plot.text([threshold], {
        y: (d) => d,
        x: 31,
        text: () => "edge-detector threshold",
        dy: -6,
        textAnchor: "end",
        fill: REFERENCE,
      }),
    ],
  });
  return column([networkLegend(), row([histogram, dots])]);
}

/** Per-channel kernel norms by layer, trained against untrained. */
export function kernelNormFigure(trained: readonly ChannelNorm[], control: readonly ChannelNorm[]): Node {
  const rows = [
    ...trained.map((d) => ({ ...d, network: "trained" })),
    ...control.map((d) => ({ ...d, network: "untrained" })),
  ];
  return column([
    networkLegend(),
    plot({
      width: 640,
      height: 260,
      marginLeft: 50,
      style: SMALL_FONT,
      x: { label: "output channel" },
      y: { label: "kernel L2 norm", grid: true, zero: true },
      fx: { label: null },
      color: NETWORKS,
      marks: [Plot.dot(rows, { x: "channel", y: "norm", fill: "network", fx: "layer", r: 2 })],
    }),
  ]);
}
