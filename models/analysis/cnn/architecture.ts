/** The architecture table, read from the model itself. */
import type { LayersModel } from "../../tf.ts";

export interface ArchitectureRow {
  layer: string;
  type: string;
  /** e.g. "28 × 28 × 32" (batch axis omitted). */
  outputShape: string;
  params: number;
  activation: string;
}

export function architectureTable(model: LayersModel): ArchitectureRow[] {
  return model.layers.map((layer) => {
    const shape = (layer.outputShape as (number | null)[]).slice(1);
    const config = layer.getConfig() as { activation?: string };
    return {
      layer: layer.name,
      type: layer.getClassName(),
      outputShape: shape.join(" × "),
      params: layer.countParams(),
      activation: typeof config.activation === "string" ? config.activation : "—",
    };
  });
}

export function totalParams(rows: readonly ArchitectureRow[]): number {
  return rows.reduce((n, r) => n + r.params, 0);
}
