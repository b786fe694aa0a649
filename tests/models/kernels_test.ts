import assert from "node:assert/strict";
import "@tensorflow/tfjs-backend-wasm";
import { tf, tfCore } from "../../models/tf.ts";
import {
  type FastKernel,
  fastKernelsFor,
  installedFastKernels,
  installFastKernels,
  originalKernel,
  restoreOriginalKernels,
} from "../../models/kernels/register.ts";
import {
  filterGradientAdjust,
  inputGradientAdjust,
  splitAdjust,
  swappedFilterGradientPadding,
} from "../../models/kernels/conv_geometry.ts";
import { leadingAxesCount } from "../../models/kernels/sum_leading_axes.ts";
import { maxPoolGradLoops, maxPoolGradTwoByTwo } from "../../models/kernels/max_pool_grad.ts";
import { flipFilter } from "../../models/kernels/conv2d_backprop_input.ts";
import { transposeRows } from "../../models/kernels/conv2d_backprop_filter_patches.ts";

type Shape4 = [number, number, number, number];
type Pad = "same" | "valid" | number;
interface Operand {
  shape: number[];
  values: Float32Array;
}
interface Result {
  shape: number[];
  values: Float32Array;
}
interface KernelCase {
  label: string;
  kernel: FastKernel;
  inputs: Record<string, Operand>;
  attrs: Record<string, unknown>;
}

const TOLERANCE = 1e-4;

function random(shape: number[], seed: number): Operand {
  const values = tf.tidy(() => tf.randomUniform(shape, -1, 1, "float32", seed).dataSync() as Float32Array);
  return { shape, values: Float32Array.from(values) };
}

/** Values on a coarse grid, clipped at zero like a ReLU output, so pooling windows contain ties. */
function tied(shape: number[], seed: number): Operand {
  const { values } = random(shape, seed);
  return { shape, values: values.map((v) => Math.max(0, Math.round(v * 3))) };
}

function convOutputShape(x: Shape4, filter: Shape4, strides: [number, number], pad: Pad): Shape4 {
  return tfCore.backend_util.computeConv2DInfo(x, filter, strides, 1, pad).outShape;
}

