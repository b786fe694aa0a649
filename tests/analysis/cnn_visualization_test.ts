import assert from "node:assert/strict";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { visualizeTargets } from "../../models/analysis/cnn/feature_visualization.ts";

Deno.test("activation maximisation raises its objectives, stays in [0, 1] and is reproducible", () => {
  const model = buildSimpleCNN(8);
  const targets = [
    { kind: "channel" as const, stage: "conv3", channel: 3, scale: 1e-3 },
    { kind: "class" as const, label: 7 },
  ];
  const options = { steps: 8, seed: 2, blurEvery: 5 };
  const first = visualizeTargets(model, targets, options);
  const second = visualizeTargets(model, targets, options);
  assert.equal(first.length, 2);
  for (const r of first) {
    assert.equal(r.image.length, 28 * 28);
    assert.ok(r.image.every((v) => v >= 0 && v <= 1));
    assert.ok(r.objective > r.startObjective, `${r.objective} <= ${r.startObjective}`);
  }
  assert.ok(first[1].probability! >= 0 && first[1].probability! <= 1);
  assert.deepEqual(Array.from(first[0].image), Array.from(second[0].image));
});
