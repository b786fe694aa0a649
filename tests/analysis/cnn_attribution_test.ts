import assert from "node:assert/strict";
import { tf, type tfCore } from "../../models/tf.ts";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { inputGradients, occlusionSensitivity } from "../../models/analysis/cnn/attribution.ts";
import {
  accuracyOf,
  confusionMatrix,
  firstOfEachClass,
  predict,
} from "../../models/analysis/cnn/evaluation.ts";

Deno.test("input gradients: one map per image, not all zero", () => {
  const model = buildSimpleCNN(4);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 5) as tfCore.Tensor4D;
  const maps = inputGradients(model, x, [3, 8]);
  assert.equal(maps.length, 2);
  assert.equal(maps[1].label, 8);
  assert.ok(maps.every((m) => m.values.length === 784 && m.values.some((v) => v !== 0)));
  x.dispose();
});

Deno.test("occlusion: baselines are probabilities, drops are bounded and cover the image", () => {
  const model = buildSimpleCNN(4);
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 6) as tfCore.Tensor4D;
  const maps = occlusionSensitivity(model, x, [1, 2], { patch: 7, stride: 7 });
  for (const m of maps) {
    assert.ok(m.baseline >= 0 && m.baseline <= 1);
    assert.ok(m.values.every((v) => v >= -1 && v <= 1));
    assert.ok(m.maxDrop <= m.baseline + 1e-6);
  }
  x.dispose();
});

Deno.test("evaluation: confusion matrix counts every example once; accuracy is its trace share", async () => {
  const model = buildSimpleCNN(4);
  const x = tf.randomUniform([25, 28, 28, 1], 0, 1, "float32", 7) as tfCore.Tensor4D;
  const labels = Int32Array.from({ length: 25 }, (_, i) => i % 10);
  const p = await predict(model, x, labels, 10);
  const m = confusionMatrix(p);
  assert.equal(m.flat().reduce((a, b) => a + b), 25);
  const trace = m.reduce((s, row, i) => s + row[i], 0);
  assert.equal(accuracyOf(p), trace / 25);
  assert.deepEqual(firstOfEachClass(labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  x.dispose();
});