function convCases(): KernelCase[] {
  const geometries: { x: Shape4; filter: Shape4; strides: [number, number]; pad: Pad }[] = [];
  for (const pad of ["same", "valid"] as const) {
    for (const stride of [1, 2]) {
      const strides: [number, number] = [stride, stride];
      geometries.push({ x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides, pad });
      geometries.push({ x: [1, 6, 9, 2], filter: [2, 3, 2, 5], strides, pad });
      geometries.push({ x: [3, 8, 5, 1], filter: [5, 4, 1, 2], strides, pad });
      geometries.push({ x: [2, 5, 5, 4], filter: [1, 1, 4, 3], strides, pad });
      geometries.push({ x: [2, 9, 7, 1], filter: [3, 3, 1, 4], strides, pad });
      geometries.push({ x: [2, 6, 6, 2], filter: [2, 2, 2, 3], strides, pad });
    }
  }
  geometries.push({ x: [2, 9, 11, 2], filter: [3, 2, 2, 3], strides: [3, 2], pad: "same" });
  geometries.push({ x: [2, 9, 11, 2], filter: [3, 2, 2, 3], strides: [2, 3], pad: "valid" });
  geometries.push({ x: [1, 6, 7, 2], filter: [3, 3, 2, 2], strides: [2, 1], pad: 1 });
  geometries.push({ x: [2, 7, 8, 1], filter: [3, 3, 1, 2], strides: [2, 1], pad: 1 });
  // Deep patches and more output than input channels: dW with x as the filter operand (the swapped route).
  geometries.push({ x: [2, 6, 7, 4], filter: [2, 3, 4, 6], strides: [1, 1], pad: "same" });
  geometries.push({ x: [2, 8, 8, 3], filter: [3, 3, 3, 8], strides: [1, 1], pad: "valid" });
  geometries.push({ x: [1, 6, 7, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 1 });
  return geometries.flatMap((g, i): KernelCase[] => {
    const label = `x${g.x.join("x")} f${g.filter.join("x")} s${g.strides.join(",")} ${g.pad}`;
    const dy = random(convOutputShape(g.x, g.filter, g.strides, g.pad), 100 + i);
    const common = { strides: g.strides, pad: g.pad, dataFormat: "NHWC" };
    return [
      {
        label: `dx ${label}`,
        kernel: "Conv2DBackpropInput" as const,
        inputs: { dy, filter: random(g.filter, 200 + i) },
        attrs: { ...common, inputShape: g.x },
      },
      {
        label: `dW ${label}`,
        kernel: "Conv2DBackpropFilter" as const,
        inputs: { x: random(g.x, 300 + i), dy },
        attrs: { ...common, filterShape: g.filter },
      },
    ];
  });
}

function maxPoolCases(): KernelCase[] {
  const pools: { x: Shape4; size: number; stride: number; pad: Pad }[] = [
    { x: [2, 8, 8, 3], size: 2, stride: 2, pad: "valid" },
    { x: [2, 7, 9, 2], size: 2, stride: 2, pad: "same" },
    { x: [1, 7, 7, 4], size: 3, stride: 1, pad: "same" },
    { x: [2, 9, 6, 1], size: 3, stride: 2, pad: "valid" },
    // Odd sides under 2×2 windows: the last row and column take no gradient.
    { x: [1, 7, 9, 2], size: 2, stride: 2, pad: "valid" },
  ];
  return pools.flatMap((p, i) =>
    [random, tied].map((make, j) => {
      const x = make(p.x, 400 + i);
      const output = tf.tidy(() =>
        tf.maxPool(tf.tensor(x.values, p.x) as tfCore.Tensor4D, p.size, p.stride, p.pad)
      );
      const out = { shape: output.shape, values: Float32Array.from(output.dataSync()) };
      output.dispose();
      return {
        label: `maxPool ${p.x.join("x")} ${p.size}/${p.stride} ${p.pad}${j === 1 ? " with ties" : ""}`,
        kernel: "MaxPoolGrad" as const,
        inputs: { dy: random(out.shape, 500 + i), input: x, output: out },
        attrs: { filterSize: p.size, strides: p.stride, pad: p.pad },
      };
    })
  );
}

function matMulCases(): KernelCase[] {
  const products: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
    { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
    // Large enough for aᵀ·b to be computed as (bᵀ·a)ᵀ.
    { a: [256, 1100], b: [256, 10], transposeA: true, transposeB: false },
    { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
    { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { a: [2, 5, 7], b: [7, 3], transposeA: false, transposeB: false },
    { a: [2, 5, 7], b: [1, 3, 7], transposeA: false, transposeB: true },
    { a: [2, 7, 5], b: [2, 7, 3], transposeA: true, transposeB: false },
    { a: [1, 7, 5], b: [2, 7, 3], transposeA: true, transposeB: false },
    { a: [5, 7], b: [2, 3, 7], transposeA: false, transposeB: true },
  ];
  return products.map((p, i) => ({
    label: `matMul ${p.a.join("x")}${p.transposeA ? "ᵀ" : ""} · ${p.b.join("x")}${p.transposeB ? "ᵀ" : ""}`,
    kernel: "BatchMatMul" as const,
    inputs: { a: random(p.a, 600 + i), b: random(p.b, 700 + i) },
    attrs: { transposeA: p.transposeA, transposeB: p.transposeB },
  }));
}

function sumCases(): KernelCase[] {
  const sums: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { shape: [4, 5, 3, 6], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 3, 6], axis: [1, 0], keepDims: true },
    { shape: [7, 9], axis: 0, keepDims: false },
    { shape: [7, 9], axis: -1, keepDims: false },
    { shape: [3, 4, 5], axis: [0, 2], keepDims: false },
  ];
  return sums.map((c, i) => ({
    label: `sum ${c.shape.join("x")} over ${c.axis}${c.keepDims ? " keepDims" : ""}`,
    kernel: "Sum" as const,
    inputs: { x: random(c.shape, 800 + i) },
    attrs: { axis: c.axis, keepDims: c.keepDims },
  }));
}

function identityCases(): KernelCase[] {
  return [{ label: "identity 3x4x5", kernel: "Identity", inputs: { x: random([3, 4, 5], 900) }, attrs: {} }];
}

function sliceCases(): KernelCase[] {
  const slices: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [6, 256], begin: [0, 64], size: [6, 64] },
    { shape: [5, 4], begin: [1, 0], size: [3, -1] },
    { shape: [3, 4, 5], begin: [1, 0, 2], size: [2, 4, 3] },
    { shape: [2, 3, 4, 5], begin: [0, 1, 1, 1], size: [2, 2, 2, 3] },
    { shape: [7], begin: [2], size: [4] },
    // Whole trailing axes join the run: one channel (runs of 5, a row less one column), two whole axes, a
    // long run (640).
    { shape: [3, 6, 6, 1], begin: [0, 0, 1, 0], size: [-1, -1, 5, -1] },
    { shape: [4, 6, 5, 3], begin: [1, 2, 0, 0], size: [2, 3, 5, 3] },
    { shape: [3, 10, 40, 2], begin: [0, 1, 0, 0], size: [3, 8, 40, 2] },
  ];
  return slices.map((c, i) => ({
    label: `slice ${c.shape.join("x")} from ${c.begin} size ${c.size}`,
    kernel: "Slice" as const,
    inputs: { x: random(c.shape, 960 + i) },
    attrs: { begin: c.begin, size: c.size },
  }));
}

