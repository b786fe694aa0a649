/** Figure of chapter 16 (attribution): per digit the input, the gradients of the true and the predicted
 * class, and the occlusion drop. */
import type { Node } from "./document.ts";
import { imageGrid, type ImagePanel } from "./image_grid.ts";
import { type ColorSpec, INK, signedColor, symmetricDomain } from "./scales.ts";

/** Values divided by their largest magnitude, into [−1, 1]. */
function normalise(values: Float32Array): Float32Array {
  const m = Math.max(symmetricDomain(values)[1], 1e-12);
  return values.map((v) => v / m);
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
  const gradient: ColorSpec = {
    kind: "diverging",
    label: "input gradient ÷ its largest magnitude",
    domain: [-1, 1],
  };
  const occlusion = signedColor(
    "drop in true-class probability",
    rows.flatMap((r) => Array.from(r.occlusion)),
  );
  const panel = (values: Float32Array, row: string, column: string, color?: ColorSpec): ImagePanel => ({
    values,
    width: 28,
    height: 28,
    row,
    column,
    color,
  });
  const panels = rows.flatMap((r) => [
    panel(r.input, r.row, "input\n", INK),
    panel(normalise(r.trueGradient), r.row, "gradient\ntrue class"),
    panel(normalise(r.predictedGradient), r.row, "gradient\npredicted class"),
    panel(r.occlusion, r.row, "occlusion\ndrop", occlusion),
  ]);
  return imageGrid(panels, {
    color: gradient,
    extraLegends: [occlusion, INK],
    panelSize: 72,
    gap: 16,
    marginLeft: 96,
  });
}
