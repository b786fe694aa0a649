/** SimpleCNN: three 3×3 conv layers and two dense layers for 28×28 MNIST digits. */
import { tf } from "./tf.ts";
import type { tfLayers } from "./tf.ts";
import { deriveSeed } from "./seed.ts";

export const DEFAULT_CNN_SEED = 1;

/** Layer names in order; probes and chapters address layers by these. */
export const SIMPLE_CNN_LAYERS = [
  "conv1",
  "pool1",
  "conv2",
  "pool2",
  "conv3",
  "flatten",
  "dense1",
  "output",
] as const;
export type SimpleCnnLayer = typeof SIMPLE_CNN_LAYERS[number];
export const SIMPLE_CNN_CONV_LAYERS = ["conv1", "conv2", "conv3"] as const;

export function buildSimpleCNN(seed: number = DEFAULT_CNN_SEED): tfLayers.Sequential {
  const kernel = (layer: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, layer) });
  const conv = (name: string, filters: number, extra: { inputShape?: number[] } = {}) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: kernel(name),
      ...extra,
    });
  const pool = (name: string) => tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
  return tf.sequential({
    name: "SimpleCNN",
    layers: [
      conv("conv1", 32, { inputShape: [28, 28, 1] }),
      pool("pool1"),
      conv("conv2", 64),
      pool("pool2"),
      conv("conv3", 64),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        name: "dense1",
        units: 128,
        activation: "relu",
        kernelInitializer: kernel("dense1"),
      }),
      tf.layers.dense({
        name: "output",
        units: 10,
        activation: "softmax",
        kernelInitializer: kernel("output"),
      }),
    ],
  });
}