function splitCases(): KernelCase[] {
  return [
    { shape: [6, 256], numOrSizeSplits: 4, axis: 1 },
    { shape: [3, 5, 4], numOrSizeSplits: [1, 3, 1], axis: -2 },
  ].map((c, i) => ({
    label: `split ${c.shape.join("x")} into ${c.numOrSizeSplits} along ${c.axis}`,
    kernel: "SplitV" as const,
    inputs: { x: random(c.shape, 980 + i) },
    attrs: { numOrSizeSplits: c.numOrSizeSplits, axis: c.axis },
  }));
}

await tf.setBackend("cpu");
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
const CASES: KernelCase[] = [
  ...convCases(),
  ...maxPoolCases(),
  ...matMulCases(),
  ...sumCases(),
  ...identityCases(),
  ...sliceCases(),
  ...splitCases(),
];

/** Several outputs (SplitV) compare as one: their shapes in order, each ended by -1, and their values joined. */
function joined(parts: { shape: number[]; values: Float32Array }[]): Result {
  const values = new Float32Array(parts.reduce((sum, part) => sum + part.values.length, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part.values, offset);
    offset += part.values.length;
  }
  return parts.length === 1 ? parts[0] : { shape: parts.flatMap((part) => [...part.shape, -1]), values };
}

/** Result of the unpatched cpu kernel, run directly on the cpu backend's storage. */
function reference(c: KernelCase): Result {
  const backend = tf.findBackend("cpu") as tfCore.KernelBackend;
  const kernel = originalKernel(c.kernel, "cpu");
  assert.ok(kernel, `cpu ${c.kernel} registered`);
  const tensors = Object.entries(c.inputs).map(([name, o]) => [name, tf.tensor(o.values, o.shape)] as const);
  const out = kernel.kernelFunc({
    inputs: Object.fromEntries(tensors) as unknown as tfCore.NamedTensorInfoMap,
    backend,
    attrs: c.attrs as tfCore.NamedAttrMap,
  }) as tfCore.TensorInfo | tfCore.TensorInfo[];
  const outs = Array.isArray(out) ? out : [out];
  const result = joined(outs.map((info) => ({
    shape: info.shape,
    values: Float32Array.from(backend.readSync(info.dataId) as Float32Array),
  })));
  for (const info of outs) backend.disposeData(info.dataId);
  tf.dispose(tensors.map(([, t]) => t));
  return result;
}

function onActiveBackend(c: KernelCase): Result {
  let result: Result | undefined;
  tf.tidy(() => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([name, o]) => [name, tf.tensor(o.values, o.shape)]),
    );
    const out = tf.engine().runKernel(c.kernel, inputs, c.attrs as tfCore.NamedAttrMap) as
      | tfCore.Tensor
      | tfCore.Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    result = joined(outs.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) })));
  });
  return result!;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function activate(name: string): Promise<void> {
  await tf.setBackend(name);
  await tf.ready();
}

/** Runs `body` on `backendName` with exactly `kernels` patched, then puts back whatever was patched before. */
async function withPatched(
  backendName: string,
  kernels: readonly FastKernel[],
  body: () => void | Promise<void>,
): Promise<void> {
  const previously = installedFastKernels(backendName);
  await activate(backendName);
  restoreOriginalKernels(backendName);
  installFastKernels(backendName, kernels);
  try {
    await body();
  } finally {
    restoreOriginalKernels(backendName);
    installFastKernels(backendName, previously);
  }
}

