/** Seeded geometric augmentation of image batches: a small random affine warp per image, one op per batch. */
import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import { type Tensor, tf } from "./tf.ts";
import { createRng } from "./seed.ts";

export interface AffineJitter {
  /** Largest shift in pixels along each axis. */
  maxShift: number;
  /** Largest relative zoom in or out, e.g. 0.1 for ±10%. */
  maxZoom: number;
  /** Largest rotation either way, in degrees. */
  maxRotation: number;
}

/** Each image is resampled through its own random shift, zoom and rotation about its centre; outside reads 0.
 * On cpu images are warped one at a time: tfjs 4.22's cpu `Transform` zeroes every image after the first. */
export function randomAffine(jitter: AffineJitter): (batch: Tensor, seed: number) => Tensor {
  return (batch, seed) => {
    const [count, height, width] = batch.shape;
    const rng = createRng(seed);
    const between = (limit: number) => (rng.next() * 2 - 1) * limit;
    const transforms = new Float32Array(count * 8);
    const centreX = (width - 1) / 2;
    const centreY = (height - 1) / 2;
    for (let i = 0; i < count; i++) {
      const angle = (between(jitter.maxRotation) * Math.PI) / 180;
      const inverseScale = 1 / (1 + between(jitter.maxZoom));
      const shiftX = between(jitter.maxShift);
      const shiftY = between(jitter.maxShift);
      const cos = Math.cos(angle) * inverseScale;
      const sin = Math.sin(angle) * inverseScale;
      transforms.set([
        cos,
        -sin,
        centreX - cos * centreX + sin * centreY - shiftX,
        sin,
        cos,
        centreY - sin * centreX - cos * centreY - shiftY,
        0,
        0,
      ], i * 8);
    }
    return tf.tidy(() => {
      const all = tf.tensor2d(transforms, [count, 8]) as Tensor2D;
      if (tf.getBackend() !== "cpu") return tf.image.transform(batch as Tensor4D, all, "bilinear");
      const images = tf.split(batch, count, 0) as Tensor4D[];
      const rows = tf.split(all, count, 0) as Tensor2D[];
      return tf.concat(images.map((image, i) => tf.image.transform(image, rows[i], "bilinear")), 0);
    });
  };
}
