import assert from "node:assert/strict";
import { tf } from "../../models/tf.ts";
import {
  CLASSES,
  loadMnist,
  mnistSource,
  selectRows,
  stratifiedQuotas,
  stratifiedSplit,
} from "../../models/data/mnist.ts";

const classCounts = (labels: Int32Array) =>
  Array.from({ length: CLASSES }, (_, c) => labels.filter((l) => l === c).length);

Deno.test("quotas keep class proportions and hit the total exactly", () => {
  const quotas = stratifiedQuotas([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], 2000);
  assert.equal(quotas.reduce((a, b) => a + b, 0), 2000);
  quotas.forEach((q, c) =>
    assert.ok(Math.abs(q - [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978][c] / 5) < 1)
  );
  assert.deepEqual(stratifiedQuotas([3, 3, 3], 3), [1, 1, 1]);
  assert.throws(() => stratifiedQuotas([1, 2], 4));
});

Deno.test("the split is 8,000 / 2,000, disjoint, stratified and fixed by the seed", async () => {
  const source = mnistSource();
  assert.equal(source.labels.length, 10_000);
  const a = await loadMnist({ seed: 1 });
  const b = await loadMnist({ seed: 1 });
  const c = await loadMnist({ seed: 2 });
  assert.deepEqual(a.train.x.shape, [8000, 28, 28, 1]);
  assert.deepEqual(a.test.x.shape, [2000, 28, 28, 1]);
  assert.deepEqual(a.test.y.shape, [2000, 10]);
  const all = new Set([...a.train.sourceRows, ...a.test.sourceRows]);
  assert.equal(all.size, 10_000);
  const sourceCounts = classCounts(source.labels);
  classCounts(a.test.labels).forEach((count, label) =>
    assert.ok(Math.abs(count - sourceCounts[label] / 5) < 1)
  );
  assert.deepEqual(a.test.sourceRows, b.test.sourceRows);
  assert.deepEqual(a.train.sourceRows, b.train.sourceRows);
  assert.notDeepEqual(a.test.sourceRows, c.test.sourceRows);
  assert.equal(a.identity, b.identity);
  assert.notEqual(a.identity, c.identity);
  [a, b, c].forEach((split) => split.dispose());
});

Deno.test("tensors agree with labels and source pixels, and dispose leaves nothing behind", async () => {
  const before = tf.memory().numTensors;
  const split = await loadMnist();
  const source = mnistSource();
  const labelsFromY = tf.tidy(() => Array.from(tf.argMax(split.test.y, -1).dataSync()));
  assert.deepEqual(labelsFromY, Array.from(split.test.labels));
  const row = 17;
  const image = tf.tidy(() => tf.slice(split.test.x, row, 1).dataSync());
  const sourceRow = split.test.sourceRows[row];
  assert.deepEqual(
    Array.from(image),
    Array.from(source.pixels.subarray(sourceRow * 784, (sourceRow + 1) * 784)),
  );
  assert.equal(split.test.labels[row], source.labels[sourceRow]);
  const [min, max] = tf.tidy(
    () => [tf.min(split.train.x).dataSync()[0], tf.max(split.train.x).dataSync()[0]],
  );
  assert.ok(min >= 0 && max <= 1 && max > 0.9);
  const picked = selectRows(split.test, Int32Array.from([5, 0, 9]));
  assert.deepEqual(Array.from(picked.labels), [5, 0, 9].map((r) => split.test.labels[r]));
  tf.dispose([picked.x, picked.y]);
  split.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a held-out validation split of the training rows is stratified too", () => {
  const labels = Int32Array.from({ length: 300 }, (_, i) => (i < 200 ? 0 : 1));
  const { rest, heldOut } = stratifiedSplit(labels, 30, 4);
  assert.equal(heldOut.length, 30);
  assert.equal(rest.length, 270);
  assert.equal(Array.from(heldOut).filter((row) => labels[row] === 0).length, 20);
  assert.equal(new Set([...rest, ...heldOut]).size, 300);
});
