import { tfCore } from "../tf.ts";
import { axesOf, inputGradientAdjust, splitAdjust } from "./conv_geometry.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";
import { cropSpatial, explicitPadding, zeroStuff } from "./spatial.ts";

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
    const flipped = calls.transpose(calls.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return calls.conv2d(cropped, flipped, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPadding(rows.pad, cols.pad),
    });
  });
}
