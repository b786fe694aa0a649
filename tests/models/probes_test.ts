import assert from "node:assert/strict";
import type { Tensor4D } from "@tensorflow/tfjs-core";
import { tf } from "../../models/tf.ts";
import type { LayersModel, Tensor } from "../../models/tf.ts";
import { buildSimpleCNN, SIMPLE_CNN_LAYERS } from "../../models/cnn.ts";
import { convKernels, type GradientTarget, inputGradient, layerActivations } from "../../models/probes.ts";
import { createRng } from "../../models/seed.ts";

function randomImages(count: number, seed: number): Tensor {
  const rng = createRng(seed);
  return tf.tensor4d(Float32Array.from({ length: count * 784 }, () => rng.next()), [count, 28, 28, 1]);
}

function objective(model: LayersModel, x: Tensor, target: GradientTarget): number[] {
  const { gradient, values } = inputGradient(model, x, target);
  gradient.dispose();
  return Array.from(values);
}

Deno.test("one pass returns every named layer with the designed shapes", () => {
  const model = buildSimpleCNN(3);
  const x = randomImages(2, 1);
  const acts = layerActivations(model, x, SIMPLE_CNN_LAYERS);
  assert.deepEqual(acts.conv1.shape, [2, 28, 28, 32]);
  assert.deepEqual(acts.pool1.shape, [2, 14, 14, 32]);
  assert.deepEqual(acts.conv2.shape, [2, 14, 14, 64]);
  assert.deepEqual(acts.pool2.shape, [2, 7, 7, 64]);
  assert.deepEqual(acts.conv3.shape, [2, 7, 7, 64]);
  assert.deepEqual(acts.dense1.shape, [2, 128]);
  const predicted = model.predict(x) as Tensor;
  assert.deepEqual(Array.from(acts.output.dataSync()), Array.from(predicted.dataSync()));
  const [first] = convKernels(model);
  const manual = tf.tidy(() =>
    tf.relu(tf.add(tf.conv2d(x as Tensor4D, first.kernel, 1, "same"), first.bias!))
  );
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(manual, acts.conv1))).dataSync()[0]);
  assert.ok(difference < 1e-5, `conv1 differs by ${difference}`);
  tf.dispose([x, predicted, manual, first.kernel, first.bias!, ...Object.values(acts)]);
  model.dispose();
});

Deno.test("conv kernels of every conv layer are independent copies", () => {
  const model = buildSimpleCNN(3);
  const kernels = convKernels(model);
  assert.deepEqual(kernels.map((k) => k.layer), ["conv1", "conv2", "conv3"]);
  assert.deepEqual(kernels.map((k) => k.kernel.shape), [[3, 3, 1, 32], [3, 3, 32, 64], [3, 3, 64, 64]]);
  assert.deepEqual(kernels.map((k) => k.bias!.shape), [[32], [64], [64]]);
  const expected = Array.from(model.getLayer("conv1").getWeights()[0].dataSync());
  kernels.forEach((k) => tf.dispose([k.kernel, k.bias!]));
  assert.deepEqual(Array.from(model.getLayer("conv1").getWeights()[0].dataSync()), expected);
  model.dispose();
});

Deno.test("input gradients match finite differences and objectives match the forward pass", () => {
  const model = buildSimpleCNN(5);
  const x = randomImages(2, 2);
  const probabilities = Array.from((model.predict(x) as Tensor).dataSync());
  const targets: GradientTarget[] = [
    { kind: "class", index: 3, of: "logit" },
    { kind: "class", index: 3, of: "probability" },
    { kind: "channel", layer: "conv2", channel: 7 },
    { kind: "channel", layer: "dense1", channel: 0 },
  ];
  const before = tf.memory().numTensors;
  for (const target of targets) {
    const { gradient, values } = inputGradient(model, x, target);
    assert.deepEqual(gradient.shape, x.shape);
    assert.equal(values.length, 2);
    const norm = tf.tidy(() => tf.norm(gradient).dataSync()[0]);
    if (norm === 0) {
      gradient.dispose();
      continue;
    }
    const epsilon = 1e-2;
    const [plus, minus] = [epsilon, -epsilon].map((step) => {
      const moved = tf.tidy(() => tf.add(x, tf.mul(gradient, step / norm)));
      const value = objective(model, moved, target).reduce((a, b) => a + b, 0);
      moved.dispose();
      return value;
    });
    const slope = (plus - minus) / (2 * epsilon);
    assert.ok(Math.abs(slope - norm) < 0.05 * norm + 1e-4, `${JSON.stringify(target)}: ${slope} vs ${norm}`);
    gradient.dispose();
  }
  const sampleProbabilities = objective(model, x, { kind: "class", index: 3, of: "probability" });
  sampleProbabilities.forEach((p, i) => assert.ok(Math.abs(p - probabilities[i * 10 + 3]) < 1e-6));
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  model.dispose();
});
