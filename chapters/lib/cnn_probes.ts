/** The linear probes of Part 1, computed once per model and settings and shared by the chapters that quote
 * them: every stage of the trained and the untrained network, and the raw pixels. */
import {
  probeContrast,
  probePixels,
  type ProbeResult,
  probeStages,
  type StageProbe,
} from "../../models/analysis/cnn/linear_probe.ts";
import { memo } from "../../report/memo.ts";
import type { CnnControlSetup, CnnSetup } from "./cnn_setup.ts";

export interface CnnProbeStudy {
  options: { epochs: number; seed: number; l2: number; grid: number; batchSize: number };
  trained: StageProbe[];
  control: StageProbe[];
  pixels: ProbeResult;
  trainRows: number;
  testRows: number;
}

function probeOptions(setup: CnnControlSetup) {
  return { epochs: setup.settings.probeEpochs, seed: setup.seed, l2: 1e-3, grid: 7, batchSize: 256 };
}

const digits = (part: CnnControlSetup["train"]) => ({ x: part.x, labels: part.labels });

/** The probes that need no training, of the untrained network and of the raw pixels: on an empty store they
 * can be computed while the network trains. */
export async function untrainedProbeStudy(
  setup: CnnControlSetup,
): Promise<{ control: StageProbe[]; pixels: ProbeResult }> {
  const options = probeOptions(setup);
  const { value } = await memo(
    {
      name: `cnn-probes-untrained-${setup.profile}`,
      module: import.meta.url,
      args: { options, settings: setup.settings, backend: setup.backend.name },
    },
    async () => ({
      control: await probeStages(setup.control, digits(setup.train), digits(setup.test), options),
      pixels: probePixels(digits(setup.train), digits(setup.test), options),
    }),
  );
  return value;
}

export async function cnnProbeStudy(setup: CnnSetup): Promise<CnnProbeStudy> {
  const options = probeOptions(setup);
  const untrained = await untrainedProbeStudy(setup);
  const { value: trained } = await memo(
    {
      name: `cnn-probes-${setup.profile}`,
      module: import.meta.url,
      args: { model: setup.key, options, settings: setup.settings },
    },
    () => probeStages(setup.model, digits(setup.train), digits(setup.test), options),
  );
  return {
    options,
    trained,
    ...untrained,
    trainRows: setup.train.labels.length,
    testRows: setup.test.labels.length,
  };
}

/** The probe accuracies and the differences the chapters compare, each with its bootstrap interval over the
 * test digits (all probes were scored on the same digits, so differences are paired). */
export function probeIntervals(study: CnnProbeStudy, seed: number) {
  const options = { seed };
  const stage = (rows: StageProbe[], name: string) => rows.find((row) => row.stage === name)!;
  const last = study.trained.at(-1)!.stage;
  const [t, u] = [study.trained, study.control].map((rows) => ({
    input: stage(rows, "input"),
    conv1: stage(rows, "conv1"),
    last: stage(rows, last),
  }));
  const accuracy = (rows: StageProbe[]) =>
    Object.fromEntries(rows.map((row) => [row.stage, probeContrast([row], [], options)]));
  return {
    last,
    trained: accuracy(study.trained),
    untrained: accuracy(study.control),
    pixels: probeContrast([study.pixels], [], options),
    /** Trained network, layer against layer, and its last stage against the raw-pixel probe. */
    conv1OverInput: probeContrast([t.conv1], [t.input], options),
    lastOverConv1: probeContrast([t.last], [t.conv1], options),
    lastOverPixels: probeContrast([t.last], [study.pixels], options),
    /** Untrained network, layer against layer. */
    untrainedConv1OverInput: probeContrast([u.conv1], [u.input], options),
    untrainedLastOverConv1: probeContrast([u.last], [u.conv1], options),
    /** Trained minus untrained at a stage, and the difference between those gains. */
    gainConv1: probeContrast([t.conv1], [u.conv1], options),
    gainLast: probeContrast([t.last], [u.last], options),
    gainLastOverConv1: probeContrast([t.last, u.conv1], [u.last, t.conv1], options),
  };
}
