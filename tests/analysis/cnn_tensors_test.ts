import assert from "node:assert/strict";
import { tf, type tfCore } from "../../models/tf.ts";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { inputGradients, occlusionSensitivity } from "../../models/analysis/cnn/attribution.ts";
import {
  channelMaps,
  classPurity,
  meanChannelMaps,
  summariseStages,
} from "../../models/analysis/cnn/activations.ts";
import { pick, predict } from "../../models/analysis/cnn/evaluation.ts";
import { visualizeTargets } from "../../models/analysis/cnn/feature_visualization.ts";
import { firstLayerSummary, kernelNorms } from "../../models/analysis/cnn/filters.ts";
import { layoutCorrelation } from "../../models/analysis/cnn/layout.ts";
import { pooledFeatures, probePixels, probeStages } from "../../models/analysis/cnn/linear_probe.ts";
import { logits, stageOutputs } from "../../models/analysis/cnn/stages.ts";

const model = buildSimpleCNN(11);
const labels = Int32Array.from({ length: 12 }, (_, i) => i % 10);

/** Runs `analysis` on fresh seeded images and fails if it leaves any tensor behind. */
async function leavesNoTensors(name: string, analysis: (x: tfCore.Tensor4D) => unknown): Promise<void> {
  const x = tf.randomUniform([labels.length, 28, 28, 1], 0, 1, "float32", 3) as tfCore.Tensor4D;
  await analysis(x);
  const before = tf.memory().numTensors;
  await analysis(x);
  const after = tf.memory().numTensors;
  x.dispose();
  assert.equal(after, before, `${name} left ${after - before} tensor(s) behind`);
}

Deno.test("input gradients and occlusion dispose every tensor they make", async () => {
  await leavesNoTensors("inputGradients", (x) => inputGradients(model, x, [...labels]));
  await leavesNoTensors(
    "occlusionSensitivity",
    (x) => occlusionSensitivity(model, x, [...labels], { patch: 7, stride: 7 }),
  );
});

Deno.test("feature visualization disposes its variables, optimiser and read-outs", async () => {
  await leavesNoTensors("visualizeTargets", () =>
    visualizeTargets(model, [
      { kind: "channel", stage: "conv3", channel: 2 },
      { kind: "class", label: 4 },
    ], { steps: 5, blurEvery: 2 }));
});

Deno.test("linear probes dispose features, weights and predictions", async () => {
  const part = (x: tfCore.Tensor4D) => ({ x, labels });
  await leavesNoTensors("pooledFeatures", (x) => pooledFeatures(model, x, { grid: 7, batchSize: 5 }));
  await leavesNoTensors(
    "probeStages",
    (x) => probeStages(model, part(x), part(x), { epochs: 2, batchSize: 5 }),
  );
  await leavesNoTensors("probePixels", (x) => probePixels(part(x), part(x), { epochs: 2 }));
});

Deno.test("activation summaries, maps and layout correlation dispose their stage outputs", async () => {
  await leavesNoTensors("meanChannelMaps", (x) => meanChannelMaps(model, x, ["conv1", "pool2", "conv3"]));
  await leavesNoTensors("channelMaps", (x) => {
    const one = pick(x, [0]);
    channelMaps(model, one, "conv2");
    one.dispose();
  });
  await leavesNoTensors("summariseStages", async (x) => {
    const summaries = await summariseStages(model, x, { batchSize: 5 });
    return summaries.map((s) => classPurity(s, labels));
  });
  await leavesNoTensors("layoutCorrelation", (x) => layoutCorrelation(model, x, "pool1", { shuffle: true }));
});

Deno.test("predictions, logits, stage outputs and kernel summaries leave only what the caller owns", async () => {
  await leavesNoTensors("predict", (x) => predict(model, x, labels, 5));
  await leavesNoTensors("logits", (x) => logits(model, x).dispose());
  await leavesNoTensors("stageOutputs", (x) => tf.dispose(stageOutputs(model, x, ["conv2", "pool2"])));
  await leavesNoTensors("firstLayerSummary", () => firstLayerSummary(model));
  await leavesNoTensors("kernelNorms", () => kernelNorms(model));
});
