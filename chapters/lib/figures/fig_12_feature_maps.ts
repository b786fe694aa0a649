/** Figure of chapter 12 (feature maps): digits in rows, the input and every stage in columns. */
import type { Node } from "./document.ts";
import { imageGrid, type ImagePanel } from "./image_grid.ts";
import { type ColorSpec, extent, INK } from "./scales.ts";

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
