/** Receptive-field arithmetic for stacks of convolutions and poolings. */
import type { LayersModel } from "../../tf.ts";

export interface LayerGeometry {
  name: string;
  /** Square window side and step. */
  kernel: number;
  stride: number;
}

export interface ReceptiveField extends LayerGeometry {
  /** Side of the input patch one output unit sees. */
  size: number;
  /** Input pixels between neighbouring output units. */
  jump: number;
}

/** Each layer's receptive field: size grows by (kernel − 1) × jump, jump multiplies by stride. */
export function receptiveFields(layers: readonly LayerGeometry[]): ReceptiveField[] {
  let size = 1;
  let jump = 1;
  return layers.map((layer) => {
    size += (layer.kernel - 1) * jump;
    jump *= layer.stride;
    return { ...layer, size, jump };
  });
}

const first = (v: number | number[] | undefined, fallback: number): number =>
  Array.isArray(v) ? v[0] : v ?? fallback;

/** Window geometry of the model's conv and pooling layers, in order. */
export function layerGeometry(model: LayersModel): LayerGeometry[] {
  const out: LayerGeometry[] = [];
  for (const layer of model.layers) {
    const c = layer.getConfig() as {
      kernelSize?: number | number[];
      poolSize?: number | number[];
      strides?: number | number[];
    };
    const type = layer.getClassName();
    if (type === "Conv2D") {
      out.push({ name: layer.name, kernel: first(c.kernelSize, 1), stride: first(c.strides, 1) });
    } else if (type === "MaxPooling2D" || type === "AveragePooling2D") {
      const pool = first(c.poolSize, 2);
      out.push({ name: layer.name, kernel: pool, stride: first(c.strides, pool) });
    }
  }
  return out;
}
