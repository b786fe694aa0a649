import assert from "node:assert/strict";
import { buildSimpleCNN, SIMPLE_CNN_LAYERS } from "../../models/cnn.ts";
import { weightValues } from "./helpers.ts";

Deno.test("SimpleCNN has the designed layers, shapes and parameter count", () => {
  const model = buildSimpleCNN(1);
  assert.deepEqual(model.layers.map((l) => l.name), [...SIMPLE_CNN_LAYERS]);
  const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape]));
  assert.deepEqual(shapes.conv1, [null, 28, 28, 32]);
  assert.deepEqual(shapes.pool1, [null, 14, 14, 32]);
  assert.deepEqual(shapes.conv2, [null, 14, 14, 64]);
  assert.deepEqual(shapes.pool2, [null, 7, 7, 64]);
  assert.deepEqual(shapes.conv3, [null, 7, 7, 64]);
  assert.deepEqual(shapes.flatten, [null, 7 * 7 * 64]);
  assert.deepEqual(shapes.output, [null, 10]);
  const conv = (inputs: number, filters: number) => 3 * 3 * inputs * filters + filters;
  const dense = (inputs: number, units: number) => inputs * units + units;
  const expected = conv(1, 32) + conv(32, 64) + conv(64, 64) + dense(3136, 128) + dense(128, 10);
  assert.equal(model.countParams(), expected);
  model.dispose();
});

Deno.test("SimpleCNN initial weights depend only on the seed", () => {
  const [a, b, c] = [1, 1, 2].map((seed) => buildSimpleCNN(seed));
  assert.deepEqual(weightValues(a), weightValues(b));
  assert.notDeepEqual(weightValues(a), weightValues(c));
  [a, b, c].forEach((m) => m.dispose());
});