for (const backendName of ["cpu", "wasm"]) {
  Deno.test(`${backendName}: patched kernels match the unpatched cpu kernels`, async () => {
    await activate(backendName);
    const patched = fastKernelsFor(backendName);
    const cases = CASES.filter((c) => patched.includes(c.kernel));
    const expected = cases.map(reference);
    await withPatched(backendName, patched, () => {
      for (const [i, c] of cases.entries()) {
        const actual = onActiveBackend(c);
        assert.deepEqual(actual.shape, expected[i].shape, `${backendName} ${c.label}: shape`);
        const error = maxAbsDifference(actual.values, expected[i].values);
        assert.ok(error <= TOLERANCE, `${backendName} ${c.label}: max abs difference ${error}`);
      }
    });
  });

  Deno.test(`${backendName}: training-step gradients leak no tensor and no data id`, async () => {
    await withPatched(backendName, fastKernelsFor(backendName), () => {
      const backend = tf.backend();
      // Every dW route: patches (one input channel), x as the filter operand (stride 1, more output channels),
      // and the batch as the channel axis (stride 2); then 2×2 pooling and a dense layer.
      const x = tf.randomUniform([2, 8, 8, 1], -1, 1, "float32", 1) as tfCore.Tensor4D;
      const filters = ([[3, 3, 1, 4], [3, 3, 4, 8], [3, 3, 8, 4]] as Shape4[]).map((shape, i) =>
        tf.randomUniform(shape, -1, 1, "float32", 2 + i) as tfCore.Tensor4D
      );
      const dense = tf.randomUniform([16, 5], -1, 1, "float32", 9) as tfCore.Tensor2D;
      const tensorsBefore = tf.memory().numTensors;
      const idsBefore = backend.numDataIds();
      const loss = (
        a: tfCore.Tensor,
        f1: tfCore.Tensor,
        f2: tfCore.Tensor,
        f3: tfCore.Tensor,
        w: tfCore.Tensor,
      ) => {
        const conv = (input: tfCore.Tensor, filter: tfCore.Tensor, stride: number) =>
          tf.relu(tf.conv2d(input as tfCore.Tensor4D, filter as tfCore.Tensor4D, stride, "same"));
        const features = tf.maxPool(
          conv(conv(conv(a, f1, 1), f2, 1), f3, 2) as tfCore.Tensor4D,
          2,
          2,
          "valid",
        );
        return tf.sum(tf.matMul(tf.reshape(features, [2, 16]), w as tfCore.Tensor2D));
      };
      const grads = tf.grads(loss)([x, ...filters, dense]);
      assert.equal(tf.memory().numTensors, tensorsBefore + 5, "only the five gradients remain");
      tf.dispose(grads);
      assert.equal(tf.memory().numTensors, tensorsBefore);
      assert.equal(backend.numDataIds(), idsBefore);
      tf.dispose([x, ...filters, dense]);
    });
  });
}

Deno.test("wasm: a shared-storage identity outlives its source and frees storage with the last holder", async () => {
  await withPatched("wasm", ["Identity"], () => {
    const backend = tf.backend();
    const idsBefore = backend.numDataIds();
    const source = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(source);
    assert.equal(backend.numDataIds(), idsBefore + 1, "the clone shares the source's storage");
    source.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3]);
    copy.dispose();
    assert.equal(backend.numDataIds(), idsBefore);
  });
});

Deno.test("install is idempotent and restore brings back the original kernels", async () => {
  await withPatched("cpu", [], () => {
    const before = tfCore.getKernel("Conv2DBackpropFilter", "cpu");
    installFastKernels("cpu");
    const installed = tfCore.getKernel("Conv2DBackpropFilter", "cpu");
    installFastKernels("cpu");
    assert.equal(tfCore.getKernel("Conv2DBackpropFilter", "cpu"), installed);
    assert.notEqual(installed, before);
    assert.deepEqual(installedFastKernels("cpu"), fastKernelsFor("cpu"));
    restoreOriginalKernels("cpu");
    assert.equal(tfCore.getKernel("Conv2DBackpropFilter", "cpu"), before);
    assert.deepEqual(installedFastKernels("cpu"), []);
  });
});

