/** Seeded geometric augmentation of image batches: a small random affine warp per image, resampled on the host
 * (one pass over the batch's pixels, the same on every backend). */
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

/** Each image is resampled through its own random shift, zoom and rotation about its centre (bilinear; reads
 * outside the image are 0), with the sampling of `tf.image.transform`. */
export function randomAffine(jitter: AffineJitter): (batch: Tensor, seed: number) => Tensor {
  return (batch, seed) => {
    const [count, height, width, channels] = batch.shape;
    const transforms = affineTransforms(jitter, count, height, width, seed);
    const warped = new Float32Array(batch.size);
    warpBilinear(batch.dataSync() as Float32Array, [count, height, width, channels], transforms, warped);
    return tf.tensor(warped, batch.shape);
  };
}

/** Per image the 6 coefficients a0…a2, b0…b2 that map an output pixel (x, y) to the input point
 * (a0·x + a1·y + a2, b0·x + b1·y + b2). */
export function affineTransforms(
  jitter: AffineJitter,
  count: number,
  height: number,
  width: number,
  seed: number,
): Float64Array {
  const rng = createRng(seed);
  const between = (limit: number) => (rng.next() * 2 - 1) * limit;
  const transforms = new Float64Array(count * 6);
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
    ], i * 6);
  }
  return transforms;
}

/** Bilinear resampling of NHWC `pixels` through one affine map per image; outside reads are 0. */
export function warpBilinear(
  pixels: Float32Array,
  [count, height, width, channels]: number[],
  transforms: Float64Array,
  out: Float32Array,
): void {
  const read = (base: number, row: number, col: number) =>
    row >= 0 && row < height && col >= 0 && col < width ? pixels[base + (row * width + col) * channels] : 0;
  for (let b = 0; b < count; b++) {
    const [a0, a1, a2, b0, b1, b2] = transforms.subarray(b * 6, b * 6 + 6);
    const imageBase = b * height * width * channels;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inX = a0 * x + a1 * y + a2;
        const inY = b0 * x + b1 * y + b2;
        const x0 = Math.floor(inX);
        const y0 = Math.floor(inY);
        const fx = inX - x0;
        const fy = inY - y0;
        const outBase = imageBase + (y * width + x) * channels;
        for (let c = 0; c < channels; c++) {
          const base = imageBase + c;
          const top = (1 - fx) * read(base, y0, x0) + fx * read(base, y0, x0 + 1);
          const bottom = (1 - fx) * read(base, y0 + 1, x0) + fx * read(base, y0 + 1, x0 + 1);
          out[outBase + c] = (1 - fy) * top + fy * bottom;
        }
      }
    }
  }
}
