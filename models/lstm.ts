/** LSTMCounter: one LSTM layer over a sequence of single 0/1 inputs and a sigmoid readout that answers
 * "are there more 1s than 0s?". */
import { type LayersModel, type Tensor, tf, type tfLayers } from "./tf.ts";
import { createRng, deriveSeed, type Rng } from "./seed.ts";
import {
  codeToRow,
  concatSets,
  type CountingSet,
  countingTensors,
  DEFAULT_SEQUENCE_LENGTH,
  randomCountingSet,
  type SequenceDistribution,
  setFromRows,
  subset,
  TIE_LABEL,
} from "./data/counting.ts";
import { type EpochLog, trainModel } from "./train.ts";
import { type ModelSpec, storedModel } from "./store.ts";
import { lstmWeights, replayProbabilities } from "./lstm_replay.ts";
import { lstmLastHidden } from "./lstm_sequence.ts";
import {
  type ExhaustiveAccuracy,
  exhaustiveAccuracy,
  type SampledAccuracy,
  sampledAccuracy,
} from "./analysis/lstm/accuracy.ts";

export const DEFAULT_LSTM_SEED = 1;

export interface LstmCounterConfig {
  units: number;
  length: number;
}

export const DEFAULT_LSTM_CONFIG: LstmCounterConfig = { units: 64, length: DEFAULT_SEQUENCE_LENGTH };

/** The LSTM layer of the counter: tanh cell, explicit sigmoid gates (tfjs defaults to hardSigmoid), weights
 * set afterwards from seeded values. */
function counterLstmLayer(
  units: number,
  inputShape: number[],
  extra: { name?: string; returnSequences?: boolean },
) {
  return tf.layers.lstm({
    units,
    inputShape,
    activation: "tanh",
    recurrentActivation: "sigmoid",
    kernelInitializer: "zeros",
    recurrentInitializer: "zeros",
    biasInitializer: "zeros",
    unitForgetBias: false,
    ...extra,
  });
}

export function buildLSTMCounter(
  config: LstmCounterConfig = DEFAULT_LSTM_CONFIG,
  seed: number = DEFAULT_LSTM_SEED,
): tfLayers.Sequential {
  const model = tf.sequential({
    name: "LSTMCounter",
    layers: [
      counterLstmLayer(config.units, [config.length, 1], { name: "lstm" }),
      tf.layers.dense({ name: "output", units: 1, activation: "sigmoid", kernelInitializer: "zeros" }),
    ],
  });
  const initial = initialLstmWeights(1, config.units, seed);
  const readoutRng = createRng(deriveSeed(seed, "output:kernel"));
  const readoutLimit = Math.sqrt(6 / (config.units + 1));
  const readout = Float32Array.from(
    { length: config.units },
    () => (2 * readoutRng.next() - 1) * readoutLimit,
  );
  setLayerWeights(model.getLayer("lstm"), [
    tf.tensor2d(initial.kernel, [1, 4 * config.units]),
    tf.tensor2d(initial.recurrent, [config.units, 4 * config.units]),
    tf.tensor1d(initial.bias),
  ]);
  setLayerWeights(model.getLayer("output"), [tf.tensor2d(readout, [config.units, 1]), tf.zeros([1])]);
  return model;
}

/** The counter's output computed with `lstmLastHidden` from the model's own weight variables: the same
 * function as `model.apply`, with one recurrent product a step; training differentiates through it. */
export function counterForward(model: LayersModel): (x: Tensor) => Tensor {
  const [kernel, recurrent, bias] = model.getLayer("lstm").trainableWeights.map((weight) => weight.read());
  const readout = model.getLayer("output");
  return (x) => readout.apply(lstmLastHidden(x, kernel, recurrent, bias)) as Tensor;
}

