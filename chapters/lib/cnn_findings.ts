/** The measured facts Part 1's findings (and the results at a glance) quote, each computed by the analysis
 * that the chapter it comes from uses, so a finding and its figure cannot disagree. */
import * as act from "../../models/analysis/cnn/activations.ts";
import { inkArea, inkShare } from "../../models/analysis/cnn/attribution.ts";
import { bootstrapMean } from "../../models/analysis/bootstrap.ts";
import { median } from "../../models/analysis/cnn/channel_stats.ts";
import { firstLayerSummary, kernelNorms, normGrowth } from "../../models/analysis/cnn/filters.ts";
import { LAYOUT_DIGITS, layoutStudy } from "../../models/analysis/cnn/layout.ts";
import { layerGeometry, receptiveFields } from "../../models/analysis/cnn/receptive_field.ts";
import { convStages } from "../../models/analysis/cnn/stages.ts";
import { memo } from "../../report/memo.ts";
import { attributionStudy, INK } from "./cnn_attribution.ts";
import type { CnnSetup } from "./cnn_setup.ts";
import { stageSummaries, testPredictions, untrainedStageSummaries } from "./cnn_test_pass.ts";

export type CnnFindings = Awaited<ReturnType<typeof measure>>;

/** The findings of `setup`'s model, computed once and shared by the chapters that quote them. */
export async function cnnFindings(setup: CnnSetup): Promise<CnnFindings> {
  const { value } = await memo(
    {
      name: `cnn-findings-${setup.profile}`,
      module: import.meta.url,
      args: { model: setup.key, settings: setup.settings, seed: setup.seed },
    },
    () => measure(setup),
  );
  return value;
}

async function measure(setup: CnnSetup) {
  const { model, control, test, seed } = setup;
  const conv = convStages(model).map((stage) => stage.name);
  const predictions = await testPredictions(setup);
  const correct: number[] = Array.from(predictions.predicted, (p, i) => (p === test.labels[i] ? 1 : 0));
  const summaries = await stageSummaries(setup);
  const controlSummaries = await untrainedStageSummaries(setup);
  const [last, controlLast] = [summaries.at(-1)!, controlSummaries.at(-1)!];
  const growth = normGrowth(kernelNorms(model), kernelNorms(control));
  const attribution = attributionStudy(model, test, predictions);
  const { chosen, trueGradients, digitAt } = attribution;
  return {
    testRows: test.labels.length,
    accuracy: bootstrapMean(correct, { seed }),
    errors: correct.length - correct.reduce((a, b) => a + b, 0),
    filters: firstLayerSummary(model),
    controlFilters: firstLayerSummary(control),
    growth: Object.fromEntries(growth.map((g) => [g.layer, g])),
    fields: receptiveFields(layerGeometry(model)),
    imageSize: test.x.shape[1],
    layoutDigits: Math.min(LAYOUT_DIGITS, test.labels.length),
    layout: Object.fromEntries(layoutStudy(model, test.x, conv).map((row) => [row.stage, row])),
    channels: summaries.reduce((n, s) => n + s.stage.channels, 0),
    dead: summaries.map(act.channelHealth).reduce((n, h) => n + h.dead.length, 0),
    lastStage: last.stage.name,
    liveLast: act.liveChannelsByResponse(last).length,
    exemplars: act.EXEMPLAR_COUNT,
    purity: act.classPurity(last, test.labels),
    controlPurity: act.classPurity(controlLast, test.labels),
    /** Trained minus untrained purity, over two independent sets of channels. */
    purityGain: act.purityGain(last, controlLast, test.labels, { seed }),
    activeShare: { trained: median(last.activeShare), untrained: median(controlLast.activeShare) },
    gradientOnInk: chosen.map((_, k) => inkShare(trueGradients[k].values, digitAt(k), INK)),
    inkArea: chosen.map((_, k) => inkArea(digitAt(k), INK)),
  };
}
