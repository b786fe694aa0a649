import assert from "node:assert/strict";
import { ablationStudy, accuracyWithAblation } from "../../models/analysis/lstm/ablation.ts";
import {
  exhaustiveAccuracy,
  sampledAccuracy,
  summariseExhaustive,
  wilsonInterval,
} from "../../models/analysis/lstm/accuracy.ts";
import {
  heldOutR2Interval,
  linearProbe,
  principalComponents,
  projectStates,
  solveSymmetric,
} from "../../models/analysis/lstm/geometry.ts";
import { counterResponse, lengthGeneralisation, linearRange } from "../../models/analysis/lstm/length.ts";
import { gateSaturation } from "../../models/analysis/lstm/saturation.ts";
import { useBackend } from "../../models/backend.ts";
import { exhaustiveLabels, randomCountingSet } from "../../models/data/counting.ts";
import { buildLSTMCounter, LSTM_PROFILES, type LstmCounterMeta } from "../../models/lstm.ts";
import { type LstmWeights, lstmWeights, replay, replayProbabilities } from "../../models/lstm_replay.ts";
import { tf } from "../../models/tf.ts";
import { replayAgreement } from "../../models/analysis/lstm/agreement.ts";
import { syntheticTrace, withQuickCounter } from "./lstm_helpers.ts";

Deno.test("Wilson intervals contain the estimate and shrink with more samples", () => {
  const small = wilsonInterval(95, 100);
  const large = wilsonInterval(950, 1000);
  assert.ok(small.low < 0.95 && 0.95 < small.high);
  assert.ok(large.high - large.low < small.high - small.low);
  const perfect = wilsonInterval(1000, 1000);
  assert.equal(perfect.high, 1);
  assert.ok(perfect.low > 0.99 && perfect.low < 1);
});

Deno.test("the exhaustive summary counts errors, ties and differences from the probabilities", () => {
  const length = 6;
  const labels = exhaustiveLabels(length);
  const probabilities = Float32Array.from(labels, (label) => (label ? 0.8 : 0.2));
  probabilities[0b000111] = 0.7;
  probabilities[0b111111] = 0.4;
  const summary = summariseExhaustive(probabilities, length);
  assert.equal(summary.count, 64);
  assert.equal(summary.errors, 2);
  assert.deepEqual(summary.misclassified.map((entry) => entry.sequence), ["000111", "111111"]);
  assert.equal(summary.ties.count, 20);
  assert.equal(summary.ties.correct, 19);
  assert.equal(summary.byDifference.reduce((sum, row) => sum + row.count, 0), 64);
  assert.equal(summary.byDifference.find((row) => row.difference === 6)?.errors, 1);
  assert.equal(summary.closestCall?.probability, Math.fround(0.2));
});

Deno.test("gate saturation and the linear probe read known synthetic gates and counts", () => {
  const trace = syntheticTrace({ count: 30, length: 10, units: 5, counter: 2, slope: 0.5 });
  const saturation = gateSaturation(trace);
  assert.equal(saturation.perUnit[0].forgetGate.open, 1);
  assert.equal(saturation.perUnit[2].inputGate.open + saturation.perUnit[2].inputGate.shut, 1);
  assert.ok(saturation.perUnit[2].inputGateWhenOne > 0.9 && saturation.perUnit[2].inputGateWhenZero < 0.1);
  assert.equal(saturation.perUnit[1].outputGate.open, 0);
  assert.ok(saturation.mostlySaturated.inputGate >= 1);

  const probe = linearProbe(trace, "cell");
  assert.ok(probe.r2Fit > 0.999 && probe.r2HeldOut > 0.999);
  assert.equal(probe.heldOutSequences.length, 15);
  const interval = heldOutR2Interval(probe, { seed: 4 });
  assert.ok(
    Math.abs(interval.estimate - probe.r2HeldOut) < 1e-9,
    "the interval's estimate is the held-out R²",
  );
  assert.ok(interval.low <= interval.estimate && interval.estimate <= interval.high && interval.high <= 1);
  const pca = principalComponents(trace, "cell", 2);
  assert.ok(
    pca.explained[0] > 3 * pca.explained[1],
    `the count dominates the variance, got ${pca.explained}`,
  );
  assert.ok(pca.explained[0] >= pca.explained[1]);
  assert.ok(Math.abs(pca.components[0][2]) > 0.99);
  assert.equal(projectStates(trace, pca, { maxPoints: 100, seed: 3 }).length, 100);
  assert.deepEqual(
    projectStates(trace, pca, { maxPoints: 50, seed: 3 }),
    projectStates(trace, pca, { maxPoints: 50, seed: 3 }),
  );
  assert.equal(projectStates(trace, pca).length, 300);
  const solved = solveSymmetric(Float64Array.from([4, 1, 1, 3]), Float64Array.from([1, 2]), 2);
  assert.ok(Math.abs(solved[0] - 1 / 11) < 1e-12 && Math.abs(solved[1] - 7 / 11) < 1e-12);
});

