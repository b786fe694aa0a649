/** SimpleCNN: three 3×3 conv layers and two dense layers for 28×28 MNIST digits. */
import { tf } from "./tf.ts";
import type { tfLayers } from "./tf.ts";
import { deriveSeed } from "./seed.ts";
import { type AffineJitter, randomAffine } from "./augment.ts";
import { accuracyOf, type EpochLog, trainModel, type TrainOptions } from "./train.ts";
import { type ModelSpec, type StoredModel, storedModel, type StoreOptions } from "./store.ts";
import {
  DEFAULT_MNIST_SEED,
  disposePart,
  loadMnist,
  mnistIdentity,
  selectRows,
  stratifiedSplit,
} from "./data/mnist.ts";

export const DEFAULT_CNN_SEED = 1;

/** Layer names in order; probes and chapters address layers by these. */
export const SIMPLE_CNN_LAYERS = [
  "conv1",
  "pool1",
  "conv2",
  "pool2",
  "conv3",
  "flatten",
  "dense1",
  "output",
] as const;
export type SimpleCnnLayer = typeof SIMPLE_CNN_LAYERS[number];
export const SIMPLE_CNN_CONV_LAYERS = ["conv1", "conv2", "conv3"] as const;

export function buildSimpleCNN(seed: number = DEFAULT_CNN_SEED): tfLayers.Sequential {
  const kernel = (layer: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, layer) });
  const conv = (name: string, filters: number, extra: { inputShape?: number[] } = {}) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: kernel(name),
      ...extra,
    });
  const pool = (name: string) => tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
  return tf.sequential({
    name: "SimpleCNN",
    layers: [
      conv("conv1", 32, { inputShape: [28, 28, 1] }),
      pool("pool1"),
      conv("conv2", 64),
      pool("pool2"),
      conv("conv3", 64),
      tf.layers.flatten({ name: "flatten" }),
      tf.layers.dense({
        name: "dense1",
        units: 128,
        activation: "relu",
        kernelInitializer: kernel("dense1"),
      }),
      tf.layers.dense({
        name: "output",
        units: 10,
        activation: "softmax",
        kernelInitializer: kernel("output"),
      }),
    ],
  });
}

export type Profile = "full" | "quick";

/** `cosine`: initial · ½(1 + cos(π(epoch − 1) / epochs)), falling from `initial` towards 0 by the last epoch;
 * `exponential`: initial · decayPerEpoch^(epoch − 1). Epochs count from 1. */
export type CnnLearningRate =
  | { schedule: "cosine"; initial: number }
  | { schedule: "exponential"; initial: number; decayPerEpoch: number };

export function learningRateAt(rate: CnnLearningRate, epoch: number, epochs: number): number {
  return rate.schedule === "cosine"
    ? rate.initial * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs))
    : rate.initial * rate.decayPerEpoch ** (epoch - 1);
}

export interface CnnTrainingConfig {
  /** Training rows used (of the 8,000), before the validation rows are held out. */
  trainRows: number;
  /** Rows held out of `trainRows` for early stopping and best-epoch selection; 0 trains on all of them for
   * `epochs` and keeps the last weights. */
  validationRows: number;
  /** Test rows scored at the end (of the 2,000). */
  testRows: number;
  epochs: number;
  batchSize: number;
  learningRate: CnnLearningRate;
  augment: AffineJitter | null;
  /** Training stops once validation accuracy reaches this (after `minEpochs`). */
  targetValidationAccuracy: number;
  minEpochs: number;
  /** Parts of each batch whose gradients are computed separately (on worker threads where cores allow). */
  shards: number;
}

export const CNN_PROFILES: Record<Profile, CnnTrainingConfig> = {
  full: {
    trainRows: 8000,
    validationRows: 0,
    testRows: 2000,
    epochs: 6,
    batchSize: 128,
    learningRate: { schedule: "cosine", initial: 4e-3 },
    augment: { maxShift: 2, maxZoom: 0.1, maxRotation: 0 },
    targetValidationAccuracy: 0.99,
    minEpochs: 3,
    shards: 2,
  },
  quick: {
    trainRows: 600,
    validationRows: 100,
    testRows: 500,
    epochs: 2,
    batchSize: 32,
    learningRate: { schedule: "cosine", initial: 2e-3 },
    augment: { maxShift: 2, maxZoom: 0.1, maxRotation: 0 },
    targetValidationAccuracy: 1,
    minEpochs: 1,
    shards: 1,
  },
};

