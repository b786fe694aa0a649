/** Feature maps and per-channel activation statistics for real digits. */
import { type LayersModel, type Tensor, tf } from "../../tf.ts";
import { featureStages, forEachBatch, type Stage, stageOutputs } from "./stages.ts";
import { bootstrapGroupDifference, type BootstrapOptions, type Interval } from "../bootstrap.ts";

export interface MapPanel {
  stage: string;
  /** Index of the image in the batch that was passed in. */
  image: number;
  height: number;
  width: number;
  values: Float32Array;
}

export interface ChannelMap extends MapPanel {
  channel: number;
}

/** For each image and stage, the feature map averaged over channels. */
export function meanChannelMaps(model: LayersModel, x: Tensor, stageNames: readonly string[]): MapPanel[] {
  const outputs = stageOutputs(model, x, stageNames);
  const panels: MapPanel[] = [];
  try {
    for (const stage of stageNames) {
      const t = outputs[stage];
      const [n, height, width] = t.shape;
      const meanTensor = tf.mean(t, 3);
      const means = meanTensor.dataSync() as Float32Array;
      meanTensor.dispose();
      for (let image = 0; image < n; image++) {
        const values = means.slice(image * height * width, (image + 1) * height * width);
        panels.push({ stage, image, height, width, values });
      }
    }
  } finally {
    tf.dispose(outputs);
  }
  return panels;
}

/** Every channel's map at one stage for a single image (`x` has batch size 1). */
export function channelMaps(model: LayersModel, x: Tensor, stageName: string): ChannelMap[] {
  const outputs = stageOutputs(model, x, [stageName]);
  const t = outputs[stageName];
  const [, height, width, channels] = t.shape;
  const data = t.dataSync() as Float32Array;
  tf.dispose(outputs);
  return Array.from({ length: channels }, (_, channel) => {
    const values = new Float32Array(height * width);
    for (let p = 0; p < height * width; p++) values[p] = data[p * channels + channel];
    return { stage: stageName, image: 0, height, width, values, channel };
  });
}

export interface StageSummary {
  stage: Stage;
  images: number;
  /** Per image and channel ([images × channels], row-major): spatial mean and spatial max. */
  meanByImage: Float32Array;
  maxByImage: Float32Array;
  /** Per channel: share of (image, position) pairs with a positive activation. */
  activeShare: Float32Array;
  /** Per channel: share of images on which the channel fires anywhere. */
  imageShare: Float32Array;
}

/** One pass over `x` recording, for every conv/pool stage, per-image channel means and maxima and how often
 * each channel is active. */
export async function summariseStages(
  model: LayersModel,
  x: Tensor,
  options: { batchSize?: number; stageNames?: readonly string[] } = {},
): Promise<StageSummary[]> {
  const stages = featureStages(model).filter((s) =>
    !options.stageNames || options.stageNames.includes(s.name)
  );
  const n = x.shape[0];
  const summaries = stages.map((stage) => ({
    stage,
    images: n,
    meanByImage: new Float32Array(n * stage.channels),
    maxByImage: new Float32Array(n * stage.channels),
    activeShare: new Float32Array(stage.channels),
    imageShare: new Float32Array(stage.channels),
  }));
  await forEachBatch(x, options.batchSize ?? 250, (batch, start) => {
    const outputs = stageOutputs(model, batch, stages.map((s) => s.name));
    try {
      for (const summary of summaries) {
        const t = outputs[summary.stage.name];
        const c = summary.stage.channels;
        const [mean, max, active] = tf.tidy(() => [
          tf.mean(t, [1, 2]),
          tf.max(t, [1, 2]),
          tf.sum(tf.cast(tf.greater(t, 0), "float32"), [0, 1, 2]),
        ]);
        const maxData = max.dataSync() as Float32Array;
        summary.meanByImage.set(mean.dataSync() as Float32Array, start * c);
        summary.maxByImage.set(maxData, start * c);
        const activeData = active.dataSync() as Float32Array;
        for (let k = 0; k < c; k++) summary.activeShare[k] += activeData[k];
        for (let i = 0; i < maxData.length; i++) if (maxData[i] > 0) summary.imageShare[i % c] += 1;
        tf.dispose([mean, max, active]);
      }
    } finally {
      tf.dispose(outputs);
    }
  });
  for (const summary of summaries) {
    const positions = n * summary.stage.height * summary.stage.width;
    summary.activeShare.forEach((v, k) => (summary.activeShare[k] = v / positions));
    summary.imageShare.forEach((v, k) => (summary.imageShare[k] = v / n));
  }
  return summaries;
}

