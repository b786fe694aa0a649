import assert from "node:assert/strict";
import {
  isEdgeDetector,
  kernelProfile,
  orientationHistogram,
  orientationSpread,
} from "../../models/analysis/cnn/orientation.ts";
import { averagedKernels, convKernels } from "../../models/analysis/cnn/kernels.ts";
import { buildSimpleCNN } from "../../models/cnn.ts";

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

Deno.test("a left-to-right ramp is a pure edge detector pointing right, with a vertical edge line", () => {
  const p = kernelProfile([-1, 0, 1, -1, 0, 1, -1, 0, 1], 3);
  close(p.gradientShare, 1);
  close(p.constantShare, 0);
  close(p.direction, 0);
  close(p.edgeOrientation, 90);
  assert.ok(isEdgeDetector(p));
});

Deno.test("an upward ramp points at 90 degrees; shares always add to one", () => {
  const p = kernelProfile([1, 2, 1, 0, 0, 0, -1, -2, -1], 3);
  close(p.direction, 90);
  const q = kernelProfile([0.3, -0.2, 0.9, 0.1, 0.5, -0.7, 0.2, 0.0, 0.4], 3);
  close(q.constantShare + q.gradientShare + q.residualShare, 1, 1e-5);
});

Deno.test("constant and checkerboard kernels are not edge detectors", () => {
  const flat = kernelProfile(new Array(9).fill(0.5), 3);
  close(flat.constantShare, 1);
  assert.equal(isEdgeDetector(flat), false);
  const checker = kernelProfile([1, -1, 1, -1, 1, -1, 1, -1, 1], 3);
  assert.ok(checker.residualShare > 0.8);
  assert.equal(isEdgeDetector(checker), false);
});

Deno.test("orientation spread is 0 for agreeing orientations and near 1 for evenly spread ones", () => {
  close(orientationSpread([30, 30, 210]), 0);
  close(orientationSpread([0, 45, 90, 135]), 1);
  const histogram = orientationHistogram([0, 179, 45, 90, 91], 4);
  assert.equal(histogram.reduce((n, b) => n + b.count, 0), 5);
  assert.equal(histogram[0].count, 2, "0 and 179 degrees share the horizontal bin");
});

Deno.test("kernels read from a model: the averaged kernels' norms agree with the weights", () => {
  const kernels = convKernels(buildSimpleCNN(5), "conv2");
  assert.equal(kernels.size, 3);
  assert.equal(kernels.inChannels, 32);
  const averaged = averagedKernels(kernels);
  assert.equal(averaged.length, kernels.outChannels);
  // Output channel 0's weights are every `outChannels`-th value of the [size, size, in, out] kernel.
  let energy = 0;
  for (let i = 0; i < kernels.weights.length; i += kernels.outChannels) energy += kernels.weights[i] ** 2;
  close(Math.sqrt(energy), averaged[0].norm, 1e-4);
});

Deno.test("first-layer summary: edge share is the edge-detector count over kernels; chance shares add to one", async () => {
  const { chanceShares, firstLayerSummary, kernelNorms } = await import(
    "../../models/analysis/cnn/filters.ts"
  );
  const model = buildSimpleCNN(5);
  const summary = firstLayerSummary(model);
  assert.equal(summary.layer, "conv1");
  assert.equal(summary.edgeShare, summary.edgeDetectors.length / summary.kernels.length);
  assert.equal(summary.histogram.reduce((n, b) => n + b.count, 0), summary.edgeDetectors.length);
  assert.ok(summary.spread >= 0 && summary.spread <= 1);
  const chance = chanceShares(3);
  close(chance.constant + chance.gradient + chance.residual, 1);
  const norms = kernelNorms(model);
  assert.deepEqual([...new Set(norms.map((n) => n.layer))], ["conv1", "conv2", "conv3"]);
  assert.ok(norms.every((n) => n.norm > 0));
});
