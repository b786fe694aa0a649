import { tfCore } from "../tf.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";

type KernelFunc = tfCore.KernelFunc;

function batchSize(shape: number[]): number {
  return shape.slice(0, -2).reduce((a, b) => a * b, 1);
}

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * BatchMatMul that materialises transposed operands and folds a's batch into its rows when b has none,
 * so the backend's own kernel always sees the plain single-batch product it handles fastest.
 */
export function matMulWithoutTransposes(
  backend: KernelBackend,
  backendName: string,
  original: KernelFunc,
  a: TensorInfo,
  b: TensorInfo,
  attrs: { transposeA: boolean; transposeB: boolean },
): TensorInfo {
  if (batchSize(b.shape) !== 1 && batchSize(a.shape) !== 1) {
    return original({ inputs: { a, b }, backend, attrs }) as TensorInfo;
  }
  return withKernelCalls(backend, backendName, (calls) => {
    const plainA = attrs.transposeA ? calls.transpose(a, swapLastTwo(a.shape.length)) : a;
    const plainB = attrs.transposeB ? calls.transpose(b, swapLastTwo(b.shape.length)) : b;
    const rows = plainA.shape[plainA.shape.length - 2];
    const inner = plainA.shape[plainA.shape.length - 1];
    const cols = plainB.shape[plainB.shape.length - 1];
    const outer = tfCore.broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    const outShape = [...outer, rows, cols];
    if (batchSize(b.shape) === 1 && batchSize(a.shape) > 1) {
      const foldedA = calls.reshape(plainA, [1, batchSize(a.shape) * rows, inner]);
      const product = calls.runFunc(original, { a: foldedA, b: calls.reshape(plainB, [1, inner, cols]) }, {
        transposeA: false,
        transposeB: false,
      });
      return calls.reshape(product, outShape);
    }
    if (!attrs.transposeA && !attrs.transposeB) return calls.runFunc(original, { a, b }, attrs);
    const product = calls.runFunc(original, { a: plainA, b: plainB }, {
      transposeA: false,
      transposeB: false,
    });
    return calls.reshape(product, outShape);
  });
}
