import assert from "node:assert/strict";
import { type Tensor, tf } from "../../models/tf.ts";
import { useBackend } from "../../models/backend.ts";
import { combine, flatWeights, ShardedSteps, shardGradients, shardRanges } from "../../models/shards.ts";
import { trainModel } from "../../models/train.ts";
import { toyModel, toyProblem } from "./helpers.ts";

Deno.test("a batch is cut into near-equal shards in order, empty ones dropped", () => {
  assert.deepEqual(shardRanges(64, 2), [[0, 32], [32, 64]]);
  assert.deepEqual(shardRanges(5, 2), [[0, 3], [3, 5]]);
  assert.deepEqual(shardRanges(7, 3), [[0, 3], [3, 5], [5, 7]]);
  assert.deepEqual(shardRanges(1, 2), [[0, 1]]);
});

Deno.test("combined shard results are the row-weighted means", () => {
  const combined = combine([
    { loss: 1, accuracy: 0.5, gradients: Float32Array.of(2, -4) },
    { loss: 4, accuracy: 1, gradients: Float32Array.of(8, 2) },
  ], [3, 1]);
  assert.equal(combined.loss, 1.75);
  assert.equal(combined.accuracy, 0.625);
  assert.deepEqual(Array.from(combined.gradients), [3.5, -2.5]);
});

function hostData(x: Tensor, y: Tensor) {
  return {
    x: x.dataSync() as Float32Array,
    xShape: x.shape,
    xDtype: "float32" as const,
    y: y.dataSync() as Int32Array,
    yShape: y.shape,
    yDtype: "int32" as const,
  };
}

Deno.test("the shards' combined gradient is the whole batch's within 1e-6", async () => {
  await useBackend("cpu");
  const model = toyModel(3);
  const { x, y } = toyProblem(10, 4);
  const whole = shardGradients(model, "categoricalCrossentropy", hostData(x, y));
  const parts = shardRanges(10, 3).map(([start, end]) =>
    shardGradients(
      model,
      "categoricalCrossentropy",
      hostData(tf.slice(x, start, end - start), tf.slice(y, start, end - start)),
    )
  );
  const combined = combine(parts, shardRanges(10, 3).map(([start, end]) => end - start));
  assert.ok(Math.abs(combined.loss - whole.loss) < 1e-6);
  assert.ok(Math.abs(combined.accuracy - whole.accuracy) < 1e-6);
  assert.ok(whole.gradients.some((g) => Math.abs(g) > 1e-3), "the gradient is not zero");
  for (let i = 0; i < whole.gradients.length; i++) {
    assert.ok(Math.abs(combined.gradients[i] - whole.gradients[i]) < 1e-6, `gradient ${i}`);
  }
  tf.dispose([x, y]);
  model.dispose();
});

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`${backend}: sharded training gives the same bits with a worker thread as without`, async () => {
    await useBackend(backend);
    const { x, y } = toyProblem(48, 5);
    const train = async (workers: number) => {
      const model = toyModel(6);
      const logs = await trainModel(model, x, y, { epochs: 2, batchSize: 16, seed: 7, shards: 2, workers });
      const weights = flatWeights(model);
      model.dispose();
      return { logs, weights };
    };
    const [alone, helped] = [await train(0), await train(1)];
    assert.deepEqual(Array.from(helped.weights), Array.from(alone.weights));
    assert.deepEqual(helped.logs.map((log) => log.loss), alone.logs.map((log) => log.loss));
    const start = flatWeights(toyModel(6));
    assert.ok(alone.weights.some((w, i) => w !== start[i]), "training moved the weights");
    tf.dispose([x, y]);
  });
}

Deno.test("a failing shard stops the step with its error and leaves no request pending", async () => {
  await useBackend("cpu");
  const model = toyModel(8);
  const optimizer = tf.train.adam(1e-3);
  const steps = await ShardedSteps.open(model, "categoricalCrossentropy", { shards: 2, workers: 1 });
  assert.equal(steps.workerCount, 1);
  // Four features where the model takes three: both shards' forward passes throw, here and in the worker.
  const x = tf.zeros([4, 4]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], "int32"), 3);
  const good = toyProblem(4, 9);
  try {
    await assert.rejects(() => steps.step(x, y, optimizer), /shape|size|match/i);
    // The worker answered before the step ended, so the next step starts cleanly.
    const [loss] = await steps.step(good.x, good.y, optimizer);
    assert.ok(Number.isFinite(loss));
  } finally {
    steps.close();
    tf.dispose([x, y, good.x, good.y]);
    optimizer.dispose();
    model.dispose();
  }
});

Deno.test("sharded training refuses layers whose training differs from thread to thread", async () => {
  await useBackend("cpu");
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4 }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  await assert.rejects(
    () => ShardedSteps.open(model, "categoricalCrossentropy", { shards: 2, workers: 0 }),
    /does not support Dropout layers/,
  );
  model.dispose();
});
