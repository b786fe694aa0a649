import assert from "node:assert/strict";
import { buildSimpleCNN } from "../../models/cnn.ts";
import { layerDesign } from "../../models/analysis/cnn/architecture.ts";
import { averagedEnergyShare } from "../../models/analysis/cnn/kernels.ts";
import { normGrowth } from "../../models/analysis/cnn/filters.ts";
import { inkArea, inkShare } from "../../models/analysis/cnn/attribution.ts";
import { backgroundActiveShare, channelNotes, median } from "../../models/analysis/cnn/channel_stats.ts";
import { labelPurity } from "../../models/analysis/cnn/activations.ts";

Deno.test("layer design is read from the layer configs", () => {
  const model = buildSimpleCNN(2);
  const design = layerDesign(model);
  const convs = model.layers.filter((l) => l.getClassName() === "Conv2D");
  assert.equal(design.conv.length, convs.length);
  assert.deepEqual(design.conv.map((c) => c.layer), convs.map((l) => l.name));
  for (const c of design.conv) assert.equal(c.kernel.length, 2);
  assert.ok(design.pool.every((p) => p.reduce === "max" && p.window.length === 2));
  assert.equal(design.dense.length, model.layers.filter((l) => l.getClassName() === "Dense").length);
});

Deno.test("averaging a kernel over inputs keeps all of its energy only when the inputs agree", () => {
  // size 1, two input channels, two output channels: [row, col, in, out] order.
  const kernels = {
    layer: "c",
    size: 1,
    inChannels: 2,
    outChannels: 2,
    weights: Float32Array.from([1, 1, 1, -1]),
  };
  // channel 0 has weights (1, 1): kept whole; channel 1 has (1, −1): cancels to nothing.
  assert.ok(Math.abs(averagedEnergyShare(kernels) - 0.5) < 1e-9);
});

Deno.test("norm growth compares the mean kernel norm per layer", () => {
  const trained = [{ layer: "a", channel: 0, norm: 2 }, { layer: "a", channel: 1, norm: 4 }];
  const control = [{ layer: "a", channel: 0, norm: 1 }, { layer: "a", channel: 1, norm: 3 }];
  assert.deepEqual(normGrowth(trained, control), [{ layer: "a", before: 2, after: 3, growth: 0.5 }]);
});

Deno.test("ink shares split attribution magnitude and area at the ink threshold", () => {
  const image = [0, 0.5, 1, 0];
  assert.equal(inkArea(image, 0.3), 0.5);
  assert.equal(inkShare([1, -1, 2, 0], image, 0.3), 0.75);
  assert.equal(inkShare([0, 0, 0, 0], image, 0.3), 0);
});

Deno.test("channel statistics: median, background activity and figure notes", () => {
  assert.equal(median(Float32Array.from([3, 1, 2])), 2);
  const maps = [0, 1].map((channel) => ({
    stage: "s",
    image: 0,
    height: 2,
    width: 2,
    channel,
    values: Float32Array.from(channel === 0 ? [1, 1, 0, 1] : [0, 0, 1, 0]),
  }));
  assert.deepEqual(backgroundActiveShare(maps, [0, 0, 1, 0], 0.3), [1, 0]);
  assert.deepEqual([...channelNotes([1, 2], [2])], [[1, "silent"], [2, "dead"]]);
});

Deno.test("label purity is the share of the most common label", () => {
  const labels = [1, 1, 2, 3, 1];
  assert.equal(labelPurity([0, 1, 2, 3], labels), 0.5);
  assert.equal(labelPurity([0, 1, 4], labels), 1);
  assert.equal(labelPurity([], labels), 0);
});
