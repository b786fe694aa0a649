import assert from "node:assert/strict";
import {
  buildSimpleCNN,
  CNN_PROFILES,
  cnnProfile,
  learningRateAt,
  SIMPLE_CNN_LAYERS,
  trainedSimpleCNN,
} from "../../models/cnn.ts";
import { useBackend } from "../../models/backend.ts";
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

Deno.test("the quick profile trains end to end, stores the model, and a second call hits", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir({ prefix: "cnn-store-" });
  try {
    const first = await trainedSimpleCNN({ profile: "quick", store: { dir } });
    assert.equal(first.hit, false);
    const { meta } = first;
    assert.equal(meta.profile, "quick");
    assert.equal(meta.history.length, CNN_PROFILES.quick.epochs);
    assert.ok(meta.testAccuracy > 0.5, `quick test accuracy ${meta.testAccuracy}`);
    assert.ok(meta.history.every((log) => log.valAccuracy !== undefined));
    assert.deepEqual(
      meta.history.map((log) => log.learningRate),
      meta.history.map((log) => learningRateAt(meta.config.learningRate, log.epoch, meta.config.epochs)),
    );
    const second = await trainedSimpleCNN({ profile: "quick", store: { dir } });
    assert.equal(second.hit, true);
    assert.deepEqual(second.meta, meta);
    assert.deepEqual(second.model.layers.map((l) => l.name), [...SIMPLE_CNN_LAYERS]);
    first.model.dispose();
    second.model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profile names are checked", () => {
  assert.equal(cnnProfile(undefined), "full");
  assert.equal(cnnProfile("quick"), "quick");
  assert.throws(() => cnnProfile("fast"), /unknown profile/);
});

Deno.test("learning-rate schedules start at the initial rate and fall every epoch", () => {
  const cosine = [1, 2, 3, 4, 5, 6, 7, 8].map((e) =>
    learningRateAt({ schedule: "cosine", initial: 2e-3 }, e, 8)
  );
  assert.equal(cosine[0], 2e-3);
  cosine.slice(1).forEach((rate, i) => assert.ok(rate < cosine[i] && rate > 0));
  assert.ok(cosine[7] < 0.05 * 2e-3);
  assert.ok(Math.abs(cosine[4] - 1e-3) < 1e-12);
  const exponential = [1, 2, 3].map((e) =>
    learningRateAt({ schedule: "exponential", initial: 1e-3, decayPerEpoch: 0.5 }, e, 3)
  );
  assert.deepEqual(exponential, [1e-3, 5e-4, 2.5e-4]);
});
