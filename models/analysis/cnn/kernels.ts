/** Convolution kernels read out of a model as plain arrays. */
import type { LayersModel } from "../../tf.ts";

export interface ConvKernels {
  layer: string;
  size: number;
  inChannels: number;
  outChannels: number;
  /** Weights in the layer's [row, column, in, out] order. */
  weights: Float32Array;
}

/** One 2-D kernel (row-major, size × size) for an output channel. */
export interface KernelSlice {
  layer: string;
  channel: number;
  size: number;
  values: Float32Array;
  /** L2 norm of the channel's full kernel (all input channels). */
  norm: number;
}

export function convKernels(model: LayersModel, layerName: string): ConvKernels {
  const layer = model.getLayer(layerName);
  const kernel = layer.getWeights()[0];
  const [size, , inChannels, outChannels] = kernel.shape as number[];
  return { layer: layerName, size, inChannels, outChannels, weights: kernel.dataSync() as Float32Array };
}

/** Per output channel, the kernel averaged over input channels, with the full kernel's norm. */
export function averagedKernels(kernels: ConvKernels): KernelSlice[] {
  const { size, inChannels, outChannels, weights } = kernels;
  return Array.from({ length: outChannels }, (_, channel) => {
    const values = new Float32Array(size * size);
    let energy = 0;
    for (let p = 0; p < size * size; p++) {
      let sum = 0;
      for (let c = 0; c < inChannels; c++) {
        const w = weights[(p * inChannels + c) * outChannels + channel];
        sum += w;
        energy += w * w;
      }
      values[p] = sum / inChannels;
    }
    return { layer: kernels.layer, channel, size, values, norm: Math.sqrt(energy) };
  });
}

/** Share of a layer's kernel energy that the input-averaged kernels keep: per output channel, the energy of the
 * averaged kernel repeated on every input channel (the projection of the full kernel onto "the same weights on
 * every input") over the full kernel's energy, averaged over output channels. Independent random weights keep
 * about 1 / inChannels; weights that agree across inputs keep 1. */
export function averagedEnergyShare(kernels: ConvKernels): number {
  const slices = averagedKernels(kernels);
  const shares = slices.map((k) =>
    k.norm > 0 ? (kernels.inChannels * k.values.reduce((s, v) => s + v * v, 0)) / k.norm ** 2 : 0
  );
  return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
}
