/** LSTMCounter: one LSTM layer over a sequence of single 0/1 inputs and a sigmoid readout that answers
 * "are there more 1s than 0s?". */
import { type LayersModel, type Tensor, tf, type tfLayers } from "./tf.ts";
import { createRng, deriveSeed, type Rng } from "./seed.ts";
import { DEFAULT_SEQUENCE_LENGTH } from "./data/counting.ts";

export const DEFAULT_LSTM_SEED = 1;

export interface LstmCounterConfig {
  units: number;
  length: number;
}

export const DEFAULT_LSTM_CONFIG: LstmCounterConfig = { units: 64, length: DEFAULT_SEQUENCE_LENGTH };

export function buildLSTMCounter(
  config: LstmCounterConfig = DEFAULT_LSTM_CONFIG,
  seed: number = DEFAULT_LSTM_SEED,
): tfLayers.Sequential {
  const model = tf.sequential({
    name: "LSTMCounter",
    layers: [
      tf.layers.lstm({
        name: "lstm",
        units: config.units,
        inputShape: [config.length, 1],
        activation: "tanh",
        recurrentActivation: "sigmoid",
        kernelInitializer: "zeros",
        recurrentInitializer: "zeros",
        biasInitializer: "zeros",
        unitForgetBias: false,
      }),
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

/** A model that returns the LSTM's hidden state at every step, sharing `model`'s LSTM weights. */
export function hiddenSequenceModel(model: LayersModel): tfLayers.Sequential {
  const lstm = model.getLayer("lstm");
  const config = lstm.getConfig() as { units: number };
  const inputShape = (lstm.batchInputShape ?? [null, DEFAULT_SEQUENCE_LENGTH, 1]).slice(1) as number[];
  const sequences = tf.sequential({
    layers: [
      tf.layers.lstm({
        units: config.units,
        inputShape,
        activation: "tanh",
        recurrentActivation: "sigmoid",
        kernelInitializer: "zeros",
        recurrentInitializer: "zeros",
        biasInitializer: "zeros",
        unitForgetBias: false,
        returnSequences: true,
      }),
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
