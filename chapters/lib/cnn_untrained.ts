/** Part 1's studies of the untrained network, which need no training: started before the trained network is
 * waited for, they run (on an empty store) while the CNN trains, and the chapters that quote them load them. */
import { untrainedProbeStudy } from "./cnn_probes.ts";
import { type CnnControlSetup, cnnControlSetup } from "./cnn_setup.ts";
import { untrainedStageSummaries } from "./cnn_test_pass.ts";
import { untrainedVisualization } from "./cnn_visualization.ts";

/** Stores the untrained network's probes, feature visualization and stage summaries; returns its setup. */
export async function untrainedStudies(params: Record<string, string>): Promise<CnnControlSetup> {
  const setup = await cnnControlSetup(params);
  await untrainedProbeStudy(setup);
  await untrainedStageSummaries(setup);
  await untrainedVisualization(setup);
  return setup;
}