Deno.test("on the quick LSTMCounter: ablation, length sweep and response behave consistently", async () => {
  await useBackend("auto");
  await withQuickCounter(({ model, meta }) => checkQuickCounterAnalyses(lstmWeights(model), meta));
});

function checkQuickCounterAnalyses(weights: LstmWeights, meta: LstmCounterMeta): void {
  const { units, length } = LSTM_PROFILES.quick.config;
  const set = randomCountingSet({ count: 300, length, seed: 8, distribution: "boundary" });
  const study = ablationStudy(weights, set, {
    counterUnits: [0, 1],
    randomDraws: 3,
    cumulativeMax: 3,
    seed: 2,
  });
  assert.equal(study.perUnit.length, units);
  assert.equal(study.random.draws.length, 3);
  assert.ok(study.perUnit[0].drop >= study.perUnit[units - 1].drop);
  assert.equal(study.cumulative[0].accuracy, study.perUnit[0].accuracy);
  assert.equal(study.baseline, sampledAccuracy(replayProbabilities(weights, set), set).accuracy);
  assert.ok(accuracyWithAblation(weights, set, Array.from({ length: units }, (_, u) => u)) <= 0.75);

  const exhaustive = exhaustiveAccuracy(weights, length);
  assert.equal(exhaustive.errors, meta.exhaustive.errors);

  const sweep = lengthGeneralisation(weights, [5, length, 30], { count: 100, seed: 1 });
  assert.deepEqual(sweep.map((point) => point.length), [5, length, 30]);
  for (const point of sweep) {
    assert.ok(point.wilson.low <= point.accuracy && point.accuracy <= point.wilson.high);
  }

  const response = counterResponse(weights, 0, { length: 40, count: 40 });
  assert.ok(response.length > 10);
  for (const point of response) assert.ok(point.min <= point.mean && point.mean <= point.max);
  const range = linearRange(response);
  assert.ok(range.low <= 0 && range.high >= 0);
  const looser = linearRange(response, { relative: 2 * range.relative });
  assert.equal(looser.relative, 2 * range.relative);
  assert.ok(looser.low <= range.low && looser.high >= range.high);
}

Deno.test("the replay agrees with the layer on hidden states and outputs and leaks no tensors", async () => {
  await useBackend("auto");
  const model = buildLSTMCounter({ units: 6, length: 7 }, 9);
  const set = randomCountingSet({ count: 20, length: 7, seed: 5 });
  const trace = replay(lstmWeights(model), set);
  const before = tf.memory().numTensors;
  const agreement = replayAgreement(model, set, trace);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(agreement.hiddenGap < 1e-5, `hidden states differ by ${agreement.hiddenGap}`);
  assert.ok(agreement.probabilityGap < 1e-5, `outputs differ by ${agreement.probabilityGap}`);
  const shuffled = { ...trace, hidden: trace.hidden.slice().reverse() };
  assert.ok(replayAgreement(model, set, shuffled).hiddenGap > 1e-3);
  model.dispose();
});
