import assert from "node:assert/strict";
import { backendLine, useBackend } from "../../models/backend.ts";
import {
  fastKernelsFor,
  installedFastKernels,
  restoreOriginalKernels,
} from "../../models/kernels/register.ts";
import { type LayersModel, tf } from "../../models/tf.ts";

const projectRoot = new URL("../../", import.meta.url);

function installed(packageName: string): boolean {
  try {
    return Deno.statSync(new URL(`node_modules/${packageName}/package.json`, projectRoot)).isFile;
  } catch {
    return false;
  }
}

function tinyCnn(seed: number): LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 3,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  return model;
}

async function trainedWeights(seed: number): Promise<Float32Array[]> {
  const model = tinyCnn(seed);
  const x = tf.randomUniform([16, 8, 8, 1], 0, 1, "float32", seed);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], "int32"), 3);
  await model.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  return weights;
}

Deno.test("auto picks wasm here, names why, and patches its conv gradients", async () => {
  const choice = await useBackend("auto");
  if (installed("@tensorflow/tfjs-node") || installed("@tensorflow/tfjs-node-gpu")) return;
  assert.equal(choice.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.match(choice.reason, /tfjs-node not installed/);
  assert.equal(backendLine(choice), `backend: wasm (${choice.reason})`);
  assert.ok(choice.threads >= 1);
  assert.deepEqual(installedFastKernels("wasm"), fastKernelsFor("wasm"));
});

Deno.test("a second call returns the same choice and re-activates it when another backend took over", async () => {
  const first = await useBackend("wasm");
  await tf.setBackend("cpu");
  const second = await useBackend("wasm");
  assert.equal(second, first);
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("a second call puts back kernels that something restored", async () => {
  await useBackend("wasm");
  restoreOriginalKernels("wasm");
  assert.deepEqual(installedFastKernels("wasm"), []);
  await useBackend("wasm");
  assert.deepEqual(installedFastKernels("wasm"), fastKernelsFor("wasm"));
});

Deno.test("cpu on request, with patched conv gradients", async () => {
  const choice = await useBackend("cpu");
  assert.deepEqual(choice, { name: "cpu", reason: "requested", threads: 1 });
  assert.equal(tf.getBackend(), "cpu");
  assert.deepEqual(installedFastKernels("cpu"), fastKernelsFor("cpu"));
});

Deno.test("a native request without the native package falls back to wasm with one reason", async () => {
  if (installed("@tensorflow/tfjs-node")) return;
  const choice = await useBackend("tensorflow");
  assert.equal(choice.name, "wasm");
  assert.equal(choice.reason, "tfjs-node not installed");
});

Deno.test("unknown backend names are rejected", async () => {
  await assert.rejects(() => useBackend("webgpu"), /unknown backend "webgpu"/);
});

for (const request of ["wasm", "cpu"]) {
  Deno.test(`${request}: same seed gives the same trained weights`, async () => {
    await useBackend(request);
    const first = await trainedWeights(7);
    const second = await trainedWeights(7);
    const other = await trainedWeights(8);
    assert.deepEqual(second, first);
    assert.notDeepEqual(other, first);
  });
}

Deno.test("wasm starts with the permissions chapters get (read project, write .cache, env)", async () => {
  const root = new URL(".", projectRoot).pathname.replace(/\/$/, "");
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${root}`,
      `--allow-write=${root}/.cache`,
      "--allow-env",
      new URL("tests/bench/print_backend.ts", projectRoot).pathname,
      "wasm",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(result.name, "wasm");
  assert.equal(result.probe, 9);
  assert.equal(stderr.trim(), "");
});