Deno.test("gradient geometry: padded lengths give back the input and filter lengths", () => {
  for (const input of [5, 6, 7, 9, 12]) {
    for (const filter of [1, 2, 3, 5]) {
      for (const stride of [1, 2, 3]) {
        for (const pad of ["same", "valid"] as const) {
          if (filter > input) continue;
          const info = tfCore.backend_util.computeConv2DInfo(
            [1, input, input, 1],
            [filter, filter, 1, 1],
            stride,
            1,
            pad,
          );
          const axis = { input, output: info.outHeight, filter, stride, padBefore: info.padInfo.top };
          const dx = inputGradientAdjust(axis);
          assert.equal(
            axis.output * stride + dx.before + dx.after - filter + 1,
            input,
            `dx ${JSON.stringify(axis)}`,
          );
          const dw = filterGradientAdjust(axis);
          assert.equal(
            input + dw.before + dw.after - (axis.output - 1) * stride,
            filter,
            `dW ${JSON.stringify(axis)}`,
          );
          const swapped = swappedFilterGradientPadding(axis);
          if (stride === 1) {
            // dy padded and correlated with the whole input gives one value per filter tap.
            assert.ok(swapped !== null, `swapped dW ${JSON.stringify(axis)}`);
            assert.equal(axis.output + swapped.before + swapped.after - input + 1, filter);
          } else {
            assert.equal(swapped, null);
          }
          for (const adjust of [dx, dw]) {
            const { crop, pad: added } = splitAdjust(adjust);
            assert.ok(Math.min(crop.before, crop.after, added.before, added.after) >= 0);
            assert.equal(added.before - crop.before, adjust.before);
            assert.equal(added.after - crop.after, adjust.after);
          }
        }
      }
    }
  }
});

Deno.test("leading axes are recognised in any order and only as a strict prefix", () => {
  assert.equal(leadingAxesCount([0, 1, 2], 4), 3);
  assert.equal(leadingAxesCount([1, 0], 4), 2);
  assert.equal(leadingAxesCount(0, 2), 1);
  assert.equal(leadingAxesCount(-2, 2), 1);
  assert.equal(leadingAxesCount([0, 2], 3), 0);
  assert.equal(leadingAxesCount(-1, 2), 0);
  assert.equal(leadingAxesCount([0, 1], 2), 0);
});

Deno.test("flipFilter reverses both spatial axes and swaps the channel axes, as reverse then transpose would", () => {
  const shape: Shape4 = [3, 2, 4, 5];
  const filter = random(shape, 31);
  const out = new Float32Array(filter.values.length);
  flipFilter(filter.values, shape, out);
  const expected = tf.tidy(() =>
    tf.transpose(tf.reverse(tf.tensor4d(filter.values, shape), [0, 1]), [0, 1, 3, 2]).dataSync()
  );
  assert.deepEqual(Array.from(out), Array.from(expected));
});

Deno.test("transposeRows transposes across its row blocks, including a partial last block", () => {
  for (const [rows, cols] of [[300, 5], [256, 3], [7, 32]]) {
    const values = Float32Array.from({ length: rows * cols }, (_, i) => i);
    const out = new Float32Array(values.length);
    transposeRows(values, rows, cols, out);
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) assert.equal(out[col * rows + row], values[row * cols + col]);
    }
  }
});

Deno.test("the 2×2 MaxPoolGrad routes exactly as the general loop: ties, NaN, −∞ and a missing maximum", () => {
  const info = tfCore.backend_util.computePool2DInfo([1, 2, 12, 1], 2, 2, 1, "valid");
  const N = Number.NaN, I = Number.NEGATIVE_INFINITY;
  // Six windows of [top-left, top-right, bottom-left, bottom-right], laid out as two rows of twelve.
  const windows = [[0, 0, 0, 0], [1, 3, 3, 2], [N, 2, 2, 1], [I, I, I, I], [-0, 0, 0, -1], [2, 9, 1, N]];
  const x = new Float32Array(24);
  windows.forEach((w, k) => {
    [x[2 * k], x[2 * k + 1], x[12 + 2 * k], x[13 + 2 * k]] = w;
  });
  const shown = (values: Float32Array) => Array.from(values, (v) => Object.is(v, -0) ? "-0" : v);
  // The forward maximum as a backend might give it: NaN propagated, NaN ignored, or (wasm's MaxPool on
  // [2, 9, 1, NaN]) a value short of the window's largest; and one that matches none of its values.
  const maxima = [[0, 3, N, I, 0, N], [0, 3, 2, I, 0, 9], [0, 3, 2, I, 0, 2], [0, 3, 2, I, 0.5, 9]];
  // dy with finite values, and with NaN and ±∞ (which times 0 must not reach the other positions).
  for (const dy of [[-1.5, 2, -3, 4, -5, 6], [N, 2, Infinity, 4, -Infinity, N]]) {
    const expected = new Float32Array(24);
    maxPoolGradLoops(x, Float32Array.from(dy), expected, info);
    for (const y of maxima) {
      const out = new Float32Array(24);
      maxPoolGradTwoByTwo(x, Float32Array.from(y), Float32Array.from(dy), out, info);
      assert.deepEqual(shown(out), shown(expected), `y = ${y}, dy = ${dy}`);
    }
  }
});
