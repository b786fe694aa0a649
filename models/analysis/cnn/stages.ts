/** The feature-extracting stages of a convolutional classifier and a forward pass that records them. */
import { type LayersModel, type Tensor, tf, type tfCore } from "../../tf.ts";

export type StageKind = "conv" | "pool";

export interface Stage {
  /** Layer name, e.g. "conv1". */
  name: string;
  kind: StageKind;
  /** Position of the layer in `model.layers`. */
  layerIndex: number;
  height: number;
  width: number;
  channels: number;
}

const stageKinds: Record<string, StageKind> = {
  Conv2D: "conv",
  MaxPooling2D: "pool",
  AveragePooling2D: "pool",
};

/** Conv and pooling layers in forward order, with their output shapes. */
export function featureStages(model: LayersModel): Stage[] {
  const stages: Stage[] = [];
  model.layers.forEach((layer, layerIndex) => {
    const kind = stageKinds[layer.getClassName()];
    if (!kind) return;
    const shape = layer.outputShape as (number | null)[];
    const [height, width, channels] = shape.slice(1) as number[];
    stages.push({ name: layer.name, kind, layerIndex, height, width, channels });
  });
  return stages;
}

export function convStages(model: LayersModel): Stage[] {
  return featureStages(model).filter((s) => s.kind === "conv");
}

/** Runs `x` through the model layer by layer and returns the outputs of the named stages (caller disposes). */
export function stageOutputs(
  model: LayersModel,
  x: Tensor,
  names: readonly string[],
): Record<string, tfCore.Tensor4D> {
  const wanted = new Set(names);
  const last = Math.max(...model.layers.map((l, i) => (wanted.has(l.name) ? i : -1)));
  if (last < 0) throw new Error(`no layers named ${names.join(", ")}`);
  return tf.tidy(() => {
    const out: Record<string, tfCore.Tensor4D> = {};
    let t = x;
    for (let i = 0; i <= last; i++) {
      const layer = model.layers[i];
      t = layer.apply(t) as Tensor;
      if (wanted.has(layer.name)) out[layer.name] = t as tfCore.Tensor4D;
    }
    return out;
  });
}

/** One forward pass returning the named stages' outputs and the pre-softmax class scores (the last layer's
 * activation is skipped). Call inside `tf.tidy` or dispose the results. */
export function forwardRecording(
  model: LayersModel,
  x: Tensor,
  names: readonly string[] = [],
): { stages: Record<string, tfCore.Tensor4D>; logits: tfCore.Tensor2D } {
  const wanted = new Set(names);
  const layers = model.layers;
  const stages: Record<string, tfCore.Tensor4D> = {};
  let t = x;
  for (let i = 0; i < layers.length - 1; i++) {
    t = layers[i].apply(t) as Tensor;
    if (wanted.has(layers[i].name)) stages[layers[i].name] = t as tfCore.Tensor4D;
  }
  const [kernel, bias] = layers[layers.length - 1].getWeights();
  const logits = tf.add(tf.matMul(t as tfCore.Tensor2D, kernel as tfCore.Tensor2D), bias) as tfCore.Tensor2D;
  return { stages, logits };
}

/** Pre-softmax class scores. */
export function logits(model: LayersModel, x: Tensor): tfCore.Tensor2D {
  return tf.tidy(() => forwardRecording(model, x).logits);
}

/** Applies `fn` to consecutive slices of the first axis of `x` (at most `batchSize` rows at a time). */
export async function forEachBatch(
  x: Tensor,
  batchSize: number,
  fn: (batch: Tensor, start: number) => Promise<void> | void,
): Promise<void> {
  const n = x.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const begin = x.shape.map((_, k) => (k === 0 ? start : 0));
    const extent = x.shape.map((d, k) => (k === 0 ? size : d));
    const batch = tf.slice(x, begin, extent);
    try {
      await fn(batch, start);
    } finally {
      batch.dispose();
    }
  }
}
