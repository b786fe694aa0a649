/** Length generalisation: the counter trained on one length, tested on balanced random sets of other lengths,
 * and the counter unit's response over a long range of running counts (where it stays linear, where it
 * saturates). */
import { onesInRow, randomCountingSet, type SequenceDistribution } from "../../data/counting.ts";
import { type LstmWeights, replay, replayProbabilities } from "../../lstm_replay.ts";
import { deriveSeed } from "../../seed.ts";
import { type Interval, wilsonInterval } from "./accuracy.ts";
import { linearFit, runningDifferences, unitSeries } from "./trace_access.ts";

export interface LengthPoint {
  length: number;
  count: number;
  correct: number;
  accuracy: number;
  wilson: Interval;
  /** Sequences with as many 1s as 0s (even lengths only) and how many of them were right. */
  ties: number;
  tiesCorrect: number;
  /** Accuracy on the sequences that are not ties. */
  untiedAccuracy: number;
}

export interface ResponsePoint {
  difference: number;
  samples: number;
  mean: number;
  min: number;
  max: number;
}

export const DEFAULT_LENGTHS = [5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 175, 200];

export function lengthGeneralisation(
  weights: LstmWeights,
  lengths: readonly number[] = DEFAULT_LENGTHS,
  options: { count?: number; seed?: number } = {},
): LengthPoint[] {
  const count = options.count ?? 600;
  return lengths.map((length) => {
    const set = randomCountingSet({
      count,
      length,
      seed: deriveSeed(options.seed ?? 1, `length:${length}`),
      distribution: "balanced",
    });
    const probabilities = replayProbabilities(weights, set, { batchSize: count });
    let correct = 0;
    let ties = 0;
    let tiesCorrect = 0;
    for (let row = 0; row < count; row++) {
      const right = (probabilities[row] > 0.5 ? 1 : 0) === set.labels[row];
      if (right) correct++;
      if (2 * onesInRow(set, row) === length) {
        ties++;
        if (right) tiesCorrect++;
      }
    }
    return {
      length,
      count,
      correct,
      accuracy: correct / count,
      wilson: wilsonInterval(correct, count),
      ties,
      tiesCorrect,
      untiedAccuracy: (correct - tiesCorrect) / Math.max(1, count - ties),
    };
  });
}

/** A unit's cell state against the running count difference over long sequences, summarised per difference. */
export function counterResponse(
  weights: LstmWeights,
  unit: number,
  options: { length?: number; count?: number; seed?: number; distribution?: SequenceDistribution } = {},
): ResponsePoint[] {
  const set = randomCountingSet({
    count: options.count ?? 200,
    length: options.length ?? 200,
    seed: deriveSeed(options.seed ?? 1, "response"),
    distribution: options.distribution ?? "counts",
  });
  const trace = replay(weights, set);
  const values = unitSeries(trace, "cell", unit);
  const differences = runningDifferences(trace);
  const byDifference = new Map<number, ResponsePoint & { sum: number }>();
  for (let at = 0; at < values.length; at++) {
    const difference = differences[at];
    const entry = byDifference.get(difference) ??
      { difference, samples: 0, mean: 0, min: Infinity, max: -Infinity, sum: 0 };
    entry.samples++;
    entry.sum += values[at];
    entry.min = Math.min(entry.min, values[at]);
    entry.max = Math.max(entry.max, values[at]);
    byDifference.set(difference, entry);
  }
  return [...byDifference.values()]
    .sort((a, b) => a.difference - b.difference)
    .map(({ sum, ...entry }) => ({ ...entry, mean: sum / entry.samples }));
}

/** Where a unit's mean response follows a straight line, and the tolerance that decided it. */
export interface LinearRange {
  low: number;
  high: number;
  slope: number;
  intercept: number;
  /** The differences within ±fitWithin the line was fitted to. */
  fitWithin: number;
  /** Allowed deviation as a share of |line|. */
  relative: number;
  /** Allowed deviation near zero, where the relative one vanishes. */
  absolute: number;
}

/** The running-difference range around zero over which the unit's mean response stays within
 * max(`absolute`, `relative` × |line|) of the straight line fitted to the differences within ±`fitWithin`:
 * where the unit still counts linearly. */
export function linearRange(
  response: readonly ResponsePoint[],
  options: { fitWithin?: number; relative?: number; absolute?: number; minSamples?: number } = {},
): LinearRange {
  const fitWithin = options.fitWithin ?? 3;
  const relative = options.relative ?? 0.2;
  const absolute = options.absolute ?? 0.05;
  const minSamples = options.minSamples ?? 10;
  const usable = response.filter((point) => point.samples >= minSamples);
  const near = usable.filter((point) => Math.abs(point.difference) <= fitWithin);
  const fit = linearFit(near.map((point) => point.difference), near.map((point) => point.mean));
  const line = (difference: number) => fit.intercept + fit.slope * difference;
  const fits = (point: ResponsePoint) =>
    Math.abs(line(point.difference) - point.mean) <=
      Math.max(absolute, relative * Math.abs(line(point.difference)));
  let high = 0;
  for (const point of usable.filter((p) => p.difference >= 0)) {
    if (!fits(point)) break;
    high = point.difference;
  }
  let low = 0;
  for (const point of usable.filter((p) => p.difference <= 0).reverse()) {
    if (!fits(point)) break;
    low = point.difference;
  }
  return { low, high, slope: fit.slope, intercept: fit.intercept, fitWithin, relative, absolute };
}