/** A model that returns the LSTM's hidden state at every step, sharing `model`'s LSTM weights. */
export function hiddenSequenceModel(model: LayersModel): tfLayers.Sequential {
  const lstm = model.getLayer("lstm");
  const config = lstm.getConfig() as { units: number };
  const inputShape = (lstm.batchInputShape ?? [null, DEFAULT_SEQUENCE_LENGTH, 1]).slice(1) as number[];
  const sequences = tf.sequential({
    layers: [
      counterLstmLayer(config.units, inputShape, { returnSequences: true }),
    ],
  });
  sequences.layers[0].setWeights(lstm.getWeights());
  return sequences;
}

export interface LstmInitialWeights {
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

/** Seeded initial LSTM weights: a Glorot-uniform input kernel, an orthogonal block per gate in the recurrent
 * kernel, and a zero bias except the forget gate's, which starts at 1. Computed here so that loading a saved
 * model never runs an initializer. */
export function initialLstmWeights(inputSize: number, units: number, seed: number): LstmInitialWeights {
  const kernelRng = createRng(deriveSeed(seed, "lstm:kernel"));
  const limit = Math.sqrt(6 / (inputSize + 4 * units));
  const kernel = Float32Array.from(
    { length: inputSize * 4 * units },
    () => (2 * kernelRng.next() - 1) * limit,
  );
  const recurrent = new Float32Array(units * 4 * units);
  for (let gate = 0; gate < 4; gate++) {
    const block = orthogonalMatrix(units, createRng(deriveSeed(seed, `lstm:recurrent:${gate}`)));
    for (let row = 0; row < units; row++) {
      recurrent.set(block.subarray(row * units, (row + 1) * units), row * 4 * units + gate * units);
    }
  }
  const bias = new Float32Array(4 * units);
  bias.fill(1, units, 2 * units);
  return { kernel, recurrent, bias };
}

/** A seeded n×n orthogonal matrix (row-major): Gram–Schmidt on standard normal rows. */
export function orthogonalMatrix(n: number, rng: Rng): Float32Array {
  const rows: Float64Array[] = [];
  while (rows.length < n) {
    const candidate = Float64Array.from({ length: n }, () => standardNormal(rng));
    for (const row of rows) {
      const projection = dot(candidate, row);
      for (let i = 0; i < n; i++) candidate[i] -= projection * row[i];
    }
    const norm = Math.sqrt(dot(candidate, candidate));
    if (norm < 1e-6) continue;
    for (let i = 0; i < n; i++) candidate[i] /= norm;
    rows.push(candidate);
  }
  const out = new Float32Array(n * n);
  rows.forEach((row, index) => out.set(row, index * n));
  return out;
}

function setLayerWeights(layer: { setWeights(weights: Tensor[]): void }, weights: Tensor[]): void {
  layer.setWeights(weights);
  tf.dispose(weights);
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function standardNormal(rng: Rng): number {
  const u = Math.max(rng.next(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export type LstmProfile = "full" | "quick";

export interface LstmRecipe {
  /** Training sequences per distribution; one fixed set, seen once per epoch. */
  mix: Record<"bits" | "boundary" | "counts", number>;
  epochs: number;
  batchSize: number;
  /** Held for the first half of the epochs, then cosine-annealed down to `finalLearningRate`. */
  peakLearningRate: number;
  finalLearningRate: number;
  /** Half boundary, half fair-coin sequences, scored after every epoch to keep the best weights. */
  validationCount: number;
  /** Fair-coin sequences never used in training, for the sampled test accuracy. */
  testCount: number;
  /** Extra epochs on misclassified sequences (mixed with fresh ones) while the exhaustive check finds errors. */
  repairRounds: number;
}

export interface LstmProfileSpec {
  config: LstmCounterConfig;
  recipe: LstmRecipe;
}

export const LSTM_PROFILES: Record<LstmProfile, LstmProfileSpec> = {
  full: {
    config: DEFAULT_LSTM_CONFIG,
    recipe: {
      mix: { bits: 4000, boundary: 2000, counts: 2000 },
      epochs: 10,
      batchSize: 32,
      peakLearningRate: 5e-3,
      finalLearningRate: 2.5e-4,
      validationCount: 4000,
      testCount: 10000,
      repairRounds: 3,
    },
  },
  quick: {
    config: { units: 16, length: 10 },
    recipe: {
      mix: { bits: 600, boundary: 300, counts: 300 },
      epochs: 4,
      batchSize: 32,
      peakLearningRate: 1e-2,
      finalLearningRate: 1e-3,
      validationCount: 400,
      testCount: 1000,
      repairRounds: 1,
    },
  },
};

export interface RepairRound {
  round: number;
  errorsBefore: number;
  trainedOn: number;
}

export interface LstmCounterMeta {
  name: "LSTMCounter";
  profile: LstmProfile;
  seed: number;
  config: LstmCounterConfig;
  recipe: LstmRecipe;
  backend: string;
  history: EpochLog[];
  repairs: RepairRound[];
  trainSeconds: number;
  trainCount: number;
  test: SampledAccuracy & { seed: number };
  exhaustive: ExhaustiveAccuracy;
}

export interface TrainedLstmCounter {
  model: LayersModel;
  meta: LstmCounterMeta;
  hit: boolean;
  key: string;
}

export function lstmProfile(profile: string | undefined): LstmProfile {
  if (profile === undefined || profile === "full") return "full";
  if (profile === "quick") return "quick";
  throw new Error(`unknown LSTM profile "${profile}" (expected full or quick)`);
}

/** The trained LSTMCounter of a profile: loaded from the model store, or trained, verified and stored. */
export async function trainedLSTMCounter(
  options: { profile?: string; seed?: number; storeDir?: string } = {},
): Promise<TrainedLstmCounter> {
  const profile = lstmProfile(options.profile);
  const seed = options.seed ?? DEFAULT_LSTM_SEED;
  const { config, recipe } = LSTM_PROFILES[profile];
  const spec: ModelSpec = {
    name: `lstm-counter-${profile}`,
    module: import.meta.url,
    config: { config, recipe },
    data: `counting:tie=${TIE_LABEL}`,
    seed,
  };
  return await storedModel<LstmCounterMeta>(
    spec,
    () => buildLSTMCounter(config, seed),
    (model) => trainCounter(model, profile, seed),
    options.storeDir ? { dir: options.storeDir } : {},
  );
}

const REPAIR_LIST_LIMIT = 8192;
const LISTED_IN_META = 20;

/** Fixed training, validation and test sets of a profile. */
export function counterDatasets(profile: LstmProfile, seed: number) {
  const { config, recipe } = LSTM_PROFILES[profile];
  const draw = (distribution: SequenceDistribution, count: number, purpose: string) =>
    randomCountingSet({ count, length: config.length, distribution, seed: deriveSeed(seed, purpose) });
  return {
    train: concatSets([
      draw("bits", recipe.mix.bits, "train:bits"),
      draw("boundary", recipe.mix.boundary, "train:boundary"),
      draw("counts", recipe.mix.counts, "train:counts"),
    ]),
    validation: concatSets([
      draw("boundary", Math.ceil(recipe.validationCount / 2), "validation:boundary"),
      draw("bits", Math.floor(recipe.validationCount / 2), "validation:bits"),
    ]),
    test: draw("bits", recipe.testCount, "test"),
    testSeed: deriveSeed(seed, "test"),
  };
}

export function learningRateSchedule(recipe: LstmRecipe): (epoch: number) => number {
  const hold = Math.floor(recipe.epochs / 2);
  const decay = Math.max(1, recipe.epochs - hold);
  return (epoch) => {
    if (epoch <= hold) return recipe.peakLearningRate;
    const progressed = Math.min(1, (epoch - hold) / decay);
    const cosine = 0.5 * (1 + Math.cos(Math.PI * progressed));
    return recipe.finalLearningRate + (recipe.peakLearningRate - recipe.finalLearningRate) * cosine;
  };
}

/** Validation accuracy, with the mean cross-entropy as a small tie-breaker between equally accurate epochs. */
export function validationScore(probabilities: Float32Array, set: CountingSet): number {
  let correct = 0;
  let loss = 0;
  for (let row = 0; row < set.count; row++) {
    const p = probabilities[row];
    const label = set.labels[row];
    if ((p > 0.5 ? 1 : 0) === label) correct++;
    loss -= Math.log(Math.max(1e-7, label === 1 ? p : 1 - p));
  }
  return correct / set.count - 1e-3 * Math.min(1, loss / set.count);
}

async function trainCounter(
  model: LayersModel,
  profile: LstmProfile,
  seed: number,
): Promise<LstmCounterMeta> {
  const { config, recipe } = LSTM_PROFILES[profile];
  const data = counterDatasets(profile, seed);
  const started = performance.now();
  const history = await fitOn(
    model,
    data.train,
    data.validation,
    recipe,
    seed,
    learningRateSchedule(recipe),
    "train LSTMCounter",
  );
  const verify = () =>
    exhaustiveAccuracy(lstmWeights(model), config.length, { maxListed: REPAIR_LIST_LIMIT });
  let exhaustive = verify();
  const repairs: RepairRound[] = [];
  for (let round = 1; round <= recipe.repairRounds && exhaustive.errors > 0; round++) {
    const repairSet = repairData(exhaustive, config.length, data.train, seed, round);
    const repairRecipe = { ...recipe, epochs: 2 };
    const logs = await fitOn(
      model,
      repairSet,
      data.validation,
      repairRecipe,
      deriveSeed(seed, `repair:${round}`),
      () => recipe.finalLearningRate,
      `repair LSTMCounter (${exhaustive.errors} errors)`,
    );
    history.push(...logs.map((log) => ({ ...log, epoch: history.length + log.epoch })));
    repairs.push({ round, errorsBefore: exhaustive.errors, trainedOn: repairSet.count });
    exhaustive = verify();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const test = sampledAccuracy(replayProbabilities(lstmWeights(model), data.test), data.test);
  return {
    name: "LSTMCounter",
    profile,
    seed,
    config,
    recipe,
    backend: tf.getBackend(),
    history,
    repairs,
    trainSeconds,
    trainCount: data.train.count,
    test: { ...test, seed: data.testSeed },
    exhaustive: { ...exhaustive, misclassified: exhaustive.misclassified.slice(0, LISTED_IN_META) },
  };
}

async function fitOn(
  model: LayersModel,
  train: CountingSet,
  validation: CountingSet,
  recipe: LstmRecipe,
  seed: number,
  learningRate: (epoch: number) => number,
  task: string,
): Promise<EpochLog[]> {
  const { x, y } = countingTensors(train);
  try {
    return await trainModel(model, x, y, {
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      seed,
      learningRate,
      loss: "binaryCrossentropy",
      task,
      forward: counterForward(model),
      keepBest: (current) =>
        validationScore(replayProbabilities(lstmWeights(current), validation), validation),
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** Every misclassified sequence (the full list, recomputed) repeated, plus an equal share of training rows. */
function repairData(
  exhaustive: ExhaustiveAccuracy,
  length: number,
  train: CountingSet,
  seed: number,
  round: number,
): CountingSet {
  const mistakes = setFromRows(exhaustive.misclassified.map((sequence) => codeToRow(sequence.code, length)));
  const repeats = Math.max(1, Math.floor(train.count / 4 / Math.max(1, mistakes.count)));
  const rng = createRng(deriveSeed(seed, `repair:rows:${round}`));
  const keep = Array.from({ length: Math.floor(train.count / 2) }, () => rng.int(train.count));
  return concatSets([...Array.from({ length: repeats }, () => mistakes), subset(train, keep)]);
}
