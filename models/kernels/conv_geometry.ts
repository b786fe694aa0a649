/** Index arithmetic for expressing convolution gradients as forward convolutions (NHWC, no dilation). */
import { tfCore } from "../tf.ts";

export interface AxisGeometry {
  /** Input length along this axis (H or W). */
  input: number;
  /** Forward output length (H' or W'). */
  output: number;
  filter: number;
  stride: number;
  /** Forward padding before the first element (top or left). */
  padBefore: number;
}

/** Amounts to add (positive) or remove (negative) at both ends of one axis. */
export interface AxisAdjust {
  before: number;
  after: number;
}

/**
 * dx along one axis: dy, zero-stuffed to `output * stride` elements (each value followed by stride-1
 * zeros), is padded or cropped so that a stride-1 correlation with the reversed filter yields `input`
 * elements.
 */
export function inputGradientAdjust(axis: AxisGeometry): AxisAdjust {
  const stuffedLength = axis.output * axis.stride;
  const before = axis.filter - 1 - axis.padBefore;
  const paddedLength = axis.input + axis.filter - 1;
  return { before, after: paddedLength - stuffedLength - before };
}

/**
 * dW along one axis: x is padded or cropped so that a stride-1 correlation with dy dilated by the stride
 * yields exactly `filter` elements.
 */
export function filterGradientAdjust(axis: AxisGeometry): AxisAdjust {
  const paddedLength = axis.filter + (axis.output - 1) * axis.stride;
  const before = axis.padBefore;
  return { before, after: paddedLength - axis.input - before };
}

/** Splits an adjustment into a crop (removed elements) and a pad (added zeros), both non-negative. */
export function splitAdjust(adjust: AxisAdjust): { crop: AxisAdjust; pad: AxisAdjust } {
  return {
    crop: { before: Math.max(0, -adjust.before), after: Math.max(0, -adjust.after) },
    pad: { before: Math.max(0, adjust.before), after: Math.max(0, adjust.after) },
  };
}

/** The row and column geometry of a forward convolution. */
export function axesOf(info: tfCore.backend_util.Conv2DInfo): { rows: AxisGeometry; cols: AxisGeometry } {
  return {
    rows: {
      input: info.inHeight,
      output: info.outHeight,
      filter: info.filterHeight,
      stride: info.strideHeight,
      padBefore: info.padInfo.top,
    },
    cols: {
      input: info.inWidth,
      output: info.outWidth,
      filter: info.filterWidth,
      stride: info.strideWidth,
      padBefore: info.padInfo.left,
    },
  };
}

/**
 * dW along one axis with the roles swapped (stride 1): dy, padded by the returned amounts, correlated with x
 * gives the filter's taps in reverse order. Null where a side would need cropping.
 */
export function swappedFilterGradientPadding(axis: AxisGeometry): AxisAdjust | null {
  if (axis.stride !== 1) return null;
  const before = axis.filter - 1 - axis.padBefore;
  const after = axis.filter - 1 + axis.input - axis.output - before;
  return before >= 0 && after >= 0 ? { before, after } : null;
}

/** The forward convolution's geometry for a dW kernel's arguments (NHWC, no dilation). */
export function filterGradientInfo(
  xShape: readonly number[],
  attrs: tfCore.Conv2DBackpropFilterAttrs,
): tfCore.backend_util.Conv2DInfo {
  return tfCore.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}
