/** Which pixels a prediction depends on: input gradients and occlusion sensitivity. */
import { type LayersModel, tf, type tfCore } from "../../tf.ts";
import { logits } from "./stages.ts";

export interface SaliencyMap {
  /** Class whose logit was differentiated. */
  label: number;
  height: number;
  width: number;
  /** d logit / d pixel, row-major. */
  values: Float32Array;
}

/** Gradient of each image's `labels[i]` logit with respect to its pixels (`x` is [n, h, w, 1]). */
export function inputGradients(
  model: LayersModel,
  x: tfCore.Tensor4D,
  labels: readonly number[],
): SaliencyMap[] {
  const [n, height, width] = x.shape;
  const classes = model.outputs[0].shape[1] as number;
  const mask = tf.tidy(() => tf.oneHot(tf.tensor1d(labels as number[], "int32"), classes));
  try {
    const grads = tf.tidy(() =>
      tf.grad((input: tfCore.Tensor) => tf.sum(tf.mul(logits(model, input), mask)))(x)
    );
    const data = grads.dataSync() as Float32Array;
    grads.dispose();
    return Array.from({ length: n }, (_, i) => ({
      label: labels[i],
      height,
      width,
      values: data.slice(i * height * width, (i + 1) * height * width),
    }));
  } finally {
    mask.dispose();
  }
}

export interface OcclusionOptions {
  /** Side of the square patch in pixels. */
  patch?: number;
  stride?: number;
  /** Value the patch is filled with (0 = background, 1 = ink). */
  fill?: number;
  batchSize?: number;
}

export interface OcclusionMap {
  label: number;
  /** Probability of `label` on the intact image. */
  baseline: number;
  height: number;
  width: number;
  /** Per pixel: mean drop in the probability of `label` over all patch positions covering that pixel. */
  values: Float32Array;
  /** Largest drop over all patch positions. */
  maxDrop: number;
}

/** Slides a filled patch over each image and records how much the probability of its label falls. */
export function occlusionSensitivity(
  model: LayersModel,
  x: tfCore.Tensor4D,
  labels: readonly number[],
  options: OcclusionOptions = {},
): OcclusionMap[] {
  const { patch = 6, stride = 2, fill = 0.5, batchSize = 512 } = options;
  const [n, height, width] = x.shape;
  const positions: [number, number][] = [];
  for (let r = 0; r + patch <= height; r += stride) {
    for (let c = 0; c + patch <= width; c += stride) positions.push([r, c]);
  }
  const pixels = x.dataSync() as Float32Array;
  const probabilityOf = (images: Float32Array, count: number, label: (k: number) => number): Float32Array => {
    const out = new Float32Array(count);
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const probs = tf.tidy(() => {
        const batch = tf.tensor4d(images.subarray(start * height * width, (start + size) * height * width), [
          size,
          height,
          width,
          1,
        ]);
        return tf.softmax(logits(model, batch));
      });
      const data = probs.dataSync() as Float32Array;
      const classes = probs.shape[1] as number;
      probs.dispose();
      for (let k = 0; k < size; k++) out[start + k] = data[k * classes + label(start + k)];
    }
    return out;
  };
  const baseline = probabilityOf(pixels, n, (k) => labels[k]);
  return Array.from({ length: n }, (_, i) => {
    const image = pixels.subarray(i * height * width, (i + 1) * height * width);
    const occluded = new Float32Array(positions.length * height * width);
    positions.forEach(([r, c], p) => {
      const target = occluded.subarray(p * height * width, (p + 1) * height * width);
      target.set(image);
      for (let dr = 0; dr < patch; dr++) {
        target.fill(fill, (r + dr) * width + c, (r + dr) * width + c + patch);
      }
    });
    const probs = probabilityOf(occluded, positions.length, () => labels[i]);
    const sum = new Float32Array(height * width), count = new Float32Array(height * width);
    let maxDrop = -Infinity;
    positions.forEach(([r, c], p) => {
      const drop = baseline[i] - probs[p];
      maxDrop = Math.max(maxDrop, drop);
      for (let dr = 0; dr < patch; dr++) {
        for (let dc = 0; dc < patch; dc++) {
          sum[(r + dr) * width + c + dc] += drop;
          count[(r + dr) * width + c + dc] += 1;
        }
      }
    });
    const values = sum.map((s, k) => (count[k] > 0 ? s / count[k] : 0));
    return { label: labels[i], baseline: baseline[i], height, width, values, maxDrop };
  });
}

/** Share of an attribution map's total magnitude that lies on ink pixels (input above `ink`). */
export function inkShare(values: ArrayLike<number>, image: ArrayLike<number>, ink: number): number {
  let onInk = 0, total = 0;
  for (let k = 0; k < values.length; k++) {
    total += Math.abs(values[k]);
    if (image[k] > ink) onInk += Math.abs(values[k]);
  }
  return total > 0 ? onInk / total : 0;
}

/** Share of an image's pixels that are ink (above `ink`). */
export function inkArea(image: ArrayLike<number>, ink: number): number {
  return Array.from(image).filter((v) => v > ink).length / image.length;
}
