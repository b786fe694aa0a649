/** The losses and accuracy metrics a model is compiled with, by name, as functions of (truth, prediction) that
 * return one value per row: the same functions `compile` uses, for training steps that compute their own loss. */
import { type Tensor, tf } from "./tf.ts";

export type LossName = "categoricalCrossentropy" | "binaryCrossentropy" | "meanSquaredError";

type RowFunction = (truth: Tensor, predicted: Tensor) => Tensor;

export const LOSSES: Record<LossName, RowFunction> = {
  binaryCrossentropy: (truth, predicted) => tf.metrics.binaryCrossentropy(truth, predicted),
  categoricalCrossentropy: (truth, predicted) => tf.metrics.categoricalCrossentropy(truth, predicted),
  meanSquaredError: (truth, predicted) => tf.metrics.meanSquaredError(truth, predicted),
};

/** The "accuracy" metric `compile` picks for each loss; none for a regression loss. */
export const ACCURACIES: Partial<Record<LossName, RowFunction>> = {
  binaryCrossentropy: (truth, predicted) => tf.metrics.binaryAccuracy(truth, predicted),
  categoricalCrossentropy: (truth, predicted) => tf.metrics.categoricalAccuracy(truth, predicted),
};
