/** Seeded percentile bootstrap: 95% intervals for a mean over test items and for paired differences. */
import { createRng } from "../seed.ts";

export interface Interval {
  /** The statistic on the full sample. */
  estimate: number;
  low: number;
  high: number;
  /** The interval's coverage, e.g. 0.95. */
  level: number;
}

/** Resamples drawn unless told otherwise. */
export const DEFAULT_RESAMPLES = 2000;

export interface BootstrapOptions {
  /** Resamples drawn (default `DEFAULT_RESAMPLES`). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  seed?: number;
}

/** Interval for the mean of `values` (e.g. 1 for a correctly classified test digit, 0 otherwise): the
 * items are resampled with replacement, and the interval runs between the percentiles of the resampled means. */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const { resamples = DEFAULT_RESAMPLES, level = 0.95, seed = 1 } = options;
  const n = values.length;
  if (n === 0) throw new Error("bootstrap: no values to resample");
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must lie strictly between 0 and 1, not ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`bootstrap: resamples must be a positive integer, not ${resamples}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i];
  const rng = createRng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.int(n)];
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { estimate: total / n, low: quantile(means, tail), high: quantile(means, 1 - tail), level };
}

/** Interval for mean(a − b) over items measured under both conditions (the same test digits), resampling
 * items so that the pairing is kept. */
export function bootstrapDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): Interval {
  if (a.length !== b.length) throw new Error(`bootstrap: paired samples differ in length (${a.length}, ${b.length})`);
  return bootstrapMean(Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]), options);
}

/** Whether the interval lies entirely on one side of zero. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

/** Linear interpolation between order statistics of sorted `values`. */
function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}
