/** Predictions on a labelled set: accuracy, confusion matrix, misclassified examples. */
import { type LayersModel, tf, type tfCore } from "../../tf.ts";
import { forEachBatch } from "./stages.ts";

export interface Predictions {
  labels: Int32Array;
  predicted: Int32Array;
  /** Probability of the predicted class. */
  confidence: Float32Array;
  /** Probability of the true class. */
  trueProbability: Float32Array;
}

export async function predict(
  model: LayersModel,
  x: tfCore.Tensor4D,
  labels: Int32Array,
  batchSize = 500,
): Promise<Predictions> {
  const n = labels.length;
  const out: Predictions = {
    labels,
    predicted: new Int32Array(n),
    confidence: new Float32Array(n),
    trueProbability: new Float32Array(n),
  };
  await forEachBatch(x, batchSize, (batch, start) => {
    const probs = tf.tidy(() => model.predict(batch) as tfCore.Tensor2D);
    const data = probs.dataSync() as Float32Array;
    const classes = probs.shape[1];
    probs.dispose();
    for (let k = 0; k * classes < data.length; k++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (data[k * classes + c] > data[k * classes + best]) best = c;
      out.predicted[start + k] = best;
      out.confidence[start + k] = data[k * classes + best];
      out.trueProbability[start + k] = data[k * classes + labels[start + k]];
    }
  });
  return out;
}

export function accuracyOf(p: Predictions): number {
  let correct = 0;
  for (let i = 0; i < p.labels.length; i++) correct += p.labels[i] === p.predicted[i] ? 1 : 0;
  return correct / p.labels.length;
}

/** counts[true][predicted]. */
export function confusionMatrix(p: Predictions, classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < p.labels.length; i++) m[p.labels[i]][p.predicted[i]]++;
  return m;
}

/** Indices of misclassified examples, most confident mistakes first. */
export function misclassified(p: Predictions): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < p.labels.length; i++) if (p.labels[i] !== p.predicted[i]) wrong.push(i);
  return wrong.sort((a, b) => p.confidence[b] - p.confidence[a] || a - b);
}

/** The first index of each class 0..classes-1 (optionally only correctly classified ones). */
export function firstOfEachClass(
  labels: Int32Array,
  classes = 10,
  keep: (i: number) => boolean = () => true,
): number[] {
  return Array.from({ length: classes }, (_, c) => {
    for (let i = 0; i < labels.length; i++) if (labels[i] === c && keep(i)) return i;
    return -1;
  }).filter((i) => i >= 0);
}

/** Rows `indices` of a 4-D image tensor as a new tensor (caller disposes). */
export function pick(x: tfCore.Tensor4D, indices: readonly number[]): tfCore.Tensor4D {
  return tf.tidy(() => tf.gather(x, tf.tensor1d(indices as number[], "int32")) as tfCore.Tensor4D);
}
