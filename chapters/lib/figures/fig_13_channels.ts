/** Figures of chapter 13 (individual channels): every channel of a layer for one digit, and how often each
 * channel fires. */
import * as Plot from "@observablehq/plot";
import type { Node } from "./document.ts";
import { networkLegend } from "./fig_11_filters.ts";
import { imageGrid } from "./image_grid.ts";
import { column, plot, row, SMALL_FONT } from "./layout.ts";
import { NETWORKS } from "./palette.ts";
import { type ColorSpec, extent, INK } from "./scales.ts";

type ChannelMap = { channel: number; height: number; width: number; values: Float32Array };

/** Every channel of one layer for one digit, on one scale per layer, with notes for silent channels. */
export function channelGrid(
  maps: ChannelMap[],
  notes: Map<number, string>,
  options: { stage: string; columns: number; panelSize: number; input?: ArrayLike<number> },
): Node {
  const max = Math.max(1e-9, ...maps.map((m) => extent(m.values)[1]));
  const color: ColorSpec = {
    kind: "sequential",
    label: `${options.stage} activation (square-root scale)`,
    domain: [0, max],
    transform: "sqrt",
  };
  const grid = imageGrid(
    maps.map((m) => ({
      values: m.values,
      width: m.width,
      height: m.height,
      label: `ch ${m.channel}`,
      note: notes.get(m.channel),
    })),
    { color, columns: options.columns, panelSize: options.panelSize, gap: 5, fontSize: 8 },
  );
  if (!options.input) return grid;
  const input = imageGrid(
    [{ values: Float32Array.from(options.input), width: 28, height: 28, label: "input" }],
    { color: INK, columns: 1, panelSize: 2 * options.panelSize, gap: 5, fontSize: 8 },
  );
  return column([row([input, grid])]);
}

/** How often each channel fires across the test digits, per layer and network. */
export function firingFigure(
  rows: { stage: string; channel: number; imageShare: number; activeShare: number; network: string }[],
): Node {
  return column([
    networkLegend(),
    plot({
      width: 640,
      height: 240,
      marginLeft: 50,
      style: SMALL_FONT,
      x: { label: "channel" },
      y: { label: "share of positions active", domain: [0, 1], grid: true },
      fx: { label: null },
      color: NETWORKS,
      marks: [Plot.dot(rows, { x: "channel", y: "activeShare", fill: "network", fx: "stage", r: 2 })],
    }),
  ]);
}
