/** Feature visualization of Part 1 for one network: conv3 channels at evenly spaced response ranks, their
 * exemplars, and the optimised images of those channels and of every output class. */
import {
  evenlySpaced,
  EXEMPLAR_COUNT,
  liveChannelsByResponse,
  type StageSummary,
  topImages,
} from "../../models/analysis/cnn/activations.ts";
import {
  DEFAULT_VISUALIZATION,
  type VisualizationOptions,
  type VisualizationTarget,
  visualizeTargets,
} from "../../models/analysis/cnn/feature_visualization.ts";
import { memo } from "../../report/memo.ts";
import type { CnnControlSetup, CnnSetup } from "./cnn_setup.ts";
import { stageSummaries, untrainedStageSummaries } from "./cnn_test_pass.ts";
import { forEachBatch, logits as logitsOf } from "../../models/analysis/cnn/stages.ts";
import type { LayersModel, tfCore } from "../../models/tf.ts";

const LOGIT_BATCH = 250;

export type VisualizationStudy = Awaited<ReturnType<typeof visualizationStudy>>;

/** The optimisation settings of Part 1's feature visualization for `setup`'s profile and seed. */
export function visualizationOptions(setup: CnnControlSetup) {
  return { ...DEFAULT_VISUALIZATION, steps: setup.settings.visualizationSteps, seed: setup.seed };
}

/** The study of the untrained network, stored: it needs no training, so on an empty store it can be computed
 * while the network trains. */
export async function untrainedVisualization(setup: CnnControlSetup): Promise<VisualizationStudy> {
  const options = visualizationOptions(setup);
  const { value } = await memo(
    {
      name: `cnn-visualization-untrained-${setup.profile}`,
      module: import.meta.url,
      args: { options, settings: setup.settings, backend: setup.backend.name },
    },
    async () =>
      visualizationStudy(
        setup.control,
        setup.test,
        conv3Of(await untrainedStageSummaries(setup)),
        setup.settings.visualizedChannels,
        options,
      ),
  );
  return value;
}

/** The study of the trained network (computed by the chapter that shows it, not stored). */
export async function trainedVisualization(setup: CnnSetup): Promise<VisualizationStudy> {
  const conv3 = conv3Of(await stageSummaries(setup));
  return await visualizationStudy(
    setup.model,
    setup.test,
    conv3,
    setup.settings.visualizedChannels,
    visualizationOptions(setup),
  );
}

/** The conv3 summary of a network's stored pass over the test digits (`cnn_test_pass.ts`). */
function conv3Of(summaries: readonly StageSummary[]): StageSummary {
  const conv3 = summaries.find((summary) => summary.stage.name === "conv3");
  if (!conv3) throw new Error("the stage summaries have no conv3");
  return conv3;
}

/** `conv3` is the network's conv3 summary over `data` (from the stored test pass, not computed again). */
export async function visualizationStudy(
  model: LayersModel,
  data: { x: tfCore.Tensor4D; labels: Int32Array },
  conv3: StageSummary,
  visualizedChannels: number,
  options: VisualizationOptions,
) {
  const live = liveChannelsByResponse(conv3);
  const channels = evenlySpaced(live, visualizedChannels);
  const exemplars = channels.map((c) => topImages(conv3, c, EXEMPLAR_COUNT));
  // A batch at a time: one pass over every digit at once would hold all their activations.
  const logits: number[][] = [];
  await forEachBatch(data.x, LOGIT_BATCH, (batch) => {
    const scores = logitsOf(model, batch);
    logits.push(...(scores.arraySync() as number[][]));
    scores.dispose();
  });
  const classScale = (label: number) => {
    const own = logits.filter((_, i) => data.labels[i] === label).map((row) => row[label]);
    return Math.max(1e-3, own.reduce((a, b) => a + b, 0) / Math.max(1, own.length));
  };
  const targets: VisualizationTarget[] = [
    ...channels.map((channel, k) => ({
      kind: "channel" as const,
      stage: "conv3",
      channel,
      scale: Math.max(1e-3, exemplars[k].reduce((s, e) => s + e.mean, 0) / exemplars[k].length),
    })),
    ...Array.from(
      { length: model.outputs[0].shape[1] as number },
      (_, label) => ({ kind: "class" as const, label, scale: classScale(label) }),
    ),
  ];
  const results = visualizeTargets(model, targets, options);
  return {
    conv3,
    live,
    channels,
    exemplars,
    results,
    channelResults: results.slice(0, channels.length),
    classResults: results.slice(channels.length),
  };
}
