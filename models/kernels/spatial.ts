import type { AxisAdjust } from "./conv_geometry.ts";
import type { ExplicitPadding, KernelCalls, TensorInfo } from "./kernel_calls.ts";

/** Removes elements at the ends of axes 1 and 2 of an NHWC tensor; returns `x` itself when nothing is cut. */
export function cropSpatial(
  calls: KernelCalls,
  x: TensorInfo,
  rows: AxisAdjust,
  cols: AxisAdjust,
): TensorInfo {
  if (rows.before === 0 && rows.after === 0 && cols.before === 0 && cols.after === 0) return x;
  const [n, h, w, c] = x.shape;
  return calls.slice(x, [0, rows.before, cols.before, 0], [
    n,
    h - rows.before - rows.after,
    w - cols.before - cols.after,
    c,
  ]);
}

/** Follows every element of axes 1 and 2 by stride-1 zeros: [N,H,W,C] → [N,H·sh,W·sw,C]. */
export function zeroStuff(calls: KernelCalls, x: TensorInfo, strideH: number, strideW: number): TensorInfo {
  if (strideH === 1 && strideW === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = calls.reshape(x, [n, h, 1, w, 1, c]);
  const padded = calls.pad(spread, [[0, 0], [0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]]);
  return calls.reshape(padded, [n, h * strideH, w * strideW, c]);
}

export function explicitPadding(rows: AxisAdjust, cols: AxisAdjust): ExplicitPadding {
  return [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]];
}
