/** The digits chapter 16 explains and their attribution maps: the first correctly classified test digit of each
 * shown class, then the test digits the model gets wrong most confidently. */
import { inputGradients, occlusionSensitivity } from "../../models/analysis/cnn/attribution.ts";
import {
  firstOfEachClass,
  misclassified,
  pick,
  type Predictions,
} from "../../models/analysis/cnn/evaluation.ts";
import type { LayersModel, tfCore } from "../../models/tf.ts";

export const OCCLUSION = { patch: 6, stride: 2, fill: 0.5 };

/** The correctly classified digits shown (the first test digit of each of these classes) and how many of the
 * most confidently misclassified test digits join them. */
/** A pixel with more ink than this grey level counts as ink. */
export const INK = 0.3;

export const ATTRIBUTION_SHOWN = { digits: [0, 2, 7], wrong: 3 };

export function attributionStudy(
  model: LayersModel,
  test: { x: tfCore.Tensor4D; labels: Int32Array },
  predictions: Predictions,
  shown: { digits: readonly number[]; wrong: number } = ATTRIBUTION_SHOWN,
) {
  const correct = firstOfEachClass(test.labels, 10, (i) => predictions.predicted[i] === test.labels[i])
    .filter((i) => shown.digits.includes(test.labels[i]));
  const wrong = misclassified(predictions).slice(0, shown.wrong);
  const chosen = [...correct, ...wrong];
  const trueLabels = chosen.map((i) => test.labels[i]);
  const predictedLabels = chosen.map((i) => predictions.predicted[i]);
  const x = pick(test.x, chosen);
  const [, height, width] = x.shape;
  const trueGradients = inputGradients(model, x, trueLabels);
  const predictedGradients = inputGradients(model, x, predictedLabels);
  const occlusion = occlusionSensitivity(model, x, trueLabels, OCCLUSION);
  const pixels = x.dataSync() as Float32Array;
  x.dispose();
  const digitAt = (k: number) => pixels.slice(k * height * width, (k + 1) * height * width);
  return {
    correct,
    wrong,
    chosen,
    trueLabels,
    predictedLabels,
    trueGradients,
    predictedGradients,
    occlusion,
    digitAt,
  };
}
