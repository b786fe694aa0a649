/** A seeded, manually batched Adam training loop that reports progress and can keep the best epoch. */
import { type LayersModel, type Tensor, tf, type tfCore } from "./tf.ts";
import { createRng, deriveSeed, permutation } from "./seed.ts";
import { progress } from "../report/progress.ts";
import { type LossName, meanLossAndAccuracy } from "./losses.ts";
import { ShardedSteps } from "./shards.ts";

export interface EpochLog {
  /** Counts from 1. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** What `keepBest` returned for this epoch. */
  score?: number;
  learningRate: number;
  seconds: number;
}

/** Learning rate for an epoch that counts from 1. */
export type LearningRateSchedule = (epoch: number) => number;

export type { LossName };

export interface LabelledTensors {
  x: Tensor;
  y: Tensor;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffles and augmentation. */
  seed: number;
  /** Default 1e-3. */
  learningRate?: number | LearningRateSchedule;
  /** Default: categorical cross-entropy for several outputs, binary cross-entropy for one. */
  loss?: LossName;
  /** Name shown by the progress display. Default "train". */
  task?: string;
  /** Evaluated after every epoch into `valLoss` / `valAccuracy`. */
  validation?: LabelledTensors;
  /** Higher is better; the best epoch's weights are restored when training ends. */
  keepBest?: (model: LayersModel, log: EpochLog) => number | Promise<number>;
  /** Checked after every epoch (after `keepBest`); true ends training. */
  stopWhen?: (log: EpochLog) => boolean;
  /** Turns a training batch into a new tensor (e.g. random shifts); must be deterministic in `seed`. */
  augment?: (batch: Tensor, seed: number) => Tensor;
  onEpochEnd?: (log: EpochLog) => void;
  /** The model's output computed by a faster path from the model's own weight variables; when given, each
   * batch's loss and gradient go through it instead of the layers' `trainOnBatch`. */
  forward?: (x: Tensor) => Tensor;
  /** Computes each batch's gradient from this many parts, on worker threads where there are cores to spare
   * (`shards.ts`). The parts' count is part of what the weights depend on; the workers' count is not. */
  shards?: number;
  /** Worker threads for `shards` (tests); default one per spare core. */
  workers?: number;
}

const DEFAULT_LEARNING_RATE = 1e-3;

export async function trainModel(
  model: LayersModel,
  x: Tensor,
  y: Tensor,
  options: TrainOptions,
): Promise<EpochLog[]> {
  const sampleCount = x.shape[0];
  if (y.shape[0] !== sampleCount) {
    throw new Error(`trainModel: x has ${sampleCount} rows but y has ${y.shape[0]}`);
  }
  if (options.forward && (options.shards ?? 1) > 1) {
    throw new Error("trainModel: `forward` and `shards` cannot be combined");
  }
  const rowsOf = hostRows(x, y);
  const learningRateAt = asSchedule(options.learningRate ?? DEFAULT_LEARNING_RATE);
  const task = options.task ?? "train";
  const batchesPerEpoch = Math.ceil(sampleCount / options.batchSize);
  const totalBatches = batchesPerEpoch * options.epochs;
  const rng = createRng(deriveSeed(options.seed, "shuffle"));
  const logs: EpochLog[] = [];
  let best: { score: number; weights: Tensor[] } | undefined;
  let sharded: ShardedSteps | undefined;
  const optimizer = tf.train.adam(learningRateAt(1));
  const lossName = options.loss ?? defaultLoss(y);

  try {
    model.compile({ optimizer, loss: lossName, metrics: ["accuracy"] });
    if ((options.shards ?? 1) > 1) {
      sharded = await ShardedSteps.open(model, lossName, {
        shards: options.shards!,
        workers: options.workers,
      });
    }
    const steps = sharded;
    const step = steps
      ? (xb: Tensor, yb: Tensor) => steps.step(xb, yb, optimizer)
      : batchStep(model, optimizer, lossName, options.forward);
    const started = performance.now();
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStarted = performance.now();
      const learningRate = learningRateAt(epoch);
      setLearningRate(optimizer, learningRate);
      const order = permutation(sampleCount, rng);
      let lossSum = 0;
      let accuracySum = 0;
      for (let batch = 0; batch < batchesPerEpoch; batch++) {
        const rows = order.subarray(batch * options.batchSize, (batch + 1) * options.batchSize);
        const [xb, yb] = rowsOf(rows, options.augment, deriveSeed(options.seed, `augment:${epoch}:${batch}`));
        const [loss, accuracy] = await step(xb, yb);
        tf.dispose([xb, yb]);
        lossSum += loss * rows.length;
        accuracySum += accuracy * rows.length;
        const done = (epoch - 1) * batchesPerEpoch + batch + 1;
        const seen = batch * options.batchSize + rows.length;
        const elapsed = (performance.now() - started) / 1000;
        progress({
          task,
          done,
          total: totalBatches,
          metrics: { epoch, batch: batch + 1, loss: lossSum / seen, acc: accuracySum / seen },
          etaSeconds: (elapsed / done) * (totalBatches - done),
        });
      }
      const log: EpochLog = {
        epoch,
        loss: lossSum / sampleCount,
        accuracy: accuracySum / sampleCount,
        learningRate,
        seconds: (performance.now() - epochStarted) / 1000,
      };
      if (options.validation) {
        Object.assign(log, await validate(model, options.validation, options.batchSize));
      }
      if (options.keepBest) {
        log.score = await options.keepBest(model, log);
        if (best === undefined || log.score > best.score) {
          tf.dispose(best?.weights);
          best = { score: log.score, weights: model.getWeights().map((w) => w.clone()) };
        }
      }
      log.seconds = (performance.now() - epochStarted) / 1000;
      logs.push(log);
      options.onEpochEnd?.(log);
      if (options.stopWhen?.(log)) break;
    }
    if (best) model.setWeights(best.weights);
  } finally {
    sharded?.close();
    tf.dispose(best?.weights);
    optimizer.dispose();
  }
  return logs;
}

