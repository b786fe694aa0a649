import type { tfCore } from "../tf.ts";
import { axesOf, type AxisGeometry, filterGradientInfo, splitAdjust } from "./conv_geometry.ts";
import { hostArrays } from "./host_arrays.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";
import { cropSpatial, explicitPadding } from "./spatial.ts";

/** Padding (or cropping) that makes a VALID convolution reproduce the forward output length exactly. */
function forwardAdjust(axis: AxisGeometry) {
  const needed = (axis.output - 1) * axis.stride + axis.filter;
  return splitAdjust({ before: axis.padBefore, after: needed - axis.input - axis.padBefore });
}

/** Patch depth (fh·fw·C) up to which dW is computed from explicit patches; beyond it extraction costs too much. */
export const MAX_PATCH_DEPTH = 16;

/** A [fh,fw,C,fh·fw·C] filter whose convolution copies each input patch into the channel axis. */
export function patchExtractionFilter(fh: number, fw: number, channels: number, out: Float32Array): void {
  const depth = fh * fw * channels;
  for (let tap = 0; tap < depth; tap++) out[tap * depth + tap] = 1;
}

/** Rows transposed together, so that a block of the source stays in cache while its columns are written. */
const TRANSPOSE_BLOCK = 256;

/** `rows` × `cols` row-major `values` transposed into `out` (cols × rows). */
export function transposeRows(values: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let first = 0; first < rows; first += TRANSPOSE_BLOCK) {
    const last = Math.min(rows, first + TRANSPOSE_BLOCK);
    for (let col = 0; col < cols; col++) {
      const base = col * rows;
      for (let row = first, from = first * cols + col; row < last; row++, from += cols) {
        out[base + row] = values[from];
      }
    }
  }
}

/**
 * dW of an NHWC convolution with a shallow patch (first layers: one input channel): the forward geometry
 * extracts patches [N,H',W',fh·fw·C] with one Conv2D, and dWᵀ = dyᵀ · patches is one matrix product whose
 * right operand, the one the backend packs, is the narrow patch matrix rather than dy.
 */
export function conv2dBackpropFilterViaPatches(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: tfCore.Conv2DBackpropFilterAttrs,
): TensorInfo {
  const [fh, fw, channels, outChannels] = attrs.filterShape;
  const depth = fh * fw * channels;
  const info = filterGradientInfo(x.shape, attrs);
  const axes = axesOf(info);
  const rowsAdjust = forwardAdjust(axes.rows);
  const colsAdjust = forwardAdjust(axes.cols);
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const arrays = hostArrays(backend, backendName);
  return withKernelCalls(backend, backendName, (calls) => {
    const extraction = calls.adopt(
      arrays.output([fh, fw, channels, depth], (out) => patchExtractionFilter(fh, fw, channels, out)),
    );
    const patches = calls.conv2d(cropSpatial(calls, x, rowsAdjust.crop, colsAdjust.crop), extraction, {
      strides: [info.strideHeight, info.strideWidth],
      dilations: [1, 1],
      pad: explicitPadding(rowsAdjust.pad, colsAdjust.pad),
    });
    const dyT = calls.adopt(
      arrays.output([1, outChannels, rows], (out) => transposeRows(arrays.read(dy), rows, outChannels, out)),
    );
    const product = calls.run("BatchMatMul", {
      a: dyT,
      b: calls.reshape(patches, [1, rows, depth]),
    }, { transposeA: false, transposeB: false });
    return calls.reshape(calls.transpose(calls.reshape(product, [outChannels, depth]), [1, 0]), [
      fh,
      fw,
      channels,
      outChannels,
    ]);
  });
}
