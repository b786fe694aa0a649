import assert from "node:assert/strict";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { layerDesign } from "../../models/analysis/cnn/architecture.ts";
import { convSentence, poolAndDenseCount, poolSentence } from "../../chapters/lib/cnn_design.ts";
import { spelledOut } from "../../chapters/lib/cnn_words.ts";
import { labelPurity } from "../../models/analysis/cnn/activations.ts";

Deno.test("layer design is read from the layer configs", () => {
  const model = buildSimpleCNN(2);
  const design = layerDesign(model);
  const convs = model.layers.filter((l) => l.getClassName() === "Conv2D");
  assert.equal(design.conv.length, convs.length);
  assert.deepEqual(design.conv.map((c) => c.layer), convs.map((l) => l.name));
  for (const c of design.conv) assert.equal(c.kernel.length, 2);
  assert.ok(design.pool.every((p) => p.reduce === "max" && p.window.length === 2));
  assert.equal(design.dense.length, model.layers.filter((l) => l.getClassName() === "Dense").length);
});

Deno.test("design sentences follow the design, including layers that differ", () => {
  const conv = { layer: "c", kernel: [3, 3], strides: [1, 1], padding: "same", activation: "relu" };
  const pool = { layer: "p", reduce: "max", window: [2, 2], strides: [2, 2] };
  const uniform = {
    conv: [conv, { ...conv, layer: "d" }],
    pool: [pool, { ...pool, layer: "q" }],
    dense: ["x"],
  };
  assert.equal(convSentence(uniform), 'All convolutions use 3 × 3 kernels with "same" padding and ReLU');
  assert.equal(poolSentence(uniform), "both poolings take the maximum over 2 × 2 windows with stride 2");
  assert.equal(poolAndDenseCount(uniform), "two max-pooling layers and one dense layer");
  const mixed = { ...uniform, conv: [conv, { ...conv, layer: "d", kernel: [5, 5] }] };
  assert.match(convSentence(mixed), /3 × 3 .*\(c\).*5 × 5 .*\(d\)/);
  const average = { ...uniform, pool: [{ ...pool, reduce: "average", strides: [1, 2] }] };
  assert.equal(poolSentence(average), "the pooling takes the average over 2 × 2 windows with stride 1 × 2");
});

Deno.test("small counts are spelled out, large ones stay numerals", () => {
  assert.equal(spelledOut(9), "nine");
  assert.equal(spelledOut(13), "13");
  assert.equal(spelledOut(2.5), "2.5");
});

Deno.test("label purity is the share of the most common label", () => {
  const labels = [1, 1, 2, 3, 1];
  assert.equal(labelPurity([0, 1, 2, 3], labels), 0.5);
  assert.equal(labelPurity([0, 1, 4], labels), 1);
  assert.equal(labelPurity([], labels), 0);
});
