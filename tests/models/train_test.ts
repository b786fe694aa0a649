import assert from "node:assert/strict";
import { tf } from "../../models/tf.ts";
import { accuracyOf, trainModel } from "../../models/train.ts";
import { toyModel, toyProblem, weightValues } from "./helpers.ts";
import { installProgressSink, type ProgressUpdate } from "../../report/progress.ts";

Deno.test("same seed gives identical weights; another seed differs", async () => {
  const { x, y } = toyProblem(256, 3);
  const run = async (seed: number) => {
    const model = toyModel(seed);
    await trainModel(model, x, y, { epochs: 3, batchSize: 32, seed });
    const weights = weightValues(model);
    model.dispose();
    return weights;
  };
  const first = await run(5);
  assert.deepEqual(await run(5), first);
  assert.notDeepEqual(await run(6), first);
  tf.dispose([x, y]);
});

Deno.test("training learns, logs every epoch, follows the schedule and reports progress", async () => {
  const { x, y } = toyProblem(512, 4);
  const model = toyModel(1);
  const before = accuracyOf(model, x, y);
  const updates: ProgressUpdate[] = [];
  installProgressSink((update) => updates.push(update));
  try {
    const logs = await trainModel(model, x, y, {
      epochs: 12,
      batchSize: 32,
      seed: 1,
      learningRate: (epoch) => 0.02 / epoch,
      task: "toy",
      validation: { x, y },
    });
    assert.deepEqual(logs.map((l) => l.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(logs.map((l) => l.learningRate), logs.map((l) => 0.02 / l.epoch));
    assert.ok(logs.at(-1)!.loss < logs[0].loss);
    assert.ok(logs.every((l) => l.valAccuracy !== undefined && l.valLoss !== undefined));
    const after = accuracyOf(model, x, y);
    assert.ok(after > 0.9 && after > before, `accuracy ${before} -> ${after}`);
    assert.ok(Math.abs(after - logs.at(-1)!.valAccuracy!) < 1e-6);
    assert.equal(updates.length, 12 * 16);
    assert.equal(updates.at(-1)!.done, updates.at(-1)!.total);
    assert.equal(updates.at(-1)!.task, "toy");
    assert.deepEqual(
      updates.slice(0, 17).map((u) => u.metrics!.batch),
      [...Array(16).keys()].map((b) => b + 1).concat(1),
    );
    assert.deepEqual(updates.slice(15, 17).map((u) => u.metrics!.epoch), [1, 2]);
    assert.ok(Math.abs(updates[15].metrics!.loss - logs[0].loss) < 1e-6);
    assert.ok(Math.abs(updates[15].metrics!.acc - logs[0].accuracy) < 1e-6);
    assert.ok(updates.every((u) => u.etaSeconds! >= 0) && updates.at(-1)!.etaSeconds === 0);
  } finally {
    installProgressSink(undefined);
  }
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("stopWhen ends early and keepBest restores the best-scoring epoch", async () => {
  const { x, y } = toyProblem(256, 7);
  const model = toyModel(2);
  const snapshots: number[][][] = [];
  const scores = [0.3, 0.9, 0.5, 0.4, 0.1];
  const logs = await trainModel(model, x, y, {
    epochs: 10,
    batchSize: 64,
    seed: 2,
    learningRate: 0.05,
    keepBest: (m, log) => {
      snapshots.push(weightValues(m));
      return scores[log.epoch - 1];
    },
    stopWhen: (log) => log.epoch === scores.length,
  });
  assert.equal(logs.length, scores.length);
  assert.deepEqual(logs.map((l) => l.score), scores);
  assert.deepEqual(weightValues(model), snapshots[1]);
  model.dispose();
  tf.dispose([x, y]);
});

Deno.test("trainModel leaks no tensors", async () => {
  const { x, y } = toyProblem(128, 9);
  const model = toyModel(3);
  await trainModel(model, x, y, { epochs: 1, batchSize: 32, seed: 3 });
  const before = tf.memory().numTensors;
  await trainModel(model, x, y, {
    epochs: 2,
    batchSize: 32,
    seed: 3,
    validation: { x, y },
    keepBest: () => 1,
  });
  accuracyOf(model, x, y);
  assert.ok(tf.memory().numTensors <= before + 2, `${before} -> ${tf.memory().numTensors}`);
  model.dispose();
  tf.dispose([x, y]);
});