/** Fraction of rows whose predicted class matches `y` (argmax for several outputs, 0.5 threshold for one). */
export function accuracyOf(model: LayersModel, x: Tensor, y: Tensor, batchSize = 500): number {
  let correct = 0;
  const rows = x.shape[0];
  for (let start = 0; start < rows; start += batchSize) {
    const size = Math.min(batchSize, rows - start);
    correct += tf.tidy(() => {
      const predicted = model.predict(tf.slice(x, start, size)) as Tensor;
      const truth = tf.slice(y, start, size);
      const hits = predicted.shape[predicted.rank - 1] === 1
        ? tf.equal(tf.greater(predicted, 0.5), tf.greater(truth, 0.5))
        : tf.equal(tf.argMax(predicted, -1), tf.argMax(truth, -1));
      return tf.sum(tf.cast(hits, "float32")).dataSync()[0];
    });
  }
  return correct / rows;
}

function asSchedule(rate: number | LearningRateSchedule): LearningRateSchedule {
  return typeof rate === "number" ? () => rate : rate;
}

function defaultLoss(y: Tensor): LossName {
  return y.shape[y.rank - 1] === 1 || y.rank === 1 ? "binaryCrossentropy" : "categoricalCrossentropy";
}

function setLearningRate(optimizer: ReturnType<typeof tf.train.adam>, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

type HostArray = Float32Array | Int32Array | Uint8Array;

/** Batches cut from host copies of x and y (read once): a row copy per sample instead of a gather per batch,
 * the same values and dtype. */
function hostRows(x: Tensor, y: Tensor) {
  const cut = (tensor: Tensor) => {
    if (tensor.dtype === "string" || tensor.dtype === "complex64") {
      throw new Error(`trainModel: x and y must be numeric tensors (got ${tensor.dtype})`);
    }
    const values = tensor.dataSync() as HostArray;
    const width = tensor.size / tensor.shape[0];
    return (rows: Int32Array): Tensor => {
      const out = new (values.constructor as new (length: number) => HostArray)(rows.length * width);
      rows.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
      return tf.tensor(out, [rows.length, ...tensor.shape.slice(1)], tensor.dtype);
    };
  };
  const [xRows, yRows] = [cut(x), cut(y)];
  return (rows: Int32Array, augment: TrainOptions["augment"], augmentSeed: number): [Tensor, Tensor] => {
    const plain = xRows(rows);
    if (!augment) return [plain, yRows(rows)];
    const warped = augment(plain, augmentSeed);
    plain.dispose();
    return [warped, yRows(rows)];
  };
}

async function trainOnBatch(model: LayersModel, xb: Tensor, yb: Tensor): Promise<[number, number]> {
  const result = await model.trainOnBatch(xb, yb);
  const [loss, accuracy] = Array.isArray(result) ? result : [result, Number.NaN];
  return [loss, accuracy];
}

/**
 * One optimiser step on a batch, returning [loss, accuracy]: the layers' own `trainOnBatch` on the compiled
 * `model`, or, with `forward`, a step on the batch's mean loss through `forward` (the same loss and metric).
 */
export function batchStep(
  model: LayersModel,
  optimizer: tfCore.Optimizer,
  lossName: LossName,
  forward?: (x: Tensor) => Tensor,
): (xb: Tensor, yb: Tensor) => Promise<[number, number]> {
  if (!forward) return (xb, yb) => trainOnBatch(model, xb, yb);
  if (model.losses.length > 0) throw new Error("a `forward` step does not support regularisation losses");
  const variables = model.trainableWeights.map((weight) => weight.read() as ReturnType<typeof tf.variable>);
  return (xb: Tensor, yb: Tensor): Promise<[number, number]> => {
    let accuracy = Number.NaN;
    const loss = optimizer.minimize(
      () => {
        const step = meanLossAndAccuracy(lossName, yb, forward(xb));
        accuracy = step.accuracy;
        return step.loss;
      },
      true,
      variables,
    )!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return Promise.resolve([value, accuracy]);
  };
}

async function validate(
  model: LayersModel,
  validation: LabelledTensors,
  batchSize: number,
): Promise<Pick<EpochLog, "valLoss" | "valAccuracy">> {
  const result = model.evaluate(validation.x, validation.y, { batchSize: Math.max(batchSize, 256) });
  const scalars = Array.isArray(result) ? result : [result];
  const [valLoss, valAccuracy] = await Promise.all(scalars.map(async (s) => (await s.data())[0]));
  tf.dispose(scalars);
  return { valLoss, valAccuracy };
}
