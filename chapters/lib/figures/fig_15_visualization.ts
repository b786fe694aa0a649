/** Figures of chapter 15 (feature visualization): optimised images and the test digits that excite a channel
 * most. */
import type { Node } from "./document.ts";
import { imageGrid, type ImagePanel } from "./image_grid.ts";
import { INK } from "./scales.ts";

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
export function optimisedRow(rows: { network: string; label: string; image: Float32Array }[]): Node {
  return imageGrid(
    rows.map((r) => ({ values: r.image, width: 28, height: 28, row: r.network, column: r.label })),
    { color: INK, panelSize: 48, gap: 5, marginLeft: 70 },
  );
}
