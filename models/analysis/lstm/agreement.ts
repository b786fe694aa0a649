/** How closely the step-by-step replay matches the TensorFlow.js layer it recomputes. */
import { type CountingSet, countingTensors } from "../../data/counting.ts";
import { hiddenSequenceModel } from "../../lstm.ts";
import type { LstmTrace } from "../../lstm_replay.ts";
import { type LayersModel, type Tensor, tf } from "../../tf.ts";

export interface ReplayAgreement {
  /** Largest |h(replay) − h(layer)| over every unit, step and sequence. */
  hiddenGap: number;
  /** Largest |p(replay) − p(model)| over the sequences. */
  probabilityGap: number;
}

/** Compares a replayed trace with the layer's own hidden states and the model's outputs on the same set. */
export function replayAgreement(model: LayersModel, set: CountingSet, trace: LstmTrace): ReplayAgreement {
  const { x, y } = countingTensors(set);
  const sequences = hiddenSequenceModel(model);
  const hidden = sequences.predict(x) as Tensor;
  const probability = model.predict(x) as Tensor;
  try {
    return {
      hiddenGap: largestGap(hidden.dataSync(), trace.hidden),
      probabilityGap: largestGap(probability.dataSync(), trace.probability),
    };
  } finally {
    tf.dispose([x, y, hidden, probability]);
    sequences.dispose();
  }
}

function largestGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} values with ${b.length}`);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}
