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

export function maxPoolGradOnHost(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  input: TensorInfo,
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
  return arrays.output(input.shape, (dx) => maxPoolGradLoops(arrays.read(input), arrays.read(dy), dx, info));
}
