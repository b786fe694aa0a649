/** The loss and accuracy metric a model is compiled with, by name (the same functions `compile` uses), for the
 * training steps that compute their own loss: a `forward` step and a shard's gradient. */
import { type Tensor, tf } from "./tf.ts";

export type LossName = "categoricalCrossentropy" | "binaryCrossentropy" | "meanSquaredError";

type RowFunction = (truth: Tensor, predicted: Tensor) => Tensor;

const LOSSES: Record<LossName, RowFunction> = {
  binaryCrossentropy: (truth, predicted) => tf.metrics.binaryCrossentropy(truth, predicted),
  categoricalCrossentropy: (truth, predicted) => tf.metrics.categoricalCrossentropy(truth, predicted),
  meanSquaredError: (truth, predicted) => tf.metrics.meanSquaredError(truth, predicted),
};

/** The "accuracy" metric `compile` picks for each loss; none for a regression loss. */
const ACCURACIES: Partial<Record<LossName, RowFunction>> = {
  binaryCrossentropy: (truth, predicted) => tf.metrics.binaryAccuracy(truth, predicted),
  categoricalCrossentropy: (truth, predicted) => tf.metrics.categoricalAccuracy(truth, predicted),
};

/**
 * A batch's mean loss for `lossName`, the scalar a training step differentiates, and its mean accuracy, read at
 * once (NaN for a loss without an accuracy metric). Call inside the function being differentiated.
 */
export function meanLossAndAccuracy(
  lossName: LossName,
  truth: Tensor,
  predicted: Tensor,
): { loss: ReturnType<typeof tf.scalar>; accuracy: number } {
  const accuracyOf = ACCURACIES[lossName];
  const accuracy = accuracyOf
    ? tf.tidy(() => tf.mean(accuracyOf(truth, predicted)).dataSync()[0])
    : Number.NaN;
  return { loss: tf.mean(LOSSES[lossName](truth, predicted)) as ReturnType<typeof tf.scalar>, accuracy };
}
