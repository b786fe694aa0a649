import assert from "node:assert/strict";
import { cnnSetup } from "../../chapters/lib/cnn_setup.ts";
import {
  kernelComparison,
  kernelNormFigure,
  orientationFigure,
} from "../../chapters/lib/figures/fig_11_filters.ts";
import { featureMapFigure } from "../../chapters/lib/figures/fig_12_feature_maps.ts";
import { channelGrid, firingFigure } from "../../chapters/lib/figures/fig_13_channels.ts";
import { confusionFigure } from "../../chapters/lib/figures/fig_14_technical.ts";
import { exemplarFigure, optimisedRow } from "../../chapters/lib/figures/fig_15_visualization.ts";
import { attributionFigure } from "../../chapters/lib/figures/fig_16_attribution.ts";
import { probeFigure } from "../../chapters/lib/figures/fig_17_probes.ts";
import { trainingCurves } from "../../chapters/lib/figures/training.ts";
import { markupSize } from "../../chapters/lib/figures/layout.ts";
import { firstLayerSummary, kernelNorms } from "../../models/analysis/cnn/filters.ts";
import {
  channelMaps,
  meanChannelMaps,
  summariseStages,
  topImages,
} from "../../models/analysis/cnn/activations.ts";
import { confusionMatrix, pick, predict } from "../../models/analysis/cnn/evaluation.ts";
import { visualizeTargets } from "../../models/analysis/cnn/feature_visualization.ts";
import { probeStages } from "../../models/analysis/cnn/linear_probe.ts";
import { inputGradients, occlusionSensitivity } from "../../models/analysis/cnn/attribution.ts";
import { featureStages } from "../../models/analysis/cnn/stages.ts";

const nonEmpty = (element: { outerHTML: string }, marks: RegExp, name: string) => {
  assert.ok(markupSize(element) > 1000, `${name} is too small`);
  assert.match(element.outerHTML, marks, `${name} has no marks`);
};

Deno.test("every Part 1 figure renders non-empty from the quick profile", async () => {
  const storeDir = await Deno.makeTempDir({ prefix: "cnn-figures-store-" });
  try {
    await everyFigureRenders(storeDir);
  } finally {
    await Deno.remove(storeDir, { recursive: true });
  }
});

async function everyFigureRenders(storeDir: string): Promise<void> {
  const setup = await cnnSetup({ profile: "quick", backend: "auto" }, { storeDir });
  assert.equal(setup.profile, "quick");
  assert.ok(setup.meta.testAccuracy >= 0 && setup.meta.testAccuracy <= 1);

  const trained = firstLayerSummary(setup.model), control = firstLayerSummary(setup.control);
  nonEmpty(
    kernelComparison(trained.kernels, control.kernels, { columns: 8, panelSize: 30 }),
    /<image /,
    "kernels",
  );
  nonEmpty(orientationFigure(trained, control, 0.5), /<circle /, "orientation");
  nonEmpty(kernelNormFigure(kernelNorms(setup.model), kernelNorms(setup.control)), /<circle /, "norms");

  const digits = pick(setup.test.x, [0, 1]);
  const stages = featureStages(setup.model).map((s) => s.name);
  const maps = meanChannelMaps(setup.model, digits, stages);
  const pixels = digits.dataSync() as Float32Array;
  nonEmpty(
    featureMapFigure(
      [0, 1].map((k) => ({ row: `d${k}`, values: pixels.slice(k * 784, (k + 1) * 784) })),
      maps.map((m) => ({ ...m, row: `d${m.image}` })),
    ),
    /<image /,
    "feature maps",
  );
  nonEmpty(
    channelGrid(channelMaps(setup.model, pick(setup.test.x, [0]), "conv3"), new Map([[0, "dead"]]), {
      stage: "conv3",
      columns: 16,
      panelSize: 30,
    }),
    /<image /,
    "channels",
  );
  const summaries = await summariseStages(setup.model, setup.test.x, { stageNames: ["conv3"] });
  nonEmpty(
    firingFigure([...summaries[0].activeShare].map((activeShare, channel) => ({
      stage: "conv3",
      channel,
      activeShare,
      imageShare: summaries[0].imageShare[channel],
      network: "trained",
    }))),
    /<circle /,
    "firing",
  );

  const [visual] = visualizeTargets(setup.model, [{ kind: "class", label: 1 }], { steps: 2 });
  const top = topImages(summaries[0], 0, 3);
  const testPixels = setup.test.x.dataSync() as Float32Array;
  nonEmpty(
    exemplarFigure([{
      label: "ch 0",
      optimised: visual.image,
      exemplars: top.map((t) => testPixels.slice(t.image * 784, (t.image + 1) * 784)),
    }], "t"),
    /<image /,
    "exemplars",
  );
  nonEmpty(
    optimisedRow([{ network: "trained", label: "class 1", image: visual.image }]),
    /<image /,
    "optimised",
  );

  const small = { x: pick(setup.test.x, [0, 1, 2, 3, 4, 5, 6, 7]), labels: setup.test.labels.slice(0, 8) };
  const probes = await probeStages(setup.model, small, small, { epochs: 1 });
  for (const p of probes) assert.ok(p.testAccuracy >= 0 && p.testAccuracy <= 1);
  const band = Object.fromEntries(
    probes.map((p) => [p.stage, { estimate: p.testAccuracy, low: 0.1, high: 0.9, level: 0.95 }]),
  );
  const probeChart = probeFigure(probes, probes, { trained: 0.5 }, { trained: band, untrained: band });
  nonEmpty(probeChart, /<path /, "probes");
  // One interval rule per stage and network.
  assert.equal(
    (probeChart.outerHTML.match(/<line /g) ?? []).length >= 2 * probes.length,
    true,
    "interval rules",
  );

  const grads = inputGradients(setup.model, digits, [0, 1]);
  const occlusion = occlusionSensitivity(setup.model, digits, [0, 1], { patch: 7, stride: 7 });
  nonEmpty(
    attributionFigure([0, 1].map((k) => ({
      row: `d${k}`,
      input: pixels.slice(k * 784, (k + 1) * 784),
      trueGradient: grads[k].values,
      predictedGradient: grads[k].values,
      occlusion: occlusion[k].values,
    }))),
    /<image /,
    "attribution",
  );

  nonEmpty(trainingCurves(setup.meta.history), /<path /, "training curves");
  const predictions = await predict(setup.model, setup.test.x, setup.test.labels);
  nonEmpty(confusionFigure(confusionMatrix(predictions)), /<rect /, "confusion");
}
