import assert from "node:assert/strict";
import { counterUnits, countScatter, unitGateBehaviour } from "../../models/analysis/lstm/counter.ts";
import { linearFit, runningDifferences, unitSeries } from "../../models/analysis/lstm/trace_access.ts";
import { useBackend } from "../../models/backend.ts";
import { randomCountingSet } from "../../models/data/counting.ts";
import { LSTM_PROFILES } from "../../models/lstm.ts";
import { lstmWeights, replay } from "../../models/lstm_replay.ts";
import { syntheticTrace, withQuickCounter } from "./lstm_helpers.ts";

Deno.test("the counter analysis finds the unit that holds the running count", () => {
  const trace = syntheticTrace({ count: 40, length: 12, units: 6, counter: 4, slope: 0.25 });
  const analysis = counterUnits(trace);
  assert.equal(analysis.best.unit, 4);
  assert.ok(analysis.best.r > 0.99);
  assert.ok(Math.abs(analysis.best.slope - 0.25) < 0.01);
  assert.deepEqual(analysis.strong, [4]);
  assert.equal(analysis.samples, 40 * 12);
  assert.equal(analysis.ranked.length, 6);
  for (const unit of analysis.ranked) assert.ok(unit.r >= -1 && unit.r <= 1);

  const gates = unitGateBehaviour(trace, 4);
  assert.ok(Math.abs(gates.whenOne.inputGate - 0.97) < 1e-6);
  assert.ok(Math.abs(gates.whenZero.inputGate - 0.03) < 1e-6);
  assert.ok(gates.whenOne.written > 0 && gates.whenZero.written < 0);

  const points = countScatter(trace, 4, { maxPoints: 100, seed: 2 });
  assert.equal(points.length, 100);
  assert.deepEqual(points, countScatter(trace, 4, { maxPoints: 100, seed: 2 }));
  for (const point of points) assert.ok(Math.abs(point.value - 0.25 * point.difference) < 0.01);
});

Deno.test("a unit that counts down ranks first by |r| but the counter unit is the best one counting up", () => {
  const analysis = counterUnits(
    syntheticTrace({ count: 40, length: 12, units: 6, counter: 4, slope: -0.25 }),
  );
  assert.equal(analysis.ranked[0].unit, 4);
  assert.ok(analysis.ranked[0].r < -0.99);
  assert.deepEqual(analysis.strong, [4]);
  assert.notEqual(analysis.best.unit, 4);
  assert.equal(analysis.best.r, Math.max(...analysis.ranked.map((unit) => unit.r)));
});

Deno.test("running differences and linear fits are exact on known data", () => {
  const trace = syntheticTrace({ count: 2, length: 5, units: 2, counter: 1, slope: 1 });
  const differences = runningDifferences(trace);
  for (let row = 0; row < 2; row++) {
    let running = 0;
    for (let step = 0; step < 5; step++) {
      running += trace.inputs[row * 5 + step] ? 1 : -1;
      assert.equal(differences[row * 5 + step], running);
    }
  }
  assert.equal(unitSeries(trace, "cell", 1).length, 10);
  const fit = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
  assert.ok(
    Math.abs(fit.r - 1) < 1e-12 && Math.abs(fit.slope - 2) < 1e-12 && Math.abs(fit.intercept - 1) < 1e-12,
  );
  assert.equal(linearFit([1, 1, 1], [1, 2, 3]).r, 0);
});

Deno.test("on the quick LSTMCounter the counter analysis returns a unit index and r in [-1, 1]", async () => {
  await useBackend("auto");
  const { units, length } = LSTM_PROFILES.quick.config;
  const set = randomCountingSet({ count: 200, length, seed: 4, distribution: "counts" });
  const analysis = await withQuickCounter(({ model }) => counterUnits(replay(lstmWeights(model), set)));
  assert.ok(Number.isInteger(analysis.best.unit) && analysis.best.unit >= 0 && analysis.best.unit < units);
  assert.ok(analysis.best.r > 0 && analysis.best.r <= 1);
  assert.ok(
    Math.abs(analysis.ranked[0].r) > 0.5,
    `a trained counter should track the count, |r| = ${analysis.ranked[0].r}`,
  );
});
