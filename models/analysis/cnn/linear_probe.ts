/** Linear probes: how linearly decodable the digit class is from each stage's activations. */
import { type LayersModel, type Tensor, tf, type tfCore } from "../../tf.ts";
import { createRng, permutation } from "../../seed.ts";
import { featureStages, forEachBatch, stageOutputs } from "./stages.ts";
import { bootstrapMean, type BootstrapOptions, type Interval } from "../bootstrap.ts";

export const INPUT_STAGE = "input";

/** Each stage's activations average-pooled to a `grid × grid` map, flattened per image. */
export async function pooledFeatures(
  model: LayersModel,
  x: Tensor,
  options: { grid?: number; batchSize?: number } = {},
): Promise<Map<string, { dims: number; data: Float32Array }>> {
  const grid = options.grid ?? 7;
  const stages = featureStages(model);
  const n = x.shape[0];
  const names = [INPUT_STAGE, ...stages.map((s) => s.name)];
  const features = new Map<string, { dims: number; data: Float32Array }>();
  await forEachBatch(x, options.batchSize ?? 100, (batch, start) => {
    const outputs: Record<string, tfCore.Tensor4D> = {
      ...stageOutputs(model, batch, stages.map((s) => s.name)),
      [INPUT_STAGE]: batch as tfCore.Tensor4D,
    };
    try {
      for (const name of names) {
        const t = outputs[name];
        const side = t.shape[1];
        if (side % grid !== 0) throw new Error(`${name}: ${side} is not a multiple of the ${grid} grid`);
        const pooled = tf.tidy(() => {
          const f = side / grid;
          const p = f === 1 ? t : tf.avgPool(t, f, f, "valid");
          return tf.reshape(p, [p.shape[0], -1]);
        });
        const dims = pooled.shape[1] as number;
        if (!features.has(name)) features.set(name, { dims, data: new Float32Array(n * dims) });
        features.get(name)!.data.set(pooled.dataSync() as Float32Array, start * dims);
        pooled.dispose();
      }
    } finally {
      for (const s of stages) outputs[s.name].dispose();
    }
  });
  return features;
}

export interface ProbeOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

export interface ProbeResult {
  dims: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Per test item, 1 when the probe classified it correctly, else 0 (for intervals over the test items). */
  testCorrect: number[];
}

function standardiser(train: Float32Array, dims: number) {
  const n = train.length / dims;
  const mean = new Float32Array(dims), std = new Float32Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) mean[d] += train[i * dims + d] / n;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) std[d] += (train[i * dims + d] - mean[d]) ** 2 / n;
  }
  for (let d = 0; d < dims; d++) std[d] = Math.sqrt(std[d]) + 1e-6;
  /** Standardises `data` in place (a copy of every feature matrix would double the probes' memory). */
  return (data: Float32Array) => {
    for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean[i % dims]) / std[i % dims];
    return data;
  };
}

/** 1 where the probe's class is the label, row by row, scored a batch at a time from host rows (a tensor of
 * every row would grow the backend's memory by the whole feature matrix). */
function correctness(
  w: tfCore.Variable,
  b: tfCore.Variable,
  data: Float32Array,
  dims: number,
  labels: Int32Array,
  batchSize: number,
): number[] {
  const flags: number[] = [];
  for (let start = 0; start < labels.length; start += batchSize) {
    const end = Math.min(labels.length, start + batchSize);
    const argMax = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * dims, end * dims), [end - start, dims]);
      return tf.argMax(tf.add(tf.matMul(x, w), b), 1);
    });
    const predicted = argMax.dataSync();
    argMax.dispose();
    predicted.forEach((p, i) => flags.push(p === labels[start + i] ? 1 : 0));
  }
  return flags;
}

const share = (flags: number[]) => flags.reduce((sum, flag) => sum + flag, 0) / flags.length;

function zeroVariable(shape: number[]): tfCore.Variable {
  const zeros = tf.zeros(shape);
  const variable = tf.variable(zeros);
  zeros.dispose();
  return variable;
}

/** Softmax regression on standardised features (zero-initialised, seeded mini-batch Adam, L2 penalty).
 * `train.data` and `test.data` are standardised in place: pass arrays the caller no longer needs. */
