import { tfCore } from "../tf.ts";
import { hostArrays } from "./host_arrays.ts";
import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

type PoolInfo = tfCore.backend_util.Conv2DInfo;

/**
 * Routes each dy value to the first strictly largest input of its pooling window (row-major window
 * order), accumulating where windows overlap. NHWC.
 */
export function maxPoolGradLoops(x: Float32Array, dy: Float32Array, dx: Float32Array, info: PoolInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const windowBases = new Int32Array(effectiveFilterHeight * effectiveFilterWidth);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const rowCorner = yr * strideHeight - top;
      for (let yc = 0; yc < outWidth; yc++) {
        const colCorner = yc * strideWidth - left;
        let count = 0;
        for (let wr = 0; wr < effectiveFilterHeight; wr += dilationHeight) {
          const xr = rowCorner + wr;
          if (xr < 0 || xr >= inHeight) continue;
          for (let wc = 0; wc < effectiveFilterWidth; wc += dilationWidth) {
            const xc = colCorner + wc;
            if (xc >= 0 && xc < inWidth) {
              windowBases[count++] = ((b * inHeight + xr) * inWidth + xc) * inChannels;
            }
          }
        }
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * inChannels;
        for (let d = 0; d < inChannels; d++) {
          let best = Number.NEGATIVE_INFINITY;
          let bestAt = -1;
          for (let w = 0; w < count; w++) {
            const at = windowBases[w] + d;
            const value = x[at];
            if (value > best) {
              best = value;
              bestAt = at;
            }
          }
          if (bestAt >= 0) dx[bestAt] += dy[dyBase + d];
        }
      }
    }
  }
}

/** Whether every window is a whole, disjoint 2×2 block (the SimpleCNN's pooling). */
export function isPlainTwoByTwo(info: PoolInfo): boolean {
  return info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 &&
    info.strideWidth === 2 && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight * 2 <= info.inHeight &&
    info.outWidth * 2 <= info.inWidth;
}

/**
 * `maxPoolGradLoops` for `isPlainTwoByTwo` windows, given the forward output `y` (each window's maximum):
 * the first candidate equal to it takes dy, found without branches (compares and branches on random
 * activations mispredict). A window with a value or dy that is not finite, or whose y is none of its
 * values, takes the general loop; for finite values y, the forward maximum, is their largest.
 */
export function maxPoolGradTwoByTwo(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: PoolInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const rowStride = inWidth * channels;
  let g = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const topLeft = ((b * inHeight + 2 * yr) * inWidth + 2 * yc) * channels;
        for (let d = 0; d < channels; d++, g++) {
          const p0 = topLeft + d;
          const p1 = p0 + channels;
          const p2 = p0 + rowStride;
          const p3 = p2 + channels;
          const max = y[g];
          const value = dy[g];
          const x0 = x[p0], x1 = x[p1], x2 = x[p2], x3 = x[p3];
          const e0 = +(x0 === max);
          const e1 = +(x1 === max) * (1 - e0);
          const e2 = +(x2 === max) * (1 - e0 - e1);
          const e3 = +(x3 === max) * (1 - e0 - e1 - e2);
          // The general loop where a value or dy is not finite (a backend's MaxPool may pass over a NaN and stop
          // short of the largest value, and NaN or ∞ times 0 would reach every position), or y is none of them.
          const sum = x0 + x1 + x2 + x3 + value;
          if (sum - sum !== 0 || e0 + e1 + e2 + e3 === 0) {
            firstLargest(x, value, dx, p0, p1, p2, p3);
            continue;
          }
          // + 0 turns the −0 of a negative dy times 0 into the +0 the other positions hold.
          dx[p0] = value * e0 + 0;
          dx[p1] = value * e1 + 0;
          dx[p2] = value * e2 + 0;
          dx[p3] = value * e3 + 0;
        }
      }
    }
  }
}

/** One window of `maxPoolGradLoops`: dy to the first strictly largest of four positions, if any. */
function firstLargest(
  x: Float32Array,
  value: number,
  dx: Float32Array,
  ...positions: [number, number, number, number]
): void {
  let best = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (const position of positions) {
    if (x[position] > best) {
      best = x[position];
      at = position;
    }
  }
  if (at >= 0) dx[at] += value;
}

export function maxPoolGradOnHost(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  input: TensorInfo,
  output: TensorInfo | undefined,
  attrs: tfCore.MaxPoolGradAttrs,
): TensorInfo {
  const info = tfCore.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const arrays = hostArrays(backend, backendName);
  return arrays.output(input.shape, (dx) => {
    if (isPlainTwoByTwo(info) && output !== undefined) {
      maxPoolGradTwoByTwo(arrays.read(input), arrays.read(output), arrays.read(dy), dx, info);
    } else {
      maxPoolGradLoops(arrays.read(input), arrays.read(dy), dx, info);
    }
  });
}
