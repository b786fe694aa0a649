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

/** Interval for any statistic of `n` items: `statistic(indices)` is evaluated on the full sample (0 … n − 1)
 * and on resamples of the items drawn with replacement; the interval runs between the percentiles of the
 * resampled values. */
export function bootstrap(
  n: number,
  statistic: (indices: Int32Array) => number,
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, seed } = settings(options);
  if (!(n > 0)) throw new Error("bootstrap: no values to resample");
  const estimate = statistic(Int32Array.from({ length: n }, (_, i) => i));
  const rng = createRng(seed);
  const indices = new Int32Array(n);
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = rng.int(n);
    values[r] = statistic(indices);
  }
  return percentileInterval(estimate, values, level);
}

/** Interval for the mean of `values` (e.g. 1 for a correctly classified test digit, 0 otherwise). */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  return bootstrap(values.length, (indices) => {
    let sum = 0;
    for (const i of indices) sum += values[i];
    return sum / indices.length;
  }, options);
}

/** Interval for mean(a − b) over items measured under both conditions (the same test digits), resampling
 * items so that the pairing is kept. */
export function bootstrapDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): Interval {
  if (a.length !== b.length) {
    throw new Error(`bootstrap: paired samples differ in length (${a.length}, ${b.length})`);
  }
  return bootstrapMean(Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]), options);
}

/** Interval for mean(a) − mean(b) when a and b are independent samples (different items, e.g. the channels
 * of two networks): each sample is resampled on its own. */
export function bootstrapGroupDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, seed } = settings(options);
  if (a.length === 0 || b.length === 0) throw new Error("bootstrap: no values to resample");
  const rng = createRng(seed);
  const average = (xs: ArrayLike<number>, pick: (i: number) => number) => {
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[pick(i)];
    return sum / xs.length;
  };
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    values[r] = average(a, () => rng.int(a.length)) - average(b, () => rng.int(b.length));
  }
  const estimate = average(a, (i) => i) - average(b, (i) => i);
  return percentileInterval(estimate, values, level);
}

/** Whether the interval lies entirely on one side of zero. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}

function settings(options: BootstrapOptions): Required<BootstrapOptions> {
  const { resamples = DEFAULT_RESAMPLES, level = 0.95, seed = 1 } = options;
  if (!(level > 0 && level < 1)) {
    throw new Error(`bootstrap: level must lie strictly between 0 and 1, not ${level}`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`bootstrap: resamples must be a positive integer, not ${resamples}`);
  }
  return { resamples, level, seed };
}

/** The interval between the percentiles of the resampled `values` (sorted in place). */
function percentileInterval(estimate: number, values: Float64Array, level: number): Interval {
  values.sort();
  const tail = (1 - level) / 2;
  return { estimate, low: quantile(values, tail), high: quantile(values, 1 - tail), level };
}

/** Linear interpolation between order statistics of sorted `values`. */
function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}
