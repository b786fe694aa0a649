/** Part 1's test digits passed once through each network and stored: the trained network's predictions, and the
 * channel summaries of every convolution stage of both networks. The chapters and the findings that quote them
 * read the same pass instead of running it again; the untrained network's needs no training, so on an empty
 * store it can be computed while the network trains. */
import { type StageSummary, summariseStages } from "../../models/analysis/cnn/activations.ts";
import { predict, type Predictions } from "../../models/analysis/cnn/evaluation.ts";
import { convStages } from "../../models/analysis/cnn/stages.ts";
import { memo } from "../../report/memo.ts";
import type { CnnControlSetup, CnnSetup } from "./cnn_setup.ts";

/** The trained network's predictions on the test digits. */
export async function testPredictions(setup: CnnSetup): Promise<Predictions> {
  const { value } = await memo(
    {
      name: `cnn-test-predictions-${setup.profile}`,
      module: import.meta.url,
      args: { model: setup.key, settings: setup.settings },
    },
    () => predict(setup.model, setup.test.x, setup.test.labels),
  );
  return value;
}

/** The trained network's convolution stages summarised over the test digits. */
export async function stageSummaries(setup: CnnSetup): Promise<StageSummary[]> {
  const { value } = await memo(
    {
      name: `cnn-stage-summaries-${setup.profile}`,
      module: import.meta.url,
      args: { model: setup.key, settings: setup.settings },
    },
    () => summarise(setup.model, setup),
  );
  return value;
}

/** The untrained network's convolution stages summarised over the test digits. */
export async function untrainedStageSummaries(setup: CnnControlSetup): Promise<StageSummary[]> {
  const { value } = await memo(
    {
      name: `cnn-stage-summaries-untrained-${setup.profile}`,
      module: import.meta.url,
      args: { seed: setup.seed, settings: setup.settings, backend: setup.backend.name },
    },
    () => summarise(setup.control, setup),
  );
  return value;
}

function summarise(model: CnnSetup["model"], setup: CnnControlSetup): Promise<StageSummary[]> {
  const stageNames = convStages(model).map((stage) => stage.name);
  return summariseStages(model, setup.test.x, { stageNames });
}
