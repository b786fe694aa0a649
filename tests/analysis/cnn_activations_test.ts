import assert from "node:assert/strict";
import { tf, type tfCore } from "../../models/tf.ts";
import { buildSimpleCNN } from "../../models/cnn.ts";
import {
  channelHealth,
  channelMaps,
  liveChannelsByResponse,
  meanChannelMaps,
  summariseStages,
  topImages,
} from "../../models/analysis/cnn/activations.ts";
import { forwardRecording, stageOutputs } from "../../models/analysis/cnn/stages.ts";

function images(n: number, seed: number) {
  return tf.randomUniform([n, 28, 28, 1], 0, 1, "float32", seed) as tfCore.Tensor4D;
}

Deno.test("mean channel maps: one panel per image and stage at the stage's resolution", () => {
  const model = buildSimpleCNN(2);
  const x = images(3, 1);
  const panels = meanChannelMaps(model, x, ["conv1", "pool2"]);
  assert.equal(panels.length, 6);
  assert.deepEqual([panels[0].height, panels[0].width], [28, 28]);
  assert.deepEqual([panels[5].height, panels[5].width], [7, 7]);
  assert.ok(panels.every((p) => p.values.length === p.height * p.width));
  x.dispose();
});

Deno.test("channel maps match the stage output and the logits match the softmax input", () => {
  const model = buildSimpleCNN(2);
  const x = images(1, 2);
  const maps = channelMaps(model, x, "conv2");
  assert.equal(maps.length, 64);
  const out = stageOutputs(model, x, ["conv2"]).conv2;
  const data = out.dataSync();
  assert.ok(Math.abs(maps[5].values[17] - data[17 * 64 + 5]) < 1e-6);
  const { logits } = tf.tidy(() => forwardRecording(model, x));
  const softmax = tf.softmax(logits).dataSync();
  const predicted = (model.predict(x) as tfCore.Tensor).dataSync();
  softmax.forEach((v, i) => assert.ok(Math.abs(v - predicted[i]) < 1e-5));
  tf.dispose([x, out, logits]);
});

Deno.test("stage summaries: shares are probabilities, a silenced channel is counted dead", async () => {
  const model = buildSimpleCNN(2);
  const conv1 = model.getLayer("conv1");
  const [kernel, bias] = conv1.getWeights();
  const k = kernel.arraySync() as number[][][][];
  for (const row of k) for (const col of row) col[0][4] = 0;
  const b = Array.from(bias.dataSync());
  b[4] = -1;
  conv1.setWeights([tf.tensor4d(k), tf.tensor1d(b)]);
  const x = images(20, 3);
  const summaries = await summariseStages(model, x, { batchSize: 7 });
  assert.deepEqual(summaries.map((s) => s.stage.name), ["conv1", "pool1", "conv2", "pool2", "conv3"]);
  for (const s of summaries) {
    assert.ok(s.activeShare.every((v) => v >= 0 && v <= 1));
    assert.ok(s.imageShare.every((v) => v >= 0 && v <= 1));
    assert.equal(s.meanByImage.length, 20 * s.stage.channels);
  }
  const health = channelHealth(summaries[0]);
  assert.ok(health.dead.includes(4));
  assert.ok(!liveChannelsByResponse(summaries[0]).includes(4));
  const top = topImages(summaries[4], 0, 5);
  assert.equal(top.length, 5);
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].score >= top[i].score);
  x.dispose();
});

Deno.test("layout correlation: pearson is bounded and a conv stage tracks its own input more than another's", async () => {
  const { layoutCorrelation, pearson } = await import("../../models/analysis/cnn/layout.ts");
  assert.equal(pearson([1, 2, 3], [2, 4, 6]).toFixed(6), "1.000000");
  assert.equal(pearson([1, 1, 1], [2, 4, 6]), 0);
  const model = buildSimpleCNN(2);
  const x = tf.tidy(() => {
    const blobs = Array.from({ length: 6 }, (_, i) => {
      const img = new Float32Array(784);
      const r0 = 4 + 3 * i, c0 = 20 - 3 * i;
      for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 6; c++) img[r * 28 + c] = 1;
      return img;
    });
    return tf.tensor4d(Float32Array.from(blobs.flatMap((b) => Array.from(b))), [6, 28, 28, 1]);
  });
  const own = layoutCorrelation(model, x, "conv1");
  const other = layoutCorrelation(model, x, "conv1", { shuffle: true });
  assert.ok(own.every((v) => v >= -1 && v <= 1));
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(own) > mean(other));
  x.dispose();
});

Deno.test("evenly spaced picks keep the first and last of a ranking", async () => {
  const { evenlySpaced } = await import("../../models/analysis/cnn/activations.ts");
  assert.deepEqual(evenlySpaced([10, 11, 12, 13, 14, 15, 16, 17, 18], 3), [10, 14, 18]);
  assert.deepEqual(evenlySpaced([1, 2], 5), [1, 2]);
});
