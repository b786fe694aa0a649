/** Part 1 figures: each takes plain analysis results and returns an element for `display`. */
import * as Plot from "@observablehq/plot";
import type { EpochLog } from "../../models/train.ts";
import type { KernelSlice } from "../../models/analysis/cnn/kernels.ts";
import type { FirstLayerSummary } from "../../models/analysis/cnn/filters.ts";
import type { ChannelNorm } from "../../models/analysis/cnn/filters.ts";
import type { StageProbe } from "../../models/analysis/cnn/linear_probe.ts";
import {
  categoryLegend,
  type ColorSpec,
  extent,
  figureBox,
  heatmap,
  imageGrid,
  type ImagePanel,
  plotDocument,
  sideBySide,
  symmetricDomain,
} from "./plot.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

export const INK: ColorSpec = {
  kind: "sequential",
  label: "pixel intensity",
  domain: [0, 1],
  scheme: "greys",
};
export const NETWORK_COLORS = { domain: ["trained", "untrained"], range: ["#1f77b4", "#aaaaaa"] };
const networkLegend = () =>
  categoryLegend(NETWORK_COLORS.domain.map((label, i) => ({ label, color: NETWORK_COLORS.range[i] })));
const SPLIT_COLORS = { domain: ["train", "validation"], range: ["#1f77b4", "#ff7f0e"] };

const weightSpec = (values: Iterable<number>, label = "weight"): ColorSpec => ({
  kind: "diverging",
  label,
  domain: symmetricDomain(values),
});

function allValues(kernels: readonly KernelSlice[]): number[] {
  return kernels.flatMap((k) => Array.from(k.values));
}

