import assert from "node:assert/strict";
import { type Tensor, tf } from "../../models/tf.ts";
import { useBackend } from "../../models/backend.ts";
import { countingTensors, randomCountingSet } from "../../models/data/counting.ts";
import { buildLSTMCounter, counterForward } from "../../models/lstm.ts";
import { lstmLastHidden } from "../../models/lstm_sequence.ts";
import { trainModel } from "../../models/train.ts";

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

function largest(values: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < values.length; i++) most = Math.max(most, Math.abs(values[i]));
  return most;
}

/** Loss and gradients for every trainable weight, through the layers' own model or through `forward`. */
function lossAndGradients(
  model: ReturnType<typeof buildLSTMCounter>,
  x: Tensor,
  y: Tensor,
  forward: (x: Tensor) => Tensor,
) {
  const variables = model.trainableWeights.map((w) => w.read() as ReturnType<typeof tf.variable>);
  const { value, grads } = tf.variableGrads(
    () => tf.mean(tf.metrics.binaryCrossentropy(y, forward(x))) as ReturnType<typeof tf.scalar>,
    variables,
  );
  const result = {
    loss: value.dataSync()[0],
    gradients: variables.map((v) => grads[v.name].dataSync() as Float32Array),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`${backend}: the sequence op's output and gradients equal the LSTM layer's within 1e-5`, async () => {
    await useBackend(backend);
    const config = { units: 12, length: 9 };
    const model = buildLSTMCounter(config, 7);
    // Training moves the weights away from their start, where some gradients vanish by symmetry.
    const { x, y } = countingTensors(randomCountingSet({ count: 40, length: config.length, seed: 3 }));
    const weights = model.getWeights().map((w) => tf.add(w, tf.randomNormal(w.shape, 0, 0.3, "float32", 5)));
    model.setWeights(weights);
    const layers = lossAndGradients(model, x, y, (input) => model.apply(input) as Tensor);
    const fused = lossAndGradients(model, x, y, counterForward(model));
    assert.ok(Math.abs(layers.loss - fused.loss) < 1e-5, `loss ${layers.loss} vs ${fused.loss}`);
    assert.equal(fused.gradients.length, 5);
    for (const [i, gradient] of fused.gradients.entries()) {
      assert.ok(largest(gradient) > 1e-4, `gradient ${i} is not zero`);
      const difference = maxAbsDifference(gradient, layers.gradients[i]);
      assert.ok(difference < 1e-5, `gradient ${i} differs by ${difference}`);
    }
    tf.dispose([x, y, ...weights]);
    model.dispose();
  });
}

Deno.test("the sequence op's input gradient is dz·Wᵀ and its shapes are checked", async () => {
  await useBackend("cpu");
  const units = 3;
  const x = tf.randomUniform([2, 4, 2], -1, 1, "float32", 1);
  const kernel = tf.randomUniform([2, 4 * units], -1, 1, "float32", 2);
  const recurrent = tf.randomUniform([units, 4 * units], -1, 1, "float32", 3);
  const bias = tf.randomUniform([4 * units], -1, 1, "float32", 4);
  const sum = (input: Tensor) => tf.sum(lstmLastHidden(input, kernel, recurrent, bias));
  const analytic = tf.grad(sum)(x).dataSync();
  const values = x.dataSync();
  const step = 1e-2;
  for (let i = 0; i < values.length; i++) {
    const shifted = (by: number) => {
      const moved = Float32Array.from(values);
      moved[i] += by;
      return tf.tidy(() => sum(tf.tensor3d(moved, [2, 4, 2])).dataSync()[0]);
    };
    const numeric = (shifted(step) - shifted(-step)) / (2 * step);
    assert.ok(Math.abs(numeric - analytic[i]) < 2e-3, `dx[${i}]: ${numeric} vs ${analytic[i]}`);
  }
  assert.throws(() => lstmLastHidden(tf.zeros([2, 4]), kernel, recurrent, bias), /batch, length, features/);
  assert.throws(() => lstmLastHidden(x, kernel, tf.zeros([units, units]), bias), /shapes do not fit/);
  tf.dispose([x, kernel, recurrent, bias]);
});

Deno.test("an epoch through the sequence op follows the layers' own training to 1e-4", async () => {
  await useBackend("wasm");
  const config = { units: 8, length: 6 };
  const { x, y } = countingTensors(randomCountingSet({ count: 96, length: config.length, seed: 11 }));
  const epoch = async (fused: boolean) => {
    const model = buildLSTMCounter(config, 4);
    const [log] = await trainModel(model, x, y, {
      epochs: 1,
      batchSize: 16,
      seed: 2,
      learningRate: 5e-3,
      loss: "binaryCrossentropy",
      forward: fused ? counterForward(model) : undefined,
    });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { log, weights: weights.flat() };
  };
  const [layers, fused] = [await epoch(false), await epoch(true)];
  assert.ok(
    Math.abs(layers.log.loss - fused.log.loss) < 1e-4,
    `loss ${layers.log.loss} vs ${fused.log.loss}`,
  );
  assert.equal(layers.log.accuracy, fused.log.accuracy);
  assert.ok(maxAbsDifference(layers.weights, fused.weights) < 1e-4);
  assert.ok(maxAbsDifference(layers.weights, (await epoch(false)).weights) === 0, "training is repeatable");
  tf.dispose([x, y]);
});
