import { tf } from "../../models/tf.ts";
import type { LayersModel, Tensor } from "../../models/tf.ts";
import { createRng, deriveSeed } from "../../models/seed.ts";

/** A small seeded classification problem: the class is which of 3 coordinates is largest. */
export function toyProblem(rows: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: rows * 3 }, () => rng.next());
  const labels = Int32Array.from({ length: rows }, (_, r) => {
    const row = values.subarray(r * 3, r * 3 + 3);
    return row.indexOf(Math.max(...row));
  });
  return tf.tidy(() => ({
    x: tf.tensor2d(values, [rows, 3]),
    y: tf.oneHot(tf.tensor1d(labels, "int32"), 3),
  }));
}

export function toyModel(seed: number): LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3],
        units: 8,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, "hidden") }),
      }),
      tf.layers.dense({
        units: 3,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, "out") }),
      }),
    ],
  });
}

export function weightValues(model: LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
