import type { tfCore } from "../tf.ts";
import {
  axesOf,
  filterGradientAdjust,
  filterGradientInfo,
  splitAdjust,
  swappedFilterGradientPadding,
} from "./conv_geometry.ts";
import { hostArrays } from "./host_arrays.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";
import { cropSpatial, explicitPadding } from "./spatial.ts";

/**
 * dW of an NHWC convolution as one forward convolution with the batch as the channel axis:
 * x as [C,H,W,N] correlated with dy as [H',W',N,F] dilated by the stride gives [C,fh,fw,F].
 */
export function conv2dBackpropFilterViaConv2D(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: tfCore.Conv2DBackpropFilterAttrs,
): TensorInfo {
  const info = filterGradientInfo(x.shape, attrs);
  const axes = axesOf(info);
  const rows = splitAdjust(filterGradientAdjust(axes.rows));
  const cols = splitAdjust(filterGradientAdjust(axes.cols));
  return withKernelCalls(backend, backendName, (calls) => {
    const channelsAsBatch = calls.transpose(cropSpatial(calls, x, rows.crop, cols.crop), [3, 1, 2, 0]);
    const batchAsInput = calls.transpose(dy, [1, 2, 0, 3]);
    const perChannel = calls.conv2d(channelsAsBatch, batchAsInput, {
      strides: [1, 1],
      dilations: [info.strideHeight, info.strideWidth],
      pad: explicitPadding(rows.pad, cols.pad),
    });
    return calls.transpose(perChannel, [1, 2, 0, 3]);
  });
}

/** [F,fh,fw,C] with both spatial axes reversed, as [fh,fw,C,F]. */
export function reversedFilterFromSwapped(
  values: Float32Array,
  shape: readonly number[],
  out: Float32Array,
): void {
  const [outChannels, fh, fw, channels] = shape;
  let at = 0;
  for (let row = 0; row < fh; row++) {
    for (let col = 0; col < fw; col++) {
      for (let c = 0; c < channels; c++) {
        for (let f = 0; f < outChannels; f++) {
          out[at++] = values[((f * fh + (fh - 1 - row)) * fw + (fw - 1 - col)) * channels + c];
        }
      }
    }
  }
}

/**
 * dW of a stride-1 NHWC convolution with x as the filter: dy as [F,H',W',N] (padded) correlated with x as
 * [H,W,N,C] gives [F,fh,fw,C] with the taps reversed. The backend packs the filter operand of every
 * convolution it runs, so this route suits layers whose input is smaller than their output (C < F). Null
 * where the geometry does not allow it (strides, or padding that would need cropping).
 */
export function conv2dBackpropFilterSwapped(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: tfCore.Conv2DBackpropFilterAttrs,
): TensorInfo | null {
  const info = filterGradientInfo(x.shape, attrs);
  const axes = axesOf(info);
  const rows = swappedFilterGradientPadding(axes.rows);
  const cols = swappedFilterGradientPadding(axes.cols);
  if (rows === null || cols === null) return null;
  const arrays = hostArrays(backend, backendName);
  return withKernelCalls(backend, backendName, (calls) => {
    const swapped = calls.conv2d(calls.transpose(dy, [3, 1, 2, 0]), calls.transpose(x, [1, 2, 0, 3]), {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPadding(rows, cols),
    });
    return calls.adopt(
      arrays.output(
        attrs.filterShape,
        (out) => reversedFilterFromSwapped(arrays.read(swapped), swapped.shape, out),
      ),
    );
  });
}
