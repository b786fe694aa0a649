/** What the first-layer filters detect, summarised with numbers. */
import type { LayersModel } from "../../tf.ts";
import { averagedKernels, convKernels, type KernelSlice } from "./kernels.ts";
import {
  isEdgeDetector,
  type KernelProfile,
  kernelProfile,
  orientationHistogram,
  orientationSpread,
} from "./orientation.ts";
import { convStages } from "./stages.ts";

export interface FirstLayerSummary {
  layer: string;
  kernels: KernelSlice[];
  profiles: KernelProfile[];
  /** Channels whose ramp holds at least half of their energy. */
  edgeDetectors: number[];
  edgeShare: number;
  /** Orientation spread of the edge detectors (0: one orientation, 1: evenly spread). */
  spread: number;
  histogram: { centre: number; count: number }[];
  meanShares: { constant: number; gradient: number; residual: number };
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** Profiles every kernel of the first conv layer (one input channel, so no averaging is involved). */
export function firstLayerSummary(model: LayersModel, bins = 8): FirstLayerSummary {
  const layer = convStages(model)[0].name;
  const kernels = averagedKernels(convKernels(model, layer));
  const profiles = kernels.map((k) => kernelProfile(k.values, k.size));
  const edgeDetectors = kernels.map((k) => k.channel).filter((c) => isEdgeDetector(profiles[c]));
  const orientations = edgeDetectors.map((c) => profiles[c].edgeOrientation);
  return {
    layer,
    kernels,
    profiles,
    edgeDetectors,
    edgeShare: edgeDetectors.length / kernels.length,
    spread: orientationSpread(orientations),
    histogram: orientationHistogram(orientations, bins),
    meanShares: {
      constant: mean(profiles.map((p) => p.constantShare)),
      gradient: mean(profiles.map((p) => p.gradientShare)),
      residual: mean(profiles.map((p) => p.residualShare)),
    },
  };
}

/** Share of a random kernel's energy expected in each part: dimensions of the part over size². */
export function chanceShares(size = 3): { constant: number; gradient: number; residual: number } {
  const n = size * size;
  return { constant: 1 / n, gradient: 2 / n, residual: (n - 3) / n };
}

export interface ChannelNorm {
  layer: string;
  channel: number;
  norm: number;
}

/** The L2 norm of each output channel's full kernel, for every conv layer. */
export function kernelNorms(model: LayersModel): ChannelNorm[] {
  return convStages(model).flatMap((stage) =>
    averagedKernels(convKernels(model, stage.name)).map((k) => ({
      layer: stage.name,
      channel: k.channel,
      norm: k.norm,
    }))
  );
}

export interface NormGrowth {
  layer: string;
  /** Mean kernel norm of the layer's output channels, untrained and trained. */
  before: number;
  after: number;
  /** after / before − 1. */
  growth: number;
}

/** Per layer, how much training changed the mean kernel norm. */
export function normGrowth(trained: readonly ChannelNorm[], control: readonly ChannelNorm[]): NormGrowth[] {
  const meanNorm = (rows: readonly ChannelNorm[], layer: string) =>
    mean(rows.filter((r) => r.layer === layer).map((r) => r.norm));
  return [...new Set(trained.map((n) => n.layer))].map((layer) => {
    const before = meanNorm(control, layer), after = meanNorm(trained, layer);
    return { layer, before, after, growth: after / before - 1 };
  });
}
