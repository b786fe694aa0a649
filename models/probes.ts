/** Looking inside a trained layers model: activations by layer name, conv kernels, and input gradients. */
import type { Tensor1D, Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import { type LayersModel, type Tensor, tf, type tfLayers } from "./tf.ts";

type SymbolicTensor = tfLayers.SymbolicTensor;

export interface ConvKernel {
  layer: string;
  /** `[kernelHeight, kernelWidth, inChannels, filters]`. */
  kernel: Tensor4D;
  bias?: Tensor1D;
}

/** What an input gradient climbs: a class score, or the mean activation of one channel (or unit) of a layer. */
export type GradientTarget =
  | { kind: "class"; index: number; of: "logit" | "probability" }
  | { kind: "channel"; layer: string; channel: number };

export interface InputGradient {
  /** d objective / d input, same shape as the input batch. */
  gradient: Tensor;
  /** The objective for each sample of the batch. */
  values: Float32Array;
}

const subModels = new WeakMap<LayersModel, Map<string, LayersModel>>();

/** A model from the original input to the named layers' outputs (cached per model). */
export function layerModel(model: LayersModel, layers: readonly string[]): LayersModel {
  const cache = subModels.get(model) ?? new Map<string, LayersModel>();
  subModels.set(model, cache);
  const key = layers.join("\u0000");
  let sub = cache.get(key);
  if (!sub) {
    sub = tf.model({ inputs: model.inputs, outputs: layers.map((name) => outputOf(model, name)) });
    cache.set(key, sub);
  }
  return sub;
}

/** One forward pass returning the outputs of several layers by name. The caller disposes the tensors. */
export function layerActivations<Name extends string>(
  model: LayersModel,
  x: Tensor,
  layers: readonly Name[],
  batchSize = 256,
): Record<Name, Tensor> {
  if (layers.length === 0) return {} as Record<Name, Tensor>;
  const outputs = layerModel(model, layers).predict(x, { batchSize });
  const list = Array.isArray(outputs) ? outputs : [outputs];
  return Object.fromEntries(layers.map((name, i) => [name, list[i]])) as Record<Name, Tensor>;
}

/** Copies of the kernel (and bias) of every conv layer, in model order. The caller disposes them. */
export function convKernels(model: LayersModel): ConvKernel[] {
  return model.layers
    .filter((layer) => layer.getClassName() === "Conv2D")
    .map((layer) => {
      const [kernel, bias] = layer.getWeights();
      return {
        layer: layer.name,
        kernel: kernel.clone() as Tensor4D,
        bias: bias?.clone() as Tensor1D | undefined,
      };
    });
}

/** Gradient of `target` with respect to the input batch `x`, with the objective value of each sample. */
export function inputGradient(model: LayersModel, x: Tensor, target: GradientTarget): InputGradient {
  const objective = objectiveFor(model, target);
  let captured: Tensor | undefined;
  const gradient = tf.tidy(() =>
    tf.grad((input: Tensor) => {
      const perSample = objective(input);
      captured = tf.keep(perSample.clone());
      return tf.sum(perSample);
    })(x)
  );
  const values = captured!.dataSync() as Float32Array;
  captured!.dispose();
  return { gradient, values: Float32Array.from(values) };
}

/** The per-sample objective of `target` as a differentiable function of the input batch. */
export function objectiveFor(model: LayersModel, target: GradientTarget): (input: Tensor) => Tensor {
  if (target.kind === "channel") {
    const sub = layerModel(model, [target.layer]);
    return (input) => channelMean(sub.apply(input) as Tensor, target.channel);
  }
  if (target.of === "probability") {
    return (input) => column(model.apply(input) as Tensor, target.index);
  }
  const last = model.layers[model.layers.length - 1];
  if (last.getClassName() !== "Dense") {
    throw new Error(`logits need a Dense last layer, not ${last.getClassName()}`);
  }
  const previous = model.layers.find((layer) => layer.output === last.input);
  if (!previous) throw new Error(`cannot find the layer feeding ${last.name}`);
  const before = layerModel(model, [previous.name]);
  const [kernel, bias] = last.getWeights();
  return (input) => {
    const hidden = before.apply(input) as Tensor;
    const weights = tf.slice(kernel, [0, target.index], [-1, 1]);
    const logit = tf.reshape(tf.matMul(hidden as Tensor2D, weights as Tensor2D), [-1]);
    return bias ? tf.add(logit, tf.slice(bias, [target.index], [1])) : logit;
  };
}

function outputOf(model: LayersModel, name: string): SymbolicTensor {
  const output = model.getLayer(name).output;
  if (Array.isArray(output)) throw new Error(`layer ${name} has several outputs`);
  return output;
}

function channelMean(activation: Tensor, channel: number): Tensor {
  const channels = activation.shape[activation.rank - 1];
  if (channel < 0 || channel >= channels) throw new Error(`channel ${channel} outside 0..${channels - 1}`);
  const begin = activation.shape.map((_, axis) => (axis === activation.rank - 1 ? channel : 0));
  const size = activation.shape.map((_, axis) => (axis === activation.rank - 1 ? 1 : -1));
  const slice = tf.slice(activation, begin, size);
  const spatialAxes = activation.shape.map((_, axis) => axis).slice(1);
  return tf.mean(slice, spatialAxes);
}

function column(values: Tensor, index: number): Tensor {
  return tf.reshape(tf.slice(values, [0, index], [-1, 1]), [-1]);
}
