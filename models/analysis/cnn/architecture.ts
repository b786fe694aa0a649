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
      outputShape: shape.map((size) => (size === null ? "?" : size.toLocaleString("en-US"))).join(" × "),
      params: layer.countParams(),
      activation: typeof config.activation === "string" ? config.activation : "—",
    };
  });
}

export function totalParams(rows: readonly ArchitectureRow[]): number {
  return rows.reduce((n, r) => n + r.params, 0);
}

export interface ConvDesign {
  layer: string;
  kernel: number[];
  strides: number[];
  padding: string;
  activation: string;
}

export interface PoolDesign {
  layer: string;
  /** "max" or "average". */
  reduce: string;
  window: number[];
  strides: number[];
}

export interface LayerDesign {
  conv: ConvDesign[];
  pool: PoolDesign[];
  dense: string[];
}

const poolReductions: Record<string, string> = { MaxPooling2D: "max", AveragePooling2D: "average" };

/** Kernel sizes, strides, padding and activations of the conv, pooling and dense layers, from their configs. */
export function layerDesign(model: LayersModel): LayerDesign {
  const design: LayerDesign = { conv: [], pool: [], dense: [] };
  for (const layer of model.layers) {
    const type = layer.getClassName();
    const config = layer.getConfig() as {
      kernelSize?: number[];
      poolSize?: number[];
      strides?: number[];
      padding?: string;
      activation?: string;
    };
    if (type === "Conv2D") {
      design.conv.push({
        layer: layer.name,
        kernel: config.kernelSize ?? [],
        strides: config.strides ?? [],
        padding: config.padding ?? "",
        activation: config.activation ?? "",
      });
    } else if (type in poolReductions) {
      design.pool.push({
        layer: layer.name,
        reduce: poolReductions[type],
        window: config.poolSize ?? [],
        strides: config.strides ?? config.poolSize ?? [],
      });
    } else if (type === "Dense") design.dense.push(layer.name);
  }
  return design;
}
