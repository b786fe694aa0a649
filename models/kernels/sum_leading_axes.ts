import { hostArrays } from "./host_arrays.ts";
import type { KernelBackend, TensorInfo } from "./kernel_calls.ts";

/** The number of leading axes `axes` covers when it is exactly 0..k-1 (in any order), else 0. */
export function leadingAxesCount(axes: number | number[], rank: number): number {
  const list = (Array.isArray(axes) ? axes : [axes]).map((a) => (a < 0 ? a + rank : a));
  const unique = [...new Set(list)].sort((a, b) => a - b);
  const isPrefix = unique.length > 0 && unique.length < rank && unique.every((a, i) => a === i);
  return isPrefix ? unique.length : 0;
}

/** Column sums of x seen as a [rows, columns] matrix, accumulated in double precision. */
export function sumRowsLoops(x: Float32Array, rows: number, columns: number, out: Float32Array): void {
  const totals = new Float64Array(columns);
  for (let row = 0; row < rows; row++) {
    const base = row * columns;
    for (let c = 0; c < columns; c++) totals[c] += x[base + c];
  }
  out.set(totals);
}

/** Sum over the leading `count` axes of a float32 tensor (bias and broadcast gradients), as plain loops. */
export function sumLeadingAxes(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  count: number,
  keepDims: boolean,
): TensorInfo {
  const rows = x.shape.slice(0, count).reduce((a, b) => a * b, 1);
  const kept = x.shape.slice(count);
  const columns = kept.reduce((a, b) => a * b, 1);
  const shape = keepDims ? [...x.shape.slice(0, count).map(() => 1), ...kept] : kept;
  const arrays = hostArrays(backend, backendName);
  return arrays.output(shape, (out) => sumRowsLoops(arrays.read(x), rows, columns, out));
}