export interface CnnMeta {
  profile: Profile;
  seed: number;
  config: CnnTrainingConfig;
  data: string;
  backend: string;
  history: EpochLog[];
  /** The epoch whose weights the model has: the best on validation, or the last without validation. */
  bestEpoch: number;
  /** Accuracy of the kept epoch on the held-out training rows; null without validation. */
  validationAccuracy: number | null;
  testAccuracy: number;
  testRows: number;
  trainSeconds: number;
  stoppedEarly: boolean;
}

export interface TrainedCnnOptions {
  profile?: Profile | string;
  seed?: number;
  /** Seed of the MNIST train/test split; the default matches `loadMnist()`. */
  dataSeed?: number;
  /** Changes to the profile's training config (part of the store key). */
  overrides?: Partial<CnnTrainingConfig>;
  store?: StoreOptions;
}

export function cnnProfile(name: string | undefined): Profile {
  if (name === undefined || name === "full") return "full";
  if (name === "quick") return "quick";
  throw new Error(`unknown profile "${name}" (expected full or quick)`);
}

/** The SimpleCNN trained on MNIST for `profile`, from the model store when present. */
export async function trainedSimpleCNN(options: TrainedCnnOptions = {}): Promise<StoredModel<CnnMeta>> {
  const profile = cnnProfile(options.profile);
  const seed = options.seed ?? DEFAULT_CNN_SEED;
  const config = { ...CNN_PROFILES[profile], ...options.overrides };
  const dataSeed = options.dataSeed ?? DEFAULT_MNIST_SEED;
  const spec: ModelSpec = {
    name: `simple-cnn-${profile}`,
    module: import.meta.url,
    config: { profile, ...config },
    data: mnistIdentity(dataSeed),
    seed,
  };
  return await storedModel(
    spec,
    () => buildSimpleCNN(seed),
    (model) =>
      trainOnMnist(model as tfLayers.Sequential, { profile, seed, dataSeed, config, data: spec.data }),
    options.store,
  );
}

async function trainOnMnist(
  model: tfLayers.Sequential,
  run: { profile: Profile; seed: number; dataSeed: number; config: CnnTrainingConfig; data: string },
): Promise<CnnMeta> {
  const { config } = run;
  const mnistData = await loadMnist({ seed: run.dataSeed });
  const used = selectRows(mnistData.train, firstRows(config.trainRows));
  const { rest, heldOut } = stratifiedSplit(
    used.labels,
    config.validationRows,
    deriveSeed(run.seed, "validation"),
  );
  const train = selectRows(used, rest);
  const validation = selectRows(used, heldOut);
  const test = selectRows(mnistData.test, firstRows(config.testRows));
  disposePart(used);
  mnistData.dispose();
  const validating = config.validationRows > 0;
  try {
    const started = performance.now();
    const history = await trainModel(model, train.x, train.y, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: deriveSeed(run.seed, "training"),
      learningRate: (epoch) => learningRateAt(config.learningRate, epoch, config.epochs),
      task: `train SimpleCNN (${run.profile})`,
      augment: config.augment ? randomAffine(config.augment) : undefined,
      shards: config.shards,
      ...(validating
        ? {
          validation,
          keepBest: (_model, log) => (log.valAccuracy ?? 0) - 1e-3 * (log.valLoss ?? 0),
          stopWhen: (log) =>
            log.epoch >= config.minEpochs && (log.valAccuracy ?? 0) >= config.targetValidationAccuracy,
        } satisfies Partial<TrainOptions>
        : {}),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const kept = validating
      ? history.reduce((a, b) => ((b.score ?? -Infinity) > (a.score ?? -Infinity) ? b : a))
      : history[history.length - 1];
    return {
      profile: run.profile,
      seed: run.seed,
      config,
      data: run.data,
      backend: tf.getBackend(),
      history,
      bestEpoch: kept.epoch,
      validationAccuracy: kept.valAccuracy ?? null,
      testAccuracy: accuracyOf(model, test.x, test.y),
      testRows: config.testRows,
      trainSeconds,
      stoppedEarly: history.length < config.epochs,
    };
  } finally {
    disposePart(train, validation, test);
  }
}

function firstRows(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}
