import assert from "node:assert/strict";
import "@tensorflow/tfjs-backend-wasm";
import { tf, tfCore } from "../../models/tf.ts";
import {
  installConvGradientKernels,
  originalKernel,
  restoreConvGradientKernels,
} from "../../models/kernels/register.ts";

type Pad = "same" | "valid" | number;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const CASES: Case[] = [];
for (const pad of ["same", "valid"] as const) {
  for (const stride of [1, 2]) {
    CASES.push({ x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [stride, stride], pad });
    CASES.push({ x: [1, 6, 9, 2], filter: [2, 3, 2, 5], strides: [stride, stride], pad });
    CASES.push({ x: [3, 8, 5, 1], filter: [5, 4, 1, 2], strides: [stride, stride], pad });
    CASES.push({ x: [2, 5, 5, 4], filter: [1, 1, 4, 3], strides: [stride, stride], pad });
  }
}
CASES.push({ x: [2, 9, 11, 2], filter: [3, 2, 2, 3], strides: [3, 2], pad: "same" });
CASES.push({ x: [2, 9, 11, 2], filter: [3, 2, 2, 3], strides: [2, 3], pad: "valid" });
CASES.push({ x: [1, 6, 7, 2], filter: [3, 3, 2, 2], strides: [2, 1], pad: 1 });

const TOLERANCE = 1e-4;

function describe(c: Case): string {
  return `x${c.x.join("x")} f${c.filter.join("x")} s${c.strides.join(",")} ${c.pad}`;
}

function outputShape(c: Case): [number, number, number, number] {
  const info = tfCore.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  return info.outShape;
}

function values(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform(shape, -1, 1, "float32", seed).dataSync() as Float32Array);
}

/** Result of the unpatched cpu kernel, computed directly on the cpu backend's storage. */
function reference(
  kernelName: "Conv2DBackpropInput" | "Conv2DBackpropFilter",
  c: Case,
  a: Float32Array,
  b: Float32Array,
) {
  const backend = tf.findBackend("cpu") as tfCore.KernelBackend;
  const kernel = originalKernel(kernelName, "cpu");
  assert.ok(kernel, "cpu kernel registered");
  const [first, second] = kernelName === "Conv2DBackpropInput"
    ? [tf.tensor(a, outputShape(c)), tf.tensor(b, c.filter)]
    : [tf.tensor(a, c.x), tf.tensor(b, outputShape(c))];
  const inputs = kernelName === "Conv2DBackpropInput"
    ? { dy: first, filter: second }
    : { x: first, dy: second };
  const attrs = kernelName === "Conv2DBackpropInput"
    ? { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x }
    : { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
  const out = kernel.kernelFunc({
    inputs: inputs as unknown as tfCore.NamedTensorInfoMap,
    backend,
    attrs: attrs as unknown as tfCore.NamedAttrMap,
  }) as tfCore.TensorInfo;
  const result = {
    shape: out.shape,
    values: Float32Array.from(backend.readSync(out.dataId) as Float32Array),
  };
  backend.disposeData(out.dataId);
  first.dispose();
  second.dispose();
  return result;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function onBackend<T>(name: string, body: () => T): Promise<T> {
  await tf.setBackend(name);
  await tf.ready();
  return body();
}

function checkBackend(backendName: string) {
  for (const [index, c] of CASES.entries()) {
    const dy = values(outputShape(c), 100 + index);
    const filter = values(c.filter, 200 + index);
    const x = values(c.x, 300 + index);
    const expectedDx = reference("Conv2DBackpropInput", c, dy, filter);
    const expectedDw = reference("Conv2DBackpropFilter", c, x, dy);
    const actual = tf.tidy(() => {
      const dx = tf.engine().runKernel("Conv2DBackpropInput", {
        dy: tf.tensor(dy, outputShape(c)),
        filter: tf.tensor(filter, c.filter),
      }, { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x }) as tfCore.Tensor;
      const dw = tf.engine().runKernel("Conv2DBackpropFilter", {
        x: tf.tensor(x, c.x),
        dy: tf.tensor(dy, outputShape(c)),
      }, { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter }) as tfCore.Tensor;
      return {
        dx: { shape: dx.shape, values: dx.dataSync() },
        dw: { shape: dw.shape, values: dw.dataSync() },
      };
    });
    assert.deepEqual(actual.dx.shape, expectedDx.shape, `${backendName} dx shape ${describe(c)}`);
    assert.deepEqual(actual.dw.shape, expectedDw.shape, `${backendName} dW shape ${describe(c)}`);
    const dxError = maxAbsDifference(actual.dx.values, expectedDx.values);
    const dwError = maxAbsDifference(actual.dw.values, expectedDw.values);
    assert.ok(dxError <= TOLERANCE, `${backendName} dx ${describe(c)}: max abs difference ${dxError}`);
    assert.ok(dwError <= TOLERANCE, `${backendName} dW ${describe(c)}: max abs difference ${dwError}`);
  }
}

for (const backendName of ["cpu", "wasm"]) {
  Deno.test(`${backendName}: conv gradient kernels match the unpatched cpu kernels`, async () => {
    await onBackend(backendName, () => installConvGradientKernels(backendName));
    try {
      await onBackend(backendName, () => checkBackend(backendName));
    } finally {
      restoreConvGradientKernels(backendName);
    }
  });

  Deno.test(`${backendName}: conv gradient kernels leak no tensor and no data id`, async () => {
    await onBackend(backendName, () => installConvGradientKernels(backendName));
    try {
      await onBackend(backendName, () => {
        const backend = tf.backend();
        const c: Case = { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: "same" };
        const x = tf.randomUniform(c.x, -1, 1, "float32", 1) as tfCore.Tensor4D;
        const filter = tf.randomUniform(c.filter, -1, 1, "float32", 2) as tfCore.Tensor4D;
        const tensorsBefore = tf.memory().numTensors;
        const idsBefore = backend.numDataIds();
        const loss = (a: tfCore.Tensor, b: tfCore.Tensor) =>
          tf.sum(tf.conv2d(a as tfCore.Tensor4D, b as tfCore.Tensor4D, c.strides, c.pad));
        const [dx, dw] = tf.grads(loss)([x, filter]);
        assert.equal(tf.memory().numTensors, tensorsBefore + 2, "only the two gradients remain");
        dx.dispose();
        dw.dispose();
        assert.equal(tf.memory().numTensors, tensorsBefore);
        assert.equal(backend.numDataIds(), idsBefore);
        x.dispose();
        filter.dispose();
      });
    } finally {
      restoreConvGradientKernels(backendName);
    }
  });
}

Deno.test("install is idempotent and restore brings back the original kernels", async () => {
  await onBackend("cpu", () => {
    const before = tfCore.getKernel("Conv2DBackpropFilter", "cpu");
    installConvGradientKernels("cpu");
    const installed = tfCore.getKernel("Conv2DBackpropFilter", "cpu");
    installConvGradientKernels("cpu");
    assert.equal(tfCore.getKernel("Conv2DBackpropFilter", "cpu"), installed);
    assert.notEqual(installed, before);
    restoreConvGradientKernels("cpu");
    assert.equal(tfCore.getKernel("Conv2DBackpropFilter", "cpu"), before);
  });
});