export interface ChannelHealth {
  stage: string;
  channels: number;
  /** Never positive on any position of any image. */
  dead: number[];
  /** Positive on at least `alwaysOnShare` of all (image, position) pairs. */
  alwaysOn: number[];
  /** Fires on fewer than `rareShare` of the images (but not dead). */
  rare: number[];
}

export const ALWAYS_ON_SHARE = 0.99;
export const RARE_IMAGE_SHARE = 0.01;

/** Dead, always-on and rarely firing channels, counted over the summarised images. */
export function channelHealth(summary: StageSummary): ChannelHealth {
  const dead: number[] = [], alwaysOn: number[] = [], rare: number[] = [];
  for (let k = 0; k < summary.stage.channels; k++) {
    if (summary.imageShare[k] === 0) dead.push(k);
    else if (summary.imageShare[k] < RARE_IMAGE_SHARE) rare.push(k);
    if (summary.activeShare[k] >= ALWAYS_ON_SHARE) alwaysOn.push(k);
  }
  return { stage: summary.stage.name, channels: summary.stage.channels, dead, alwaysOn, rare };
}

/** How many top images ("exemplars") stand for a channel by default. */
export const EXEMPLAR_COUNT = 9;

/** Share of the most common label among `images` (0 for none). */
export function labelPurity(images: readonly number[], labels: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (const image of images) counts.set(labels[image], (counts.get(labels[image]) ?? 0) + 1);
  return images.length === 0 ? 0 : Math.max(...counts.values()) / images.length;
}

/** Per channel in `channels` (default: every live channel), the label purity of its top `k` images: how
 * often the digits that excite the channel most share one class. */
export function channelPurities(
  summary: StageSummary,
  labels: ArrayLike<number>,
  channels: readonly number[] = liveChannelsByResponse(summary),
  k = EXEMPLAR_COUNT,
): number[] {
  return channels.map((channel) => labelPurity(topImages(summary, channel, k).map((e) => e.image), labels));
}

/** Trained minus untrained class purity of the live channels, with its 95% bootstrap interval (the two
 * networks' channels are independent samples, each resampled on its own). */
export function purityGain(
  trained: StageSummary,
  control: StageSummary,
  labels: ArrayLike<number>,
  options: BootstrapOptions = {},
): Interval {
  return bootstrapGroupDifference(
    channelPurities(trained, labels),
    channelPurities(control, labels),
    options,
  );
}

/** The mean of `channelPurities` (0 for no channels). */
export function classPurity(
  summary: StageSummary,
  labels: ArrayLike<number>,
  channels: readonly number[] = liveChannelsByResponse(summary),
  k = EXEMPLAR_COUNT,
): number {
  const shares = channelPurities(summary, labels, channels, k);
  return shares.reduce((a, b) => a + b, 0) / Math.max(1, shares.length);
}

/** The `k` images on which `channel` responds most, best first: by its spatial maximum (strongest response
 * anywhere, the default) or its spatial mean. Each entry carries both scores. */
export function topImages(
  summary: StageSummary,
  channel: number,
  k = EXEMPLAR_COUNT,
  by: "max" | "mean" = "max",
): { image: number; score: number; max: number; mean: number }[] {
  const c = summary.stage.channels;
  const scored = Array.from({ length: summary.images }, (_, image) => {
    const max = summary.maxByImage[image * c + channel];
    const mean = summary.meanByImage[image * c + channel];
    return { image, max, mean, score: by === "max" ? max : mean };
  });
  scored.sort((a, b) => b.score - a.score || a.image - b.image);
  return scored.slice(0, k);
}

/** `count` items taken at evenly spaced positions of `ranked` (first and last included). */
export function evenlySpaced<T>(ranked: readonly T[], count: number): T[] {
  if (count >= ranked.length) return ranked.slice();
  if (count <= 1) return ranked.slice(0, count);
  return Array.from({ length: count }, (_, i) => ranked[Math.round((i * (ranked.length - 1)) / (count - 1))]);
}

/** Channels ranked by how strongly they respond on average (largest mean first), skipping dead ones. */
export function liveChannelsByResponse(summary: StageSummary): number[] {
  const c = summary.stage.channels;
  const avg = new Float64Array(c);
  for (let i = 0; i < summary.images * c; i++) avg[i % c] += summary.meanByImage[i];
  return Array.from({ length: c }, (_, k) => k)
    .filter((k) => summary.imageShare[k] > 0)
    .sort((a, b) => avg[b] - avg[a] || a - b);
}
