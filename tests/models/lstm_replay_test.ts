import assert from "node:assert/strict";
import { tf } from "../../models/tf.ts";
import { useBackend } from "../../models/backend.ts";
import { countingTensors, exhaustiveSlice, randomCountingSet } from "../../models/data/counting.ts";
import { buildLSTMCounter, hiddenSequenceModel } from "../../models/lstm.ts";
import {
  exhaustiveProbabilities,
  lstmWeights,
  replay,
  replayProbabilities,
} from "../../models/lstm_replay.ts";

const config = { units: 12, length: 9 };

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

function layerOutputs(model: ReturnType<typeof buildLSTMCounter>, x: ReturnType<typeof tf.tensor3d>) {
  const sequences = hiddenSequenceModel(model);
  const hidden = tf.tidy(() => (sequences.predict(x) as ReturnType<typeof tf.tensor3d>).dataSync());
  const probability = tf.tidy(() => (model.predict(x) as ReturnType<typeof tf.tensor2d>).dataSync());
  sequences.dispose();
  return { hidden, probability };
}

Deno.test("the replayed hidden states and outputs equal the layer's own within 1e-5", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter(config, 7);
  const set = randomCountingSet({ count: 64, length: config.length, seed: 3 });
  const { x, y } = countingTensors(set);
  const expected = layerOutputs(model, x);
  const trace = replay(lstmWeights(model), set, { batchSize: 20 });
  assert.ok(maxAbsDifference(trace.hidden, expected.hidden) < 1e-5);
  assert.ok(maxAbsDifference(trace.probability, expected.probability) < 1e-5);
  assert.ok(maxAbsDifference(replayProbabilities(lstmWeights(model), set), expected.probability) < 1e-5);
  const anyHiddenMoves = trace.hidden.some((value) => Math.abs(value) > 1e-3);
  assert.ok(anyHiddenMoves, "an untrained layer still has non-zero hidden states");
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("the replay's states follow the LSTM equations step by step", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter(config, 2);
  const set = randomCountingSet({ count: 5, length: config.length, seed: 9 });
  const trace = replay(lstmWeights(model), set);
  const { units, length } = trace;
  for (let row = 0; row < set.count; row++) {
    for (let step = 0; step < length; step++) {
      for (let unit = 0; unit < units; unit++) {
        const at = (row * length + step) * units + unit;
        const previous = step === 0 ? 0 : trace.cell[at - units];
        const cell = trace.forgetGate[at] * previous + trace.inputGate[at] * trace.candidate[at];
        assert.ok(Math.abs(cell - trace.cell[at]) < 1e-5);
        assert.ok(Math.abs(trace.outputGate[at] * Math.tanh(cell) - trace.hidden[at]) < 1e-5);
        assert.ok(trace.forgetGate[at] > 0 && trace.forgetGate[at] < 1);
      }
    }
  }
  model.dispose();
});

Deno.test("the prefix-tree evaluation equals the model on every sequence and leaks no tensors", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter(config, 4);
  const all = exhaustiveSlice(config.length, 0, 2 ** config.length);
  const { x, y } = countingTensors(all);
  const expected = layerOutputs(model, x).probability;
  const weights = lstmWeights(model);
  const before = tf.memory().numTensors;
  const tree = exhaustiveProbabilities(weights, config.length, { leavesPerChunk: 64 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(maxAbsDifference(tree, expected) < 1e-5);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("the prefix-tree evaluation rejects chunk sizes that are not powers of two", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter(config, 4);
  const weights = lstmWeights(model);
  const before = tf.memory().numTensors;
  assert.throws(() => exhaustiveProbabilities(weights, config.length, { leavesPerChunk: 48 }), RangeError);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("ablating every unit leaves only the readout bias", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter(config, 5);
  const weights = lstmWeights(model);
  weights.readoutBias = 0.3;
  const set = randomCountingSet({ count: 10, length: config.length, seed: 1 });
  const everyUnit = Array.from({ length: config.units }, (_, unit) => unit);
  const ablated = replayProbabilities(weights, set, { ablate: everyUnit });
  for (const p of ablated) assert.ok(Math.abs(p - 1 / (1 + Math.exp(-0.3))) < 1e-6);
  const intact = replayProbabilities(weights, set);
  assert.ok(maxAbsDifference(ablated, intact) > 1e-4);
  const one = replay(weights, set, { ablate: [3] });
  for (let at = 3; at < one.cell.length; at += config.units) assert.equal(one.cell[at], 0);
  model.dispose();
});