function kernelPanels(kernels: readonly KernelSlice[], prefix = "ch"): ImagePanel[] {
  return kernels.map((k) => ({
    values: k.values,
    width: k.size,
    height: k.size,
    label: `${prefix} ${k.channel}`,
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
  const color = weightSpec([...allValues(trained), ...allValues(control)], options.label);
  const grid = (kernels: readonly KernelSlice[], title: string, notes?: Map<number, string>) =>
    imageGrid(kernelPanels(kernels).map((p, i) => ({ ...p, note: notes?.get(kernels[i].channel) })), {
      color,
      columns: options.columns,
      panelSize: options.panelSize,
      legend: false,
      title,
      fontSize: 9,
      noteColor: "#333",
    });
  return sideBySide(
    [
      grid(trained, "trained", options.notes?.trained),
      grid(control, "untrained (same seed)", options.notes?.control),
    ],
    [color],
  );
}

/** For each edge detector, its edge orientation as a note, e.g. "45°". */
export function edgeNotes(summary: FirstLayerSummary): Map<number, string> {
  return new Map(
    summary.edgeDetectors.map((c) => [c, `${Math.round(summary.profiles[c].edgeOrientation)}°`]),
  );
}

/** Averaged kernels of a deeper layer, wrapped in rows, each labeled with its channel. */
export function averagedKernelGrid(kernels: readonly KernelSlice[], title: string, columns = 16): Node {
  return imageGrid(kernelPanels(kernels), {
    color: weightSpec(allValues(kernels), "mean weight over input channels"),
    columns,
    panelSize: 30,
    gap: 5,
    fontSize: 8,
    title,
  });
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
  const histogram = Plot.plot({
    document: plotDocument(),
    width: 290,
    height: 220,
    marginLeft: 40,
    marginRight: 64,
    style: { fontSize: "10px", background: "white" },
    x: {
      label: "edge orientation (°)",
      domain: [-binWidth / 2, 180 - binWidth / 2],
      ticks: [0, 45, 90, 135],
    },
    y: { label: "edge detectors", grid: true },
    fy: { label: null },
    color: NETWORK_COLORS,
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
  } as Plot.PlotOptions);
  const shares = [
    ...trained.profiles.map((p, channel) => ({ channel, share: p.gradientShare, network: "trained" })),
    ...control.profiles.map((p, channel) => ({ channel, share: p.gradientShare, network: "untrained" })),
  ];
  const dots = Plot.plot({
    document: plotDocument(),
    width: 290,
    height: 220,
    marginLeft: 40,
    style: { fontSize: "10px", background: "white" },
    x: { label: "conv1 channel" },
    y: { label: "share of energy in the oriented ramp", domain: [0, 1], grid: true },
    color: NETWORK_COLORS,
    marks: [
      Plot.ruleY([threshold], { stroke: "#c00", strokeDasharray: "4 3" }),
      Plot.dot(shares, { x: "channel", y: "share", fill: "network", r: 3 }),
      Plot.text([threshold], {
        y: (d) => d,
        x: 31,
        text: () => "edge-detector threshold",
        dy: -6,
        textAnchor: "end",
        fill: "#c00",
      }),
    ],
  } as Plot.PlotOptions);
  return figureBox([networkLegend(), sideBySide([histogram, dots])]);
}

/** Per-channel kernel norms by layer, trained against untrained. */
export function kernelNormFigure(trained: readonly ChannelNorm[], control: readonly ChannelNorm[]): Node {
  const rows = [
    ...trained.map((d) => ({ ...d, network: "trained" })),
    ...control.map((d) => ({ ...d, network: "untrained" })),
  ];
  return figureBox([
    networkLegend(),
    Plot.plot({
      document: plotDocument(),
      width: 640,
      height: 260,
      marginLeft: 50,
      style: { fontSize: "10px", background: "white" },
      x: { label: "output channel" },
      y: { label: "kernel L2 norm", grid: true, zero: true },
      fx: { label: null },
      color: NETWORK_COLORS,
      marks: [Plot.dot(rows, { x: "channel", y: "norm", fill: "network", fx: "layer", r: 2 })],
    } as Plot.PlotOptions),
  ]);
}

/** Digits in rows, input and every stage in columns; each stage scaled by its own maximum. */
export function featureMapFigure(
  digits: { row: string; values: Float32Array }[],
  stages: { row: string; stage: string; height: number; width: number; values: Float32Array }[],
): Node {
  const maxByStage = new Map<string, number>();
  for (const s of stages) {
    maxByStage.set(s.stage, Math.max(maxByStage.get(s.stage) ?? 1e-9, extent(s.values)[1]));
  }
  const color: ColorSpec = { kind: "sequential", label: "mean activation ÷ stage maximum", domain: [0, 1] };
  const panels: ImagePanel[] = [
    ...digits.map((d) => ({
      values: d.values,
      width: 28,
      height: 28,
      row: d.row,
      column: "input",
      color: INK,
    })),
    ...stages.map((s) => ({
      values: s.values.map((v) => v / maxByStage.get(s.stage)!),
      width: s.width,
      height: s.height,
      row: s.row,
      column: `${s.stage}\n${s.height}×${s.width}`,
    })),
  ];
  return imageGrid(panels, { color, extraLegends: [INK], panelSize: 56, gap: 6, marginLeft: 56 });
}

/** Every channel of one layer for one digit, on one scale per layer, with notes for silent channels. */
export function channelGrid(
  maps: { channel: number; height: number; width: number; values: Float32Array }[],
  notes: Map<number, string>,
  options: { stage: string; columns: number; panelSize: number; input?: ArrayLike<number> },
): Node {
  const grid = channelPanels(maps, notes, options);
  if (!options.input) return grid;
  const input = imageGrid([{
    values: Float32Array.from(options.input),
    width: 28,
    height: 28,
    label: "input",
  }], {
    color: INK,
    columns: 1,
    panelSize: 2 * options.panelSize,
    gap: 5,
    fontSize: 8,
  });
  return sideBySide([input, grid]);
}

function channelPanels(
  maps: { channel: number; height: number; width: number; values: Float32Array }[],
  notes: Map<number, string>,
  options: { stage: string; columns: number; panelSize: number },
): Node {
  const max = Math.max(1e-9, ...maps.map((m) => extent(m.values)[1]));
  const color: ColorSpec = {
    kind: "sequential",
    label: `${options.stage} activation (square-root scale)`,
    domain: [0, max],
    transform: "sqrt",
  };
  return imageGrid(
    maps.map((m) => ({
      values: m.values,
      width: m.width,
      height: m.height,
      label: `ch ${m.channel}`,
      note: notes.get(m.channel),
    })),
    { color, columns: options.columns, panelSize: options.panelSize, gap: 5, fontSize: 8 },
  );
}

/** How often each channel fires across the test digits, per layer and network. */
export function firingFigure(
  rows: { stage: string; channel: number; imageShare: number; activeShare: number; network: string }[],
): Node {
  return figureBox([
    networkLegend(),
    Plot.plot({
      document: plotDocument(),
      width: 640,
      height: 240,
      marginLeft: 50,
      style: { fontSize: "10px", background: "white" },
      x: { label: "channel" },
      y: { label: "share of positions active", domain: [0, 1], grid: true },
      fx: { label: null },
      color: NETWORK_COLORS,
      marks: [Plot.dot(rows, { x: "channel", y: "activeShare", fill: "network", fx: "stage", r: 2 })],
    } as Plot.PlotOptions),
  ]);
}

/** Per channel: its optimised image, then its top exemplars from the test set. */
export function exemplarFigure(
  rows: { label: string; optimised: Float32Array; exemplars: Float32Array[] }[],
  title: string,
): Node {
  const panels: ImagePanel[] = rows.flatMap((r) => [
    { values: r.optimised, width: 28, height: 28, row: r.label, column: "optimised" },
    ...r.exemplars.map((values, k) => ({ values, width: 28, height: 28, row: r.label, column: `#${k + 1}` })),
  ]);
  return imageGrid(panels, { color: INK, panelSize: 38, gap: 4, marginLeft: 70, title });
}

/** Optimised images in one row per network. */
export function optimisedRow(
  rows: { network: string; label: string; image: Float32Array }[],
): Node {
  return imageGrid(
    rows.map((r) => ({ values: r.image, width: 28, height: 28, row: r.network, column: r.label })),
    { color: INK, panelSize: 48, gap: 5, marginLeft: 70 },
  );
}

/** Probe accuracy against depth for both networks, with the raw-pixel probe as a reference line. */
export function probeFigure(
  trained: readonly StageProbe[],
  control: readonly StageProbe[],
  pixels: { trained: number },
): Node {
  const rows = [
    ...trained.map((p) => ({ ...p, network: "trained" })),
    ...control.map((p) => ({ ...p, network: "untrained" })),
  ];
  const stages = trained.map((p) => p.stage);
  return figureBox([
    networkLegend(),
    Plot.plot({
      document: plotDocument(),
      width: 560,
      height: 300,
      marginLeft: 50,
      marginBottom: 46,
      style: { fontSize: "11px", background: "white" },
      x: { label: "stage (each pooled to 7 × 7)", domain: stages, padding: 0.3, labelOffset: 38 },
      y: {
        label: "linear probe test accuracy",
        grid: true,
        tickFormat: (v: number) => `${Math.round(v * 100)}%`,
      },
      color: NETWORK_COLORS,
      marks: [
        Plot.ruleY([pixels.trained], { stroke: "#c00", strokeDasharray: "4 3" }),
        Plot.text([pixels.trained], {
          y: (d) => d,
          frameAnchor: "right",
          text: () => "probe on all 784 raw pixels",
          dy: -6,
          textAnchor: "end",
          fill: "#c00",
        }),
        Plot.line(rows, { x: "stage", y: "testAccuracy", stroke: "network", strokeWidth: 2 }),
        Plot.dot(rows, { x: "stage", y: "testAccuracy", fill: "network", r: 4 }),
      ],
    } as Plot.PlotOptions),
  ]);
}

/** Attribution panels: per digit the input, gradients for the true and predicted class, occlusion drop. */
export function attributionFigure(
  rows: {
    row: string;
    input: Float32Array;
    trueGradient: Float32Array;
    predictedGradient: Float32Array;
    occlusion: Float32Array;
  }[],
): Node {
  const gradientSpec: ColorSpec = {
    kind: "diverging",
    label: "input gradient ÷ its largest magnitude",
    domain: [-1, 1],
  };
  const occlusionSpec: ColorSpec = {
    kind: "diverging",
    label: "drop in true-class probability",
    domain: symmetricDomain(rows.flatMap((r) => Array.from(r.occlusion))),
    scheme: "PuOr",
  };
  const normalise = (values: Float32Array) => {
    const [lo, hi] = symmetricDomain(values);
    const m = Math.max(Math.abs(lo), hi, 1e-12);
    return values.map((v) => v / m);
  };
  const panels: ImagePanel[] = rows.flatMap((r) => [
    { values: r.input, width: 28, height: 28, row: r.row, column: "input\n", color: INK },
    { values: normalise(r.trueGradient), width: 28, height: 28, row: r.row, column: "gradient\ntrue class" },
    {
      values: normalise(r.predictedGradient),
      width: 28,
      height: 28,
      row: r.row,
      column: "gradient\npredicted class",
    },
    {
      values: r.occlusion,
      width: 28,
      height: 28,
      row: r.row,
      column: "occlusion\ndrop",
      color: occlusionSpec,
    },
  ]);
  return imageGrid(panels, {
    color: gradientSpec,
    extraLegends: [occlusionSpec, INK],
    panelSize: 72,
    gap: 16,
    marginLeft: 96,
  });
}

/** Loss and accuracy per epoch, training and validation. */
export function trainingCurves(history: readonly EpochLog[]): Node {
  const rows = history.flatMap((h) => [
    { epoch: h.epoch, metric: "loss", split: "train", value: h.loss },
    { epoch: h.epoch, metric: "accuracy", split: "train", value: h.accuracy },
    ...(h.valLoss !== undefined
      ? [{ epoch: h.epoch, metric: "loss", split: "validation", value: h.valLoss }]
      : []),
    ...(h.valAccuracy !== undefined
      ? [{ epoch: h.epoch, metric: "accuracy", split: "validation", value: h.valAccuracy }]
      : []),
  ]);
  const panel = (metric: string, label: string) =>
    Plot.plot({
      document: plotDocument(),
      width: 290,
      height: 210,
      marginLeft: 48,
      style: { fontSize: "10px", background: "white" },
      x: { label: "epoch", ticks: history.map((h) => h.epoch), tickFormat: "d" },
      y: { label, grid: true },
      color: SPLIT_COLORS,
      marks: [
        Plot.line(rows.filter((r) => r.metric === metric), { x: "epoch", y: "value", stroke: "split" }),
        Plot.dot(rows.filter((r) => r.metric === metric), { x: "epoch", y: "value", fill: "split", r: 3 }),
      ],
    } as Plot.PlotOptions);
  const present = new Set(rows.map((r) => r.split));
  const entries = SPLIT_COLORS.domain.map((label, i) => ({ label, color: SPLIT_COLORS.range[i] }));
  const legend = categoryLegend(entries.filter((e) => present.has(e.label)), { symbol: "line" });
  return figureBox([
    legend,
    sideBySide([panel("loss", "cross-entropy loss"), panel("accuracy", "accuracy")]),
  ]);
}

/** The confusion matrix (true class down, predicted across), counts printed in the cells. */
export function confusionFigure(matrix: number[][]): Node {
  const cells = matrix.flatMap((row, t) => row.map((value, p) => ({ x: p, y: t, value })));
  const digits = matrix.map((_, i) => i);
  return heatmap(cells, {
    color: {
      kind: "sequential",
      label: "test digits",
      domain: [0, Math.max(...cells.map((c) => c.value))],
      scheme: "blues",
    },
    xLabel: "predicted digit",
    yLabel: "true digit",
    text: (v) => (v === 0 ? "" : String(v)),
    width: 420,
    height: 400,
    xDomain: digits,
    yDomain: digits,
  });
}
