import assert from "node:assert/strict";
import { type Tensor, tf } from "../../models/tf.ts";
import { useBackend } from "../../models/backend.ts";
import { countingTensors, exhaustiveSlice, HARD_MARGIN, onesInRow } from "../../models/data/counting.ts";
import {
  buildLSTMCounter,
  counterDatasets,
  learningRateSchedule,
  LSTM_PROFILES,
  lstmProfile,
  orthogonalMatrix,
  trainedLSTMCounter,
  validationScore,
} from "../../models/lstm.ts";
import { createRng } from "../../models/seed.ts";

Deno.test("LSTMCounter has one sigmoid-gated LSTM layer and a single sigmoid output", () => {
  const model = buildLSTMCounter({ units: 64, length: 20 }, 1);
  const lstm = model.getLayer("lstm").getConfig();
  assert.equal(lstm.recurrentActivation, "sigmoid");
  assert.equal(lstm.units, 64);
  assert.deepEqual(model.outputShape, [null, 1]);
  assert.equal(model.countParams(), 4 * 64 * (1 + 64 + 1) + 64 + 1);
  model.dispose();
});

Deno.test("initial weights depend only on the seed and the recurrent blocks are orthogonal", () => {
  const weights = (seed: number) => {
    const model = buildLSTMCounter({ units: 8, length: 5 }, seed);
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  assert.deepEqual(weights(3), weights(3));
  assert.notDeepEqual(weights(3), weights(4));
  const n = 10;
  const q = orthogonalMatrix(n, createRng(5));
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[a * n + k] * q[b * n + k];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-5);
    }
  }
});

Deno.test("the schedule holds the peak rate, then anneals to the final rate", () => {
  const recipe = LSTM_PROFILES.full.recipe;
  const rate = learningRateSchedule(recipe);
  assert.equal(rate(1), recipe.peakLearningRate);
  assert.ok(Math.abs(rate(recipe.epochs) - recipe.finalLearningRate) < 1e-12);
  for (let epoch = 2; epoch <= recipe.epochs; epoch++) assert.ok(rate(epoch) <= rate(epoch - 1));
  assert.throws(() => lstmProfile("huge"));
});

Deno.test("the validation score ranks accuracy first and confidence second", () => {
  const set = exhaustiveSlice(3, 0, 8);
  const confident = Float32Array.from(set.labels, (label) => (label ? 0.99 : 0.01));
  const hesitant = Float32Array.from(set.labels, (label) => (label ? 0.6 : 0.4));
  const wrongOnce = confident.slice();
  wrongOnce[0] = 0.9;
  assert.ok(validationScore(confident, set) > validationScore(hesitant, set));
  assert.ok(validationScore(hesitant, set) > validationScore(wrongOnce, set));
});

Deno.test("the datasets of a profile are fixed by the seed and hold boundary cases", () => {
  const a = counterDatasets("quick", 1);
  const b = counterDatasets("quick", 1);
  assert.deepEqual(a.train.bits, b.train.bits);
  assert.notDeepEqual(a.test.bits, a.train.bits.subarray(0, a.test.bits.length));
  const { length } = LSTM_PROFILES.quick.config;
  let boundary = 0;
  for (let row = 0; row < a.validation.count; row++) {
    if (Math.abs(2 * onesInRow(a.validation, row) - length) <= HARD_MARGIN) boundary++;
  }
  assert.ok(boundary >= a.validation.count / 2);
});

Deno.test("the quick LSTMCounter trains, verifies every sequence and loads back from the store", async () => {
  await useBackend("auto");
  const storeDir = await Deno.makeTempDir();
  try {
    const first = await trainedLSTMCounter({ profile: "quick", storeDir });
    const { meta } = first;
    const { length } = LSTM_PROFILES.quick.config;
    assert.equal(first.hit, false);
    assert.equal(meta.exhaustive.count, 2 ** length);
    assert.equal(meta.exhaustive.correct + meta.exhaustive.errors, 2 ** length);
    assert.ok(meta.exhaustive.accuracy > 0.9, `quick accuracy ${meta.exhaustive.accuracy}`);
    assert.ok(meta.test.wilson.low <= meta.test.accuracy && meta.test.accuracy <= meta.test.wilson.high);
    assert.ok(meta.history.length >= LSTM_PROFILES.quick.recipe.epochs);

    const all = exhaustiveSlice(length, 0, 2 ** length);
    const { x, y } = countingTensors(all);
    const predictLabels = (model: typeof first.model) =>
      Array.from(tf.tidy(() => tf.greater(model.predict(x) as Tensor, 0.5).dataSync()));
    const predicted = predictLabels(first.model);
    const wrong = predicted.filter((p, row) => p !== all.labels[row]).length;
    assert.equal(wrong, meta.exhaustive.errors);

    const second = await trainedLSTMCounter({ profile: "quick", storeDir });
    assert.equal(second.hit, true);
    assert.deepEqual(second.meta, meta);
    assert.deepEqual(predictLabels(second.model), predicted);
    tf.dispose([x, y]);
  } finally {
    await Deno.remove(storeDir, { recursive: true });
  }
});
