import assert from "node:assert/strict";
import { tf, type tfCore } from "../../models/tf.ts";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { createRng } from "../../models/seed.ts";
import {
  pooledFeatures,
  probeContrast,
  type ProbeResult,
  probeStages,
  trainLinearProbe,
} from "../../models/analysis/cnn/linear_probe.ts";

Deno.test("a linear probe separates linearly separable classes and reports probabilities", () => {
  const rng = createRng(4);
  const make = (n: number) => {
    const labels = Int32Array.from({ length: n }, () => rng.int(10));
    const data = new Float32Array(n * 12);
    labels.forEach((label, i) => {
      for (let d = 0; d < 12; d++) data[i * 12 + d] = rng.next() * 0.5 + (d === label ? 2 : 0);
    });
    return { data, labels };
  };
  const result = trainLinearProbe(make(400), make(200), 12, { epochs: 15, seed: 1 });
  assert.ok(result.testAccuracy > 0.9, `accuracy ${result.testAccuracy}`);
  assert.ok(result.trainAccuracy <= 1 && result.trainAccuracy >= 0);
  assert.equal(result.testCorrect.length, 200);
  assert.equal(result.testCorrect.reduce((a, b) => a + b, 0) / 200, result.testAccuracy);
  const again = trainLinearProbe(make(50), make(50), 12, { epochs: 1, seed: 1 });
  assert.ok(again.testAccuracy >= 0 && again.testAccuracy <= 1);
});

Deno.test("pooled features: every stage on a 7 x 7 grid; probes on all stages give probabilities", async () => {
  const model = buildSimpleCNN(6);
  const x = tf.randomUniform([30, 28, 28, 1], 0, 1, "float32", 9) as tfCore.Tensor4D;
  const labels = Int32Array.from({ length: 30 }, (_, i) => i % 10);
  const features = await pooledFeatures(model, x, { batchSize: 16 });
  assert.deepEqual([...features.keys()], ["input", "conv1", "pool1", "conv2", "pool2", "conv3"]);
  assert.equal(features.get("input")!.dims, 49);
  assert.equal(features.get("conv3")!.dims, 49 * 64);
  const probes = await probeStages(model, { x, labels }, { x, labels }, { epochs: 1 });
  assert.equal(probes.length, 6);
  for (const p of probes) assert.ok(p.testAccuracy >= 0 && p.testAccuracy <= 1);
  x.dispose();
});

Deno.test("probe contrasts: accuracy, a difference and a difference of gains, over the same test items", () => {
  const probe = (testCorrect: number[]): ProbeResult => ({
    dims: 1,
    trainAccuracy: 1,
    testAccuracy: testCorrect.reduce((a, b) => a + b, 0) / testCorrect.length,
    testCorrect,
  });
  const good = probe(Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? 0 : 1)));
  const poor = probe(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0 : 1)));
  const alone = probeContrast([good], []);
  assert.ok(Math.abs(alone.estimate - 0.9) < 1e-12 && alone.low < 0.9 && alone.high > 0.9);
  const gap = probeContrast([good], [poor]);
  assert.ok(Math.abs(gap.estimate - 0.4) < 1e-12 && gap.low > 0.3);
  const sameGains = probeContrast([good, poor], [poor, good]);
  assert.deepEqual([sameGains.low, sameGains.high], [0, 0]);
  assert.throws(() => probeContrast([good], [probe([1, 0])]), /different numbers of test items/);
  assert.throws(() => probeContrast([], []), /no probes/);
});
