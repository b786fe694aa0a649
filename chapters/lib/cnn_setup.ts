/** What every Part 1 chapter starts from: the backend, the trained SimpleCNN, an untrained twin and the data. */
import { type BackendChoice, useBackend } from "../../models/backend.ts";
import {
  buildSimpleCNN,
  type CnnMeta,
  cnnProfile,
  DEFAULT_CNN_SEED,
  type Profile,
  trainedSimpleCNN,
} from "../../models/cnn.ts";
import { loadMnist, type MnistPart, selectRows } from "../../models/data/mnist.ts";
import type { LayersModel } from "../../models/tf.ts";

/** How much work each analysis does; `quick` keeps the same code paths at test-suite cost. */
export interface CnnAnalysisSettings {
  /** Test digits scored and summarised (the first rows of the test split). */
  testRows: number;
  /** Training digits the linear probes learn from (the first rows of the train split). */
  probeTrainRows: number;
  probeEpochs: number;
  /** Gradient-ascent steps for feature visualization. */
  visualizationSteps: number;
  /** conv3 channels shown with optimised images and exemplars. */
  visualizedChannels: number;
}

export const CNN_ANALYSIS: Record<Profile, CnnAnalysisSettings> = {
  full: {
    testRows: 2000,
    probeTrainRows: 3000,
    probeEpochs: 10,
    visualizationSteps: 128,
    visualizedChannels: 8,
  },
  quick: {
    testRows: 300,
    probeTrainRows: 300,
    probeEpochs: 3,
    visualizationSteps: 16,
    visualizedChannels: 4,
  },
};

export interface CnnSetup {
  profile: Profile;
  settings: CnnAnalysisSettings;
  backend: BackendChoice;
  model: LayersModel;
  meta: CnnMeta;
  /** Whether the trained weights came from the model store. */
  cacheHit: boolean;
  /** The model store's key of these weights. */
  key: string;
  /** Same architecture and seed, never trained: the control for "what did training do". */
  control: LayersModel;
  train: MnistPart;
  test: MnistPart;
  seed: number;
}

function firstRows(part: MnistPart, rows: number): MnistPart {
  return selectRows(part, Int32Array.from({ length: Math.min(rows, part.labels.length) }, (_, i) => i));
}

export interface CnnSetupOptions {
  /** Model store folder (default: the project's `.cache/models`); tests pass a temporary one. */
  storeDir?: string;
  /** A control setup already made for the same parameters, completed instead of made again. */
  base?: CnnControlSetup;
}

/** Everything of a setup but the trained network: what the untrained network's analyses need, available
 * without waiting for training. */
export type CnnControlSetup = Omit<CnnSetup, "model" | "meta" | "cacheHit" | "key">;

export async function cnnControlSetup(params: Record<string, string>): Promise<CnnControlSetup> {
  const profile = cnnProfile(params.profile);
  const settings = CNN_ANALYSIS[profile];
  const seed = params.seed ? Number(params.seed) : DEFAULT_CNN_SEED;
  const backend = await useBackend(params.backend ?? "auto");
  const data = await loadMnist();
  const test = firstRows(data.test, settings.testRows);
  const train = firstRows(data.train, settings.probeTrainRows);
  data.dispose();
  return { profile, settings, backend, control: buildSimpleCNN(seed), train, test, seed };
}

export async function cnnSetup(
  params: Record<string, string>,
  options: CnnSetupOptions = {},
): Promise<CnnSetup> {
  const base = options.base ?? await cnnControlSetup(params);
  const store = options.storeDir === undefined ? undefined : { dir: options.storeDir };
  const stored = await trainedSimpleCNN({ profile: base.profile, seed: base.seed, store });
  return { ...base, model: stored.model, meta: stored.meta, cacheHit: stored.hit, key: stored.key };
}
