/** Whether a stage keeps the input's spatial layout: its channel-averaged map against the pooled input. */
import { type LayersModel, tf, type tfCore } from "../../tf.ts";
import { stageOutputs } from "./stages.ts";
import { bootstrapDifference, type Interval } from "../bootstrap.ts";

/** Pearson correlation of two equally long series (0 when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Per image: correlation between the input, average-pooled to the stage's resolution, and the stage's
 * channel-averaged map. With `shuffle`, each map is compared with the next image's input instead (a baseline
 * for how much correlation comes from digits sharing a centred layout). */
export function layoutCorrelation(
  model: LayersModel,
  x: tfCore.Tensor4D,
  stage: string,
  options: { shuffle?: boolean } = {},
): Float32Array {
  const out = stageOutputs(model, x, [stage])[stage];
  const [n, h] = out.shape;
  const factor = x.shape[1] / h;
  const [pooled, mean] = tf.tidy(() => [
    (factor === 1 ? x : tf.avgPool(x, factor, factor, "valid")).dataSync() as Float32Array,
    tf.mean(out, 3).dataSync() as Float32Array,
  ]);
  out.dispose();
  const size = h * h;
  return Float32Array.from({ length: n }, (_, i) => {
    const j = options.shuffle ? (i + 1) % n : i;
    return pearson(pooled.subarray(j * size, (j + 1) * size), mean.subarray(i * size, (i + 1) * size));
  });
}

/** The sample every layout number of Part 1 is computed on: the first this many test digits. */
export const LAYOUT_DIGITS = 500;

export interface LayoutRow {
  stage: string;
  /** Mean correlation of each digit's channel-averaged map with its own pooled input. */
  own: number;
  /** The same with the next digit's pooled input: the layout all centred digits share. */
  other: number;
  /** own − other with its 95% bootstrap interval over the digits (paired: each map against both inputs). */
  margin: Interval;
  /** own − other per digit, for comparing stages digit by digit. */
  margins: number[];
}

/** Mean layout correlation per stage, own and shuffled, over the first `rows` digits of `x`. */
export function layoutStudy(
  model: LayersModel,
  x: tfCore.Tensor4D,
  stages: readonly string[],
  rows = LAYOUT_DIGITS,
): LayoutRow[] {
  const n = Math.min(rows, x.shape[0]);
  const sample = tf.slice(x, [0, 0, 0, 0], [n, -1, -1, -1]);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const result = stages.map((stage) => {
    const own = layoutCorrelation(model, sample, stage);
    const other = layoutCorrelation(model, sample, stage, { shuffle: true });
    const margins = Array.from(own, (r, i) => r - other[i]);
    return { stage, own: mean(own), other: mean(other), margin: bootstrapDifference(own, other), margins };
  });
  sample.dispose();
  return result;
}
