/** Figure of chapter 14 (technical details): the confusion matrix (the training curves are `training.ts`). */
import type { Node } from "./document.ts";
import { heatmap } from "./heatmap.ts";

/** The confusion matrix (true class down, predicted across), counts printed in the cells. */
export function confusionFigure(matrix: number[][]): Node {
  const cells = matrix.flatMap((row, t) => row.map((value, p) => ({ x: p, y: t, value })));
  const digits = matrix.map((_, i) => i);
  return heatmap(cells, {
    color: { kind: "sequential", label: "test digits", domain: [0, Math.max(...cells.map((c) => c.value))] },
    xLabel: "predicted digit",
    yLabel: "true digit",
    text: (v) => (v === 0 ? "" : String(v)),
    width: 420,
    height: 400,
    xDomain: digits,
    yDomain: digits,
  });
}
