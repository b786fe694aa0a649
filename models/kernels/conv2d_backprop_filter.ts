import { tfCore } from "../tf.ts";
import { axesOf, filterGradientAdjust, splitAdjust } from "./conv_geometry.ts";
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
  const info = tfCore.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
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
