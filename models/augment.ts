/** Seeded geometric augmentation of image batches: small random shifts and zooms, one op for the whole batch. */
import type { Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import { type Tensor, tf } from "./tf.ts";
import { createRng } from "./seed.ts";

export interface ShiftZoom {
  /** Largest shift in pixels along each axis. */
  maxShift: number;
  /** Largest relative zoom in or out, e.g. 0.1 for ±10%. */
  maxZoom: number;
}

/** Each image is resampled through its own randomly shifted and zoomed window; outside pixels read as 0. */
export function shiftZoom({ maxShift, maxZoom }: ShiftZoom): (batch: Tensor, seed: number) => Tensor {
  return (batch, seed) => {
    const [count, height, width] = batch.shape;
    const rng = createRng(seed);
    const between = (limit: number) => (rng.next() * 2 - 1) * limit;
    const boxes = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const halfSpan = 0.5 / (1 + between(maxZoom));
      const centreY = 0.5 + between(maxShift) / (height - 1);
      const centreX = 0.5 + between(maxShift) / (width - 1);
      boxes.set([centreY - halfSpan, centreX - halfSpan, centreY + halfSpan, centreX + halfSpan], i * 4);
    }
    return tf.tidy(() =>
      tf.image.cropAndResize(
        batch as Tensor4D,
        tf.tensor2d(boxes, [count, 4]) as Tensor2D,
        tf.range(0, count, 1, "int32"),
        [height, width],
        "bilinear",
        0,
      )
    );
  };
}
