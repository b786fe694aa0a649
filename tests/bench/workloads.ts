import { buildSimpleCNN, CNN_PROFILES, DEFAULT_CNN_SEED, SIMPLE_CNN_LAYERS } from "../../models/cnn.ts";
import {
  buildLSTMCounter,
  counterForward,
  DEFAULT_LSTM_CONFIG,
  DEFAULT_LSTM_SEED,
  LSTM_PROFILES,
} from "../../models/lstm.ts";
import { batchStep, type LossName } from "../../models/train.ts";
import { ShardedSteps } from "../../models/shards.ts";
import { stageOutputs } from "../../models/analysis/cnn/stages.ts";
import { type LayersModel, type Tensor, tf } from "../../models/tf.ts";

export const TRAIN_BATCH = 64;
export const INFERENCE_BATCH = 256;

/** One repeatable unit of work on fixed, seeded inputs; `dispose` frees the model and inputs. */
export interface Workload {
  name: string;
  samplesPerStep: number;
  step: () => Promise<unknown>;
  dispose: () => void;
}

function mnistShaped(rows: number, seed: number): { x: Tensor; y: Tensor } {
  return tf.tidy(() => ({
    x: tf.randomUniform([rows, 28, 28, 1], 0, 1, "float32", seed),
    y: tf.oneHot(tf.cast(tf.randomUniform([rows], 0, 10, "float32", seed + 1), "int32") as Tensor, 10),
  }));
}

function bitSequences(rows: number, seed: number): { x: Tensor; y: Tensor } {
  return tf.tidy(() => {
    const x = tf.cast(
      tf.greater(tf.randomUniform([rows, DEFAULT_LSTM_CONFIG.length, 1], 0, 1, "float32", seed), 0.5),
      "float32",
    );
    const y = tf.cast(tf.greater(tf.sum(x, 1), DEFAULT_LSTM_CONFIG.length / 2), "float32");
    return { x, y };
  });
}

/** Training steps as the report's training runs them (`batchStep`: the layers' own step, or `forward`). */
function training(
  name: string,
  model: LayersModel,
  data: { x: Tensor; y: Tensor },
  loss: LossName,
  forward?: (x: Tensor) => Tensor,
): Workload {
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss });
  const step = batchStep(model, optimizer, loss, forward);
  return {
    name,
    samplesPerStep: data.x.shape[0],
    step: () => step(data.x, data.y),
    dispose: () => {
      tf.dispose([data.x, data.y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

function inference(name: string, model: LayersModel, x: Tensor): Workload {
  return {
    name,
    samplesPerStep: x.shape[0],
    step: () => {
      const out = model.predict(x, { batchSize: x.shape[0] }) as Tensor;
      const values = out.data();
      return values.finally(() => out.dispose());
    },
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

export function cnnTraining(): Workload {
  return training(
    "cnn-train",
    buildSimpleCNN(DEFAULT_CNN_SEED),
    mnistShaped(TRAIN_BATCH, 1),
    "categoricalCrossentropy",
  );
}

/** SimpleCNN training as the full profile runs it: each batch in shards, the later ones on worker threads (one
 * per spare core), so it uses more than one core where there are; compare with PyTorch on as many threads. */
export function cnnShardedTraining(): Workload {
  const model = buildSimpleCNN(DEFAULT_CNN_SEED);
  const optimizer = tf.train.adam(1e-3);
  const data = mnistShaped(CNN_PROFILES.full.batchSize, 1);
  let steps: Promise<ShardedSteps> | undefined;
  return {
    name: "cnn-train-sharded",
    samplesPerStep: CNN_PROFILES.full.batchSize,
    step: async () => {
      steps ??= ShardedSteps.open(model, "categoricalCrossentropy", { shards: CNN_PROFILES.full.shards });
      return (await steps).step(data.x, data.y, optimizer);
    },
    dispose: () => {
      steps?.then((opened) => opened.close());
      tf.dispose([data.x, data.y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** The LSTM trains through its sequence op, at the batch size of its full profile. */
export function lstmTraining(): Workload {
  const model = buildLSTMCounter(DEFAULT_LSTM_CONFIG, DEFAULT_LSTM_SEED);
  return training(
    "lstm-train",
    model,
    bitSequences(LSTM_PROFILES.full.recipe.batchSize, 2),
    "binaryCrossentropy",
    counterForward(model),
  );
}

export function cnnInference(): Workload {
  const { x, y } = mnistShaped(INFERENCE_BATCH, 3);
  y.dispose();
  return inference("cnn-inference", buildSimpleCNN(DEFAULT_CNN_SEED), x);
}

export function lstmInference(): Workload {
  const { x, y } = bitSequences(INFERENCE_BATCH, 4);
  y.dispose();
  return inference("lstm-inference", buildLSTMCounter(DEFAULT_LSTM_CONFIG, DEFAULT_LSTM_SEED), x);
}

/** Every SimpleCNN layer's output for a batch, read back to JavaScript arrays as the figures need. */
export function cnnActivations(): Workload {
  const model = buildSimpleCNN(DEFAULT_CNN_SEED);
  const { x, y } = mnistShaped(INFERENCE_BATCH, 5);
  y.dispose();
  return {
    name: "cnn-activations",
    samplesPerStep: INFERENCE_BATCH,
    step: async () => {
      const outputs = stageOutputs(model, x, SIMPLE_CNN_LAYERS);
      try {
        for (const tensor of Object.values<Tensor>(outputs)) await tensor.data();
      } finally {
        tf.dispose(Object.values<Tensor>(outputs));
      }
    },
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

export const WORKLOADS = {
  "cnn-train": cnnTraining,
  "cnn-train-sharded": cnnShardedTraining,
  "lstm-train": lstmTraining,
  "cnn-inference": cnnInference,
  "lstm-inference": lstmInference,
  "cnn-activations": cnnActivations,
} as const;
export type WorkloadName = keyof typeof WORKLOADS;
