import { tfCore } from "../tf.ts";
import { axesOf, inputGradientAdjust, splitAdjust } from "./conv_geometry.ts";
import { hostArrays } from "./host_arrays.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";
import { cropSpatial, explicitPadding, zeroStuff } from "./spatial.ts";

/** `filter` [fh,fw,in,out] reversed in both spatial axes with its channel axes swapped: [fh,fw,out,in]. */
export function flipFilter(filter: Float32Array, shape: readonly number[], out: Float32Array): void {
  const [fh, fw, channelsIn, channelsOut] = shape;
  let at = 0;
  for (let row = 0; row < fh; row++) {
    for (let col = 0; col < fw; col++) {
      const tap = ((fh - 1 - row) * fw + (fw - 1 - col)) * channelsIn * channelsOut;
      for (let o = 0; o < channelsOut; o++) {
        for (let c = 0; c < channelsIn; c++) out[at++] = filter[tap + c * channelsOut + o];
      }
    }
  }
}

/**
 * dx of an NHWC convolution as one stride-1 forward convolution: dy is zero-stuffed by the stride,
 * padded (or cropped), and correlated with the spatially reversed filter whose in/out channels are swapped.
 */
export function conv2dBackpropInputViaConv2D(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: tfCore.Conv2DBackpropInputAttrs,
): TensorInfo {
  const info = tfCore.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const axes = axesOf(info);
  const rows = splitAdjust(inputGradientAdjust(axes.rows));
  const cols = splitAdjust(inputGradientAdjust(axes.cols));
  return withKernelCalls(backend, backendName, (calls) => {
    const stuffed = zeroStuff(calls, dy, info.strideHeight, info.strideWidth);
    const cropped = cropSpatial(calls, stuffed, rows.crop, cols.crop);
    const [fh, fw, channelsIn, channelsOut] = filter.shape;
    const arrays = hostArrays(backend, backendName);
    const flipped = calls.adopt(
      arrays.output(
        [fh, fw, channelsOut, channelsIn],
        (out) => flipFilter(arrays.read(filter), filter.shape, out),
      ),
    );
    return calls.conv2d(cropped, flipped, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPadding(rows.pad, cols.pad),
    });
  });
}
