/**
 * Data-parallel training steps. Each batch is cut into a fixed number of shards; every shard's loss, accuracy
 * and gradient are computed on their own and combined in shard order, weighted by their rows, into the batch's
 * mean. Shards after the first run on worker threads (`shard_worker.ts`), each with its own backend instance
 * and a copy of the model, as far as the machine has cores; the rest run here, one after another. The same
 * kernels on the same numbers give the same bits in any thread, so the trained weights do not depend on how
 * many workers there were.
 */
import { type LayersModel, type Tensor, tf, type tfCore } from "./tf.ts";
import { type LossName, meanLossAndAccuracy } from "./losses.ts";

type Variable = ReturnType<typeof tf.variable>;
type HostArray = Float32Array | Int32Array;

export interface ShardResult {
  loss: number;
  /** NaN for a loss without an accuracy metric. */
  accuracy: number;
  /** Gradient of the shard's mean loss for every trainable weight, flattened in `trainableWeights` order. */
  gradients: Float32Array;
}

/** A shard's rows as host arrays, as they cross to a worker. */
export interface ShardData {
  x: HostArray;
  xShape: number[];
  xDtype: "float32" | "int32";
  y: HostArray;
  yShape: number[];
  yDtype: "float32" | "int32";
}

export type ToWorker =
  | { kind: "init"; backend: string; topology: string; lossName: LossName }
  | { kind: "shard"; weights: Float32Array; data: ShardData };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "result"; result: ShardResult }
  | { kind: "error"; message: string };

/** One shard's mean loss, accuracy and gradients through the model's own forward pass. */
export function shardGradients(model: LayersModel, lossName: LossName, data: ShardData): ShardResult {
  const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
  const x = tf.tensor(data.x, data.xShape, data.xDtype);
  const y = tf.tensor(data.y, data.yShape, data.yDtype);
  try {
    let accuracy = Number.NaN;
    const { value, grads } = tf.variableGrads(() => {
      const step = meanLossAndAccuracy(lossName, y, model.apply(x, { training: true }) as Tensor);
      accuracy = step.accuracy;
      return step.loss;
    }, variables);
    const gradients = new Float32Array(variables.reduce((sum, variable) => sum + variable.size, 0));
    let offset = 0;
    for (const variable of variables) {
      // A weight with no path to the loss has no gradient; it stays zero, as `trainOnBatch` leaves it.
      const gradient = grads[variable.name];
      if (gradient) gradients.set(gradient.dataSync() as Float32Array, offset);
      offset += variable.size;
    }
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, accuracy, gradients };
  } finally {
    tf.dispose([x, y]);
  }
}

/** All of `model`'s weights (trainable or not) flattened in `getWeights` order. */
export function flatWeights(model: LayersModel): Float32Array {
  const weights = model.getWeights();
  const flat = new Float32Array(weights.reduce((sum, weight) => sum + weight.size, 0));
  let offset = 0;
  for (const weight of weights) {
    flat.set(weight.dataSync() as Float32Array, offset);
    offset += weight.size;
  }
  return flat;
}

/** Sets `model`'s weights from `flatWeights` output. */
export function setFlatWeights(model: LayersModel, flat: Float32Array): void {
  let offset = 0;
  const tensors = model.getWeights().map((weight) => {
    const tensor = tf.tensor(flat.subarray(offset, offset + weight.size), weight.shape, "float32");
    offset += weight.size;
    return tensor;
  });
  if (offset !== flat.length) throw new RangeError(`expected ${offset} weights, got ${flat.length}`);
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** A batch's rows on the host, read once per step; each shard gets a copy of its own rows only (a view would
 * carry the whole batch's buffer to a worker). */
class HostBatch {
  private readonly x: { values: HostArray; dtype: "float32" | "int32"; shape: number[] };
  private readonly y: { values: HostArray; dtype: "float32" | "int32"; shape: number[] };

  constructor(x: Tensor, y: Tensor) {
    this.x = HostBatch.read(x);
    this.y = HostBatch.read(y);
  }

  private static read(tensor: Tensor) {
    if (tensor.dtype !== "float32" && tensor.dtype !== "int32") {
      throw new TypeError(`sharded training needs float32 or int32 tensors, got ${tensor.dtype}`);
    }
    return { values: tensor.dataSync() as HostArray, dtype: tensor.dtype, shape: tensor.shape };
  }

  shard(start: number, end: number): ShardData {
    const rows = (part: { values: HostArray; shape: number[] }) => {
      const width = part.values.length / part.shape[0];
      return part.values.slice(start * width, end * width);
    };
    return {
      x: rows(this.x),
      xShape: [end - start, ...this.x.shape.slice(1)],
      xDtype: this.x.dtype,
      y: rows(this.y),
      yShape: [end - start, ...this.y.shape.slice(1)],
      yDtype: this.y.dtype,
    };
  }
}

/** Row ranges of `shards` near-equal parts of `rows` rows (the first parts one row longer); empty parts dropped. */
export function shardRanges(rows: number, shards: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let shard = 0; shard < shards; shard++) {
    const size = Math.floor(rows / shards) + (shard < rows % shards ? 1 : 0);
    if (size > 0) ranges.push([start, start + size]);
    start += size;
  }
  return ranges;
}

