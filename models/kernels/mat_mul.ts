import { tfCore } from "../tf.ts";
import { type KernelBackend, type TensorInfo, withKernelCalls } from "./kernel_calls.ts";

type KernelFunc = tfCore.KernelFunc;

function batchSize(shape: number[]): number {
  return shape.slice(0, -2).reduce((a, b) => a * b, 1);
}

/** Elements of a transposed operand from which the product is computed the other way round instead; smaller
 * transposes cost less than the extra kernel calls (and the models' own layers stay below it). */
const FLIP_FROM = 1 << 18;

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
  const last = (shape: number[], fromEnd: number) => shape[shape.length - fromEnd];
  const rows = attrs.transposeA ? last(a.shape, 1) : last(a.shape, 2);
  const inner = attrs.transposeA ? last(a.shape, 2) : last(a.shape, 1);
  const cols = attrs.transposeB ? last(b.shape, 2) : last(b.shape, 1);
  const outer = tfCore.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...outer, rows, cols];
  return withKernelCalls(backend, backendName, (calls) => {
    const plain = { transposeA: false, transposeB: false };
    const flip = (x: TensorInfo) => calls.transpose(x, swapLastTwo(x.shape.length));
    const single = batchSize(a.shape) === 1 && batchSize(b.shape) === 1;
    const largeA = inner * rows >= FLIP_FROM;
    if (single && largeA && attrs.transposeA && !attrs.transposeB && (inner + rows) * cols < inner * rows) {
      // aᵀ·b = (bᵀ·a)ᵀ: when a is much larger than b and the product (a linear probe's weight gradient),
      // transposing b and the product copies less than transposing a.
      return calls.reshape(flip(calls.runFunc(original, { a: flip(b), b: a }, plain)), outShape);
    }
    const plainA = attrs.transposeA ? flip(a) : a;
    const plainB = attrs.transposeB ? flip(b) : b;
    if (batchSize(b.shape) === 1 && batchSize(a.shape) > 1) {
      const foldedA = calls.reshape(plainA, [1, batchSize(a.shape) * rows, inner]);
      const product = calls.runFunc(
        original,
        { a: foldedA, b: calls.reshape(plainB, [1, inner, cols]) },
        plain,
      );
      return calls.reshape(product, outShape);
    }
    if (!attrs.transposeA && !attrs.transposeB) return calls.runFunc(original, { a, b }, attrs);
    return calls.reshape(calls.runFunc(original, { a: plainA, b: plainB }, plain), outShape);
  });
}
