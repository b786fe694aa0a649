import { tfCore } from "../tf.ts";
import { hostArrays } from "./host_arrays.ts";
import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

/** Runs shorter than this are copied element by element (cheaper than a subarray view per run). */
const SHORT_RUN = 64;

/**
 * Slice of a float32 tensor copied run by run straight from the backend's storage. The wasm backend's own
 * Slice first copies the whole input out of its heap, so cutting a [rows, 4·units] gate matrix into four
 * gates copied it four times.
 */
export function sliceFromStorage(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  attrs: { begin: number | number[]; size?: number | number[] },
): TensorInfo {
  const [begin, size] = tfCore.slice_util.parseSliceParams(
    x as tfCore.TensorInfo & tfCore.Tensor,
    attrs.begin,
    attrs.size,
  );
  const arrays = hostArrays(backend, backendName);
  const strides = tfCore.util.computeStrides(x.shape);
  const rank = x.shape.length;
  return arrays.output(size, (out) => {
    const source = arrays.read(x);
    if (rank === 0 || tfCore.slice_util.isSliceContinous(x.shape, begin, size)) {
      const offset = rank === 0 ? 0 : tfCore.slice_util.computeFlatOffset(begin, strides);
      out.set(source.subarray(offset, offset + out.length));
      return;
    }
    // A run is contiguous in the source: the innermost cut axis and every whole axis inside it.
    let inner = rank - 1;
    let run = size[inner];
    while (inner > 0 && size[inner] === x.shape[inner]) run *= size[--inner];
    const index = new Array<number>(inner).fill(0);
    for (let written = 0; written < out.length; written += run) {
      let offset = begin[inner] * (inner === rank - 1 ? 1 : strides[inner]);
      for (let axis = 0; axis < inner; axis++) offset += (begin[axis] + index[axis]) * strides[axis];
      if (run < SHORT_RUN) { for (let i = 0; i < run; i++) out[written + i] = source[offset + i]; }
      else out.set(source.subarray(offset, offset + run), written);
      for (let axis = inner - 1; axis >= 0; axis--) {
        if (++index[axis] < size[axis]) break;
        index[axis] = 0;
      }
    }
  });
}

/** SplitV as consecutive `sliceFromStorage` pieces along one axis (the wasm backend's own goes through its
 * whole-input-copying Slice once per piece). */
export function splitFromStorage(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  attrs: { numOrSizeSplits: number | number[]; axis: number },
): TensorInfo[] {
  const axis = tfCore.util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = tfCore.backend_util.prepareSplitSize(
    x as tfCore.TensorInfo & tfCore.Tensor,
    attrs.numOrSizeSplits,
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((pieceSize) => {
    const size = [...x.shape];
    size[axis] = pieceSize;
    const piece = sliceFromStorage(backend, backendName, x, { begin: [...begin], size });
    begin[axis] += pieceSize;
    return piece;
  });
}