/** Σ rows_s / n · g_s in shard order: the batch mean of per-shard means. */
export function combine(results: readonly ShardResult[], rows: readonly number[]): ShardResult {
  const total = rows.reduce((sum, count) => sum + count, 0);
  const weights = rows.map((count) => count / total);
  const parts = results.map((result) => result.gradients);
  const gradients = new Float32Array(parts[0].length);
  for (let i = 0; i < gradients.length; i++) {
    let sum = 0;
    for (let shard = 0; shard < parts.length; shard++) sum += weights[shard] * parts[shard][i];
    gradients[i] = sum;
  }
  const mean = (pick: (result: ShardResult) => number) =>
    results.reduce((sum, result, shard) => sum + (rows[shard] / total) * pick(result), 0);
  return { loss: mean((r) => r.loss), accuracy: mean((r) => r.accuracy), gradients };
}

class ShardWorker {
  private readonly worker: Worker;
  private pending: { resolve: (message: FromWorker) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(new URL("./shard_worker.ts", import.meta.url).href, { type: "module" });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.settle(event.data);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`a training worker failed: ${event.message}`));
    };
    this.worker.onmessageerror = () => this.fail(new Error("a training worker's answer could not be read"));
  }

  /** A computation that failed in the worker rejects its request; the worker stays usable. */
  private settle(message: FromWorker): void {
    const pending = this.pending;
    this.pending = undefined;
    if (message.kind === "error") pending?.reject(new Error(`a training worker failed: ${message.message}`));
    else pending?.resolve(message);
  }

  /** The worker itself died: this and every later request fail. */
  private fail(error: Error): void {
    this.failure = error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}

/** Layers whose training-time behaviour differs from thread to thread (random draws) or whose state only the
 * thread that runs them would update; with them, or with regularisation losses (which the shards' mean loss
 * leaves out), sharded training would not be the same function as `trainOnBatch`. */
const UNSHARDABLE = /Dropout|Noise|BatchNormalization/;

function assertShardable(model: LayersModel): void {
  const layer = model.layers.find((candidate) => UNSHARDABLE.test(candidate.getClassName()));
  if (layer) {
    throw new Error(`sharded training does not support ${layer.getClassName()} layers (${layer.name})`);
  }
  if (model.losses.length > 0) throw new Error("sharded training does not support regularisation losses");
}

export interface ShardOptions {
  /** Parts of each batch whose gradients are computed separately; part of what the result depends on. */
  shards: number;
  /** Worker threads; default one per core beyond this one, at most `shards` − 1. Does not change results. */
  workers?: number;
}

/** Optimiser steps whose gradients come from `shards` parts of each batch (see the module comment). */
export class ShardedSteps {
  private constructor(
    private readonly model: LayersModel,
    private readonly lossName: LossName,
    private readonly shards: number,
    private readonly workers: ShardWorker[],
  ) {}

  static async open(model: LayersModel, lossName: LossName, options: ShardOptions): Promise<ShardedSteps> {
    if (!Number.isInteger(options.shards) || options.shards < 1) {
      throw new RangeError(`shards must be a positive integer, got ${options.shards}`);
    }
    assertShardable(model);
    const count = Math.max(
      0,
      Math.min(options.shards - 1, options.workers ?? (navigator.hardwareConcurrency ?? 1) - 1),
    );
    const workers = Array.from({ length: count }, () => new ShardWorker());
    const steps = new ShardedSteps(model, lossName, options.shards, workers);
    try {
      const topology = JSON.stringify(model.toJSON(null, false));
      await Promise.all(
        workers.map((worker) =>
          worker.request({ kind: "init", backend: tf.getBackend(), topology, lossName })
        ),
      );
    } catch (error) {
      steps.close();
      throw error;
    }
    return steps;
  }

  /** How many worker threads compute shards. */
  get workerCount(): number {
    return this.workers.length;
  }

  /** One step of `optimizer` on the batch; returns [mean loss, mean accuracy] as `trainOnBatch` does. */
  async step(x: Tensor, y: Tensor, optimizer: tfCore.Optimizer): Promise<[number, number]> {
    const ranges = shardRanges(x.shape[0], this.shards);
    const remote = ranges.slice(1, 1 + this.workers.length);
    const batch = new HostBatch(x, y);
    // Every message is built before any is posted, and every worker's answer is awaited, also when this
    // thread's shard fails, so that no request is left pending (or rejected unheard) when the step ends.
    const weights = remote.length > 0 ? flatWeights(this.model) : undefined;
    const messages = remote.map(([start, end]) => ({
      kind: "shard" as const,
      weights: weights!,
      data: batch.shard(start, end),
    }));
    const fromWorkers = Promise.allSettled(messages.map((message, i) => this.workers[i].request(message)));
    let local: ShardResult;
    try {
      local = shardGradients(this.model, this.lossName, batch.shard(...ranges[0]));
    } finally {
      await fromWorkers;
    }
    const results: ShardResult[] = [local];
    for (const reply of await fromWorkers) {
      if (reply.status === "rejected") throw reply.reason;
      if (reply.value.kind !== "result") throw new Error("a training worker answered out of turn");
      results.push(reply.value.result);
    }
    for (const range of ranges.slice(1 + this.workers.length)) {
      results.push(shardGradients(this.model, this.lossName, batch.shard(...range)));
    }
    const combined = combine(results, ranges.map(([start, end]) => end - start));
    this.apply(combined.gradients, optimizer);
    return [combined.loss, combined.accuracy];
  }

  private apply(gradients: Float32Array, optimizer: tfCore.Optimizer): void {
    let offset = 0;
    const named = this.model.trainableWeights.map((weight) => {
      const variable = weight.read() as Variable;
      const tensor = tf.tensor(gradients.subarray(offset, offset + variable.size), variable.shape, "float32");
      offset += variable.size;
      return { name: variable.name, tensor };
    });
    optimizer.applyGradients(named);
    tf.dispose(named.map((entry) => entry.tensor));
  }

  close(): void {
    for (const worker of this.workers) worker.terminate();
  }
}
