/** Activation maximisation: inputs optimised by gradient ascent to excite a channel or a class. */
import { type LayersModel, tf, type tfCore } from "../../tf.ts";
import { createRng, deriveSeed } from "../../seed.ts";
import { forwardRecording, logits } from "./stages.ts";

/** What to excite. `scale` divides the objective so targets of different magnitude weigh alike against the
 * regularisers; pass a typical strong real response (e.g. the mean of a channel's top exemplars). */
export type VisualizationTarget =
  | { kind: "channel"; stage: string; channel: number; scale?: number }
  | { kind: "class"; label: number; scale?: number };

export interface VisualizationOptions {
  steps?: number;
  learningRate?: number;
  /** Largest random shift (pixels) applied to the image at each step. */
  jitter?: number;
  /** Weight of the total-variation penalty (mean absolute difference of neighbouring pixels). */
  totalVariation?: number;
  /** Weight of the penalty on the mean squared pixel (keeps the image's norm bounded). */
  l2?: number;
  /** Blur the image parameters with a 3×3 Gaussian every `blurEvery` steps (0: never). */
  blurEvery?: number;
  seed?: number;
}

export const DEFAULT_VISUALIZATION: Required<VisualizationOptions> = {
  steps: 160,
  learningRate: 0.1,
  jitter: 2,
  totalVariation: 0.3,
  l2: 0.3,
  blurEvery: 4,
  seed: 0,
};

export interface VisualizationResult {
  target: VisualizationTarget;
  /** 28 × 28 image in [0, 1], row-major. */
  image: Float32Array;
  height: number;
  width: number;
  /** The objective (channel spatial mean or class logit) at the final image, without jitter. */
  objective: number;
  /** The same objective at a uniform grey start image. */
  startObjective: number;
  /** For class targets, the softmax probability of the target at the final image. */
  probability?: number;
}

/** Shifts images by (dy, dx) pixels with zero fill. */
function shift(x: tfCore.Tensor4D, dy: number, dx: number): tfCore.Tensor4D {
  if (dy === 0 && dx === 0) return x;
  const [, h, w] = x.shape;
  const pad = Math.max(Math.abs(dy), Math.abs(dx));
  const padded = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  return tf.slice(padded, [0, pad - dy, pad - dx, 0], [-1, h, w, -1]);
}

/** Per target, its raw objective: a channel's spatial-mean activation or a class logit. */
function objectives(
  model: LayersModel,
  x: tfCore.Tensor4D,
  targets: readonly VisualizationTarget[],
): tfCore.Tensor1D {
  const stages = [...new Set(targets.flatMap((t) => (t.kind === "channel" ? [t.stage] : [])))];
  const forward = forwardRecording(model, x, stages);
  const parts = targets.map((t, i) =>
    t.kind === "channel"
      ? tf.reshape(tf.mean(tf.slice(forward.stages[t.stage], [i, 0, 0, t.channel], [1, -1, -1, 1])), [1])
      : tf.reshape(tf.slice(forward.logits, [i, t.label], [1, 1]), [1])
  );
  return tf.concat(parts) as tfCore.Tensor1D;
}

function totalVariation(x: tfCore.Tensor4D): tfCore.Scalar {
  const [, h, w] = x.shape;
  const dy = tf.sub(
    tf.slice(x, [0, 1, 0, 0], [-1, h - 1, -1, -1]),
    tf.slice(x, [0, 0, 0, 0], [-1, h - 1, -1, -1]),
  );
  const dx = tf.sub(
    tf.slice(x, [0, 0, 1, 0], [-1, -1, w - 1, -1]),
    tf.slice(x, [0, 0, 0, 0], [-1, -1, w - 1, -1]),
  );
  return tf.add(tf.mean(tf.abs(dy)), tf.mean(tf.abs(dx))) as tfCore.Scalar;
}

function readAndDispose(t: tfCore.Tensor): Float32Array {
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return data;
}

/** Side of the Gaussian blur kernel applied every `blurEvery` steps. */
export const BLUR_SIZE = 3;
const gaussian3 = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);

/** Optimises one image per target, all in one batch, from a uniform grey start (pixels = sigmoid(params)). */
export function visualizeTargets(
  model: LayersModel,
  targets: readonly VisualizationTarget[],
  options: VisualizationOptions = {},
): VisualizationResult[] {
  const o = { ...DEFAULT_VISUALIZATION, ...options };
  const [h, w] = (model.inputs[0].shape as number[]).slice(1, 3);
  const n = targets.length;
  const classes = model.outputs[0].shape[1] as number;
  const rng = createRng(deriveSeed(o.seed, "feature-visualization"));
  const grey = tf.zeros([n, h, w, 1]);
  const params = tf.variable(grey);
  grey.dispose();
  const scales = tf.tensor1d(targets.map((t) => 1 / (t.scale ?? 1)));
  const blurKernel = tf.tensor4d(gaussian3, [BLUR_SIZE, BLUR_SIZE, 1, 1]);
  const optimizer = tf.train.adam(o.learningRate);
  const evaluate = () => {
    const values = tf.tidy(() => objectives(model, tf.sigmoid(params) as tfCore.Tensor4D, targets));
    const data = values.dataSync() as Float32Array;
    values.dispose();
    return data;
  };
  try {
    const start = evaluate();
    for (let step = 0; step < o.steps; step++) {
      const dy = rng.int(2 * o.jitter + 1) - o.jitter;
      const dx = rng.int(2 * o.jitter + 1) - o.jitter;
      optimizer.minimize(
        () => {
          const x = tf.sigmoid(params) as tfCore.Tensor4D;
          const gain = tf.sum(tf.mul(objectives(model, shift(x, dy, dx), targets), scales));
          const penalty = tf.mul(
            n,
            tf.add(tf.mul(o.totalVariation, totalVariation(x)), tf.mul(o.l2, tf.mean(tf.square(x)))),
          );
          return tf.sub(penalty, gain) as tfCore.Scalar;
        },
        false,
        [params],
      );
      if (o.blurEvery > 0 && (step + 1) % o.blurEvery === 0 && step + 1 < o.steps) {
        const blurred = tf.tidy(() => tf.conv2d(params as tfCore.Tensor4D, blurKernel, 1, "same"));
        params.assign(blurred);
        blurred.dispose();
      }
    }
    const final = evaluate();
    const images = readAndDispose(tf.tidy(() => tf.sigmoid(params)));
    const probabilities = targets.some((t) => t.kind === "class")
      ? readAndDispose(tf.tidy(() => tf.softmax(logits(model, tf.sigmoid(params)))))
      : undefined;
    return targets.map((target, i) => ({
      target,
      image: images.slice(i * h * w, (i + 1) * h * w),
      height: h,
      width: w,
      objective: final[i],
      startObjective: start[i],
      probability: target.kind === "class" ? probabilities![i * classes + target.label] : undefined,
    }));
  } finally {
    tf.dispose([params, blurKernel, scales]);
    optimizer.dispose();
  }
}
