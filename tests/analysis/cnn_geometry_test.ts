import assert from "node:assert/strict";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { architectureTable, totalParams } from "../../models/analysis/cnn/architecture.ts";
import { layerGeometry, receptiveFields } from "../../models/analysis/cnn/receptive_field.ts";
import { convStages, featureStages } from "../../models/analysis/cnn/stages.ts";

Deno.test("receptive fields grow by (kernel - 1) x jump and jumps multiply by stride", () => {
  const fields = receptiveFields([
    { name: "a", kernel: 3, stride: 1 },
    { name: "b", kernel: 2, stride: 2 },
    { name: "c", kernel: 3, stride: 1 },
  ]);
  assert.deepEqual(fields.map((f) => [f.size, f.jump]), [[3, 1], [4, 2], [8, 2]]);
});

Deno.test("SimpleCNN geometry: conv and pool windows read from the layers, fields widen with depth", () => {
  const model = buildSimpleCNN(3);
  const geometry = layerGeometry(model);
  assert.deepEqual(geometry.map((g) => g.name), ["conv1", "pool1", "conv2", "pool2", "conv3"]);
  const sizes = receptiveFields(geometry).map((f) => f.size);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] > sizes[i - 1]);
  assert.ok(sizes[sizes.length - 1] < 28, "conv3 units still see only part of the digit");
});

Deno.test("feature stages: resolution falls while channels grow", () => {
  const stages = featureStages(buildSimpleCNN(3));
  assert.equal(stages.length, 5);
  assert.equal(convStages(buildSimpleCNN(3)).length, 3);
  for (let i = 1; i < stages.length; i++) {
    assert.ok(stages[i].height <= stages[i - 1].height);
    assert.ok(stages[i].channels >= stages[i - 1].channels);
  }
  assert.ok(stages[stages.length - 1].height < stages[0].height);
});

Deno.test("architecture table: one row per layer and parameters add up to the model's count", () => {
  const model = buildSimpleCNN(3);
  const rows = architectureTable(model);
  assert.equal(rows.length, model.layers.length);
  assert.equal(totalParams(rows), model.countParams());
  assert.match(rows[0].outputShape, /^\d+ × \d+ × \d+$/);
});