export function trainLinearProbe(
  train: { data: Float32Array; labels: Int32Array },
  test: { data: Float32Array; labels: Int32Array },
  dims: number,
  options: ProbeOptions = {},
): ProbeResult {
  const { epochs = 20, batchSize = 256, learningRate = 0.01, l2 = 1e-4, seed = 0 } = options;
  const classes = 10;
  const standardise = standardiser(train.data, dims);
  const n = train.labels.length;
  const trainData = standardise(train.data);
  const testData = standardise(test.data);
  const w = zeroVariable([dims, classes]);
  const b = zeroVariable([classes]);
  const optimizer = tf.train.adam(learningRate);
  const rng = createRng(seed);
  // One batch of rows at a time, copied in shuffled order (a shuffled copy of all rows would double the
  // features' memory).
  const batchX = new Float32Array(Math.min(n, batchSize) * dims);
  const batchY = new Int32Array(Math.min(n, batchSize));
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = permutation(n, rng);
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        for (let to = 0; to < end - start; to++) {
          const from = order[start + to];
          batchX.set(trainData.subarray(from * dims, (from + 1) * dims), to * dims);
          batchY[to] = train.labels[from];
        }
        const xb = tf.tensor2d(batchX.subarray(0, (end - start) * dims), [end - start, dims]);
        const yb = tf.tidy(() =>
          tf.cast(tf.oneHot(tf.tensor1d(batchY.subarray(0, end - start), "int32"), classes), "float32")
        );
        optimizer.minimize(
          () => {
            const loss = tf.losses.softmaxCrossEntropy(yb, tf.add(tf.matMul(xb, w), b));
            return tf.add(loss, tf.mul(l2, tf.sum(tf.square(w)))) as tfCore.Scalar;
          },
          false,
          [w, b],
        );
        tf.dispose([xb, yb]);
      }
    }
    const testCorrect = correctness(w, b, testData, dims, test.labels, batchSize);
    return {
      dims,
      trainAccuracy: share(correctness(w, b, trainData, dims, train.labels, batchSize)),
      testAccuracy: share(testCorrect),
      testCorrect,
    };
  } finally {
    tf.dispose([w, b]);
    optimizer.dispose();
  }
}

export interface StageProbe extends ProbeResult {
  stage: string;
  /** 0 for the input, then 1, 2, … along the network. */
  depth: number;
}

/** Probes every stage (and the input) of `model`: features from `train` and `test` images, one probe each. */
export async function probeStages(
  model: LayersModel,
  train: { x: Tensor; labels: Int32Array },
  test: { x: Tensor; labels: Int32Array },
  options: ProbeOptions & { grid?: number } = {},
): Promise<StageProbe[]> {
  const trainFeatures = await pooledFeatures(model, train.x, { grid: options.grid });
  const testFeatures = await pooledFeatures(model, test.x, { grid: options.grid });
  return [...trainFeatures.keys()].map((stage, depth) => {
    const tr = trainFeatures.get(stage)!, te = testFeatures.get(stage)!;
    // Each stage's features are let go once its probe is trained.
    trainFeatures.delete(stage);
    testFeatures.delete(stage);
    const result = trainLinearProbe(
      { data: tr.data, labels: train.labels },
      { data: te.data, labels: test.labels },
      tr.dims,
      options,
    );
    return { stage, depth, ...result };
  });
}

/** A probe on the raw 28 × 28 pixels, the reference every pooled stage is compared against. */
export function probePixels(
  train: { x: Tensor; labels: Int32Array },
  test: { x: Tensor; labels: Int32Array },
  options: ProbeOptions = {},
): ProbeResult {
  const dims = train.x.size / train.x.shape[0];
  return trainLinearProbe(
    // Copies: a backend may hand out the tensor's own values, which the probe standardises in place.
    { data: Float32Array.from(train.x.dataSync()), labels: train.labels },
    { data: Float32Array.from(test.x.dataSync()), labels: test.labels },
    dims,
    options,
  );
}

/** Bootstrap interval for a sum of probe accuracies minus another, over the test items all of them were scored
 * on, resampled together: `[a]` against `[]` is a's accuracy, `[a]` against `[b]` the difference a − b, and
 * `[t2, u1]` against `[u2, t1]` the difference between two gains (t2 − u2) − (t1 − u1). */
export function probeContrast(
  plus: readonly ProbeResult[],
  minus: readonly ProbeResult[],
  options: BootstrapOptions = {},
): Interval {
  const all = [...plus, ...minus];
  if (all.length === 0) throw new Error("probe contrast: no probes given");
  const n = all[0].testCorrect.length;
  if (all.some((probe) => probe.testCorrect.length !== n)) {
    throw new Error("probe contrast: the probes were scored on different numbers of test items");
  }
  const values = Float64Array.from(
    { length: n },
    (_, i) =>
      plus.reduce((sum, probe) => sum + probe.testCorrect[i], 0) -
      minus.reduce((sum, probe) => sum + probe.testCorrect[i], 0),
  );
  return bootstrapMean(values, options);
}
