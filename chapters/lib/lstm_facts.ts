/** Small derived numbers that Part 2's prose states and its claims check: ranks, medians, slopes and
 * correlations over the stored study. Pure functions of plain data; no wording. */
import type { AblationStudy } from "../../models/analysis/lstm/ablation.ts";
import type { CountPoint } from "../../models/analysis/lstm/counter.ts";
import type { ProjectedPoint } from "../../models/analysis/lstm/geometry.ts";
import type { LengthPoint, ResponsePoint } from "../../models/analysis/lstm/length.ts";

/** 1-based rank of `unit` among all units by the accuracy its single-unit ablation costs (1 = most). */
export function dropRank(ablation: AblationStudy, unit: number): number {
  return ablation.perUnit.findIndex((entry) => entry.units[0] === unit) + 1;
}

/** The single-unit ablation outcome of `unit`. */
export function dropOf(ablation: AblationStudy, unit: number): number {
  return ablation.perUnit.find((entry) => entry.units[0] === unit)!.drop;
}

/** Median of a list of numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The response point at a running difference, if any sequence reached it. */
export function responseAt(
  response: readonly ResponsePoint[],
  difference: number,
): ResponsePoint | undefined {
  return response.find((point) => point.difference === difference);
}

/** Mean rise of the response curve per unit of count between two differences (both must be present). */
export function responseSlope(response: readonly ResponsePoint[], from: number, to: number): number {
  const start = responseAt(response, from)!;
  const end = responseAt(response, to)!;
  return (end.mean - start.mean) / (to - from);
}

/** The counter unit's response curve around the training length L: its ends (differences reached by at least 10
 * sequences), its values at ±L, and its mean slopes inside ±L/2, between ±L/2 and ±L, and beyond ±L. */
export function responseShape(response: readonly ResponsePoint[], length: number) {
  const seen = response.filter((point) => point.samples >= 10);
  const [lowest, highest] = [seen[0], seen.at(-1)!];
  return {
    lowest,
    highest,
    lowEdge: responseAt(response, -length)!,
    highEdge: responseAt(response, length)!,
    innerSlope: responseSlope(response, -length / 2, length / 2),
    bend: {
      low: responseSlope(response, -length, -length / 2),
      high: responseSlope(response, length / 2, length),
    },
    flat: {
      low: responseSlope(response, lowest.difference, -length),
      high: responseSlope(response, length, highest.difference),
    },
  };
}

/** The tested lengths up to `length` whose non-tie sequences were all right, and the worst of those lengths. */
export function shorterLengths(lengths: readonly LengthPoint[], length: number) {
  const shorter = lengths.filter((point) => point.length <= length);
  return {
    perfect: shorter.filter((point) => point.untiedAccuracy === 1).map((point) => point.length),
    worst: shorter.reduce((worst, point) => (point.untiedAccuracy < worst.untiedAccuracy ? point : worst)),
  };
}

/** Pearson correlation of two equally long series. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Correlation of the first principal coordinate with the running count over projected states. */
export function firstAxisCorrelation(points: readonly ProjectedPoint[]): number {
  return correlation(points.map((p) => p.pc1), points.map((p) => p.difference));
}

/** Least-squares slope of cell value against count, over the scatter points whose count has the given sign. */
export function sideSlope(points: readonly CountPoint[], sign: 1 | -1): number {
  const side = points.filter((p) => Math.sign(p.difference) === sign || p.difference === 0);
  const n = side.length;
  const mx = side.reduce((s, p) => s + p.difference, 0) / n;
  const my = side.reduce((s, p) => s + p.value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of side) {
    sxy += (p.difference - mx) * (p.value - my);
    sxx += (p.difference - mx) ** 2;
  }
  return sxy / sxx;
}

/** Standard deviation of the cell value around the fitted line, for scatter points selected by `keep`. */
export function residualSpread(
  points: readonly CountPoint[],
  line: { slope: number; intercept: number },
  keep: (point: CountPoint) => boolean,
): number {
  const residuals = points.filter(keep).map((p) => p.value - (line.intercept + line.slope * p.difference));
  const mean = residuals.reduce((s, v) => s + v, 0) / residuals.length;
  return Math.sqrt(residuals.reduce((s, v) => s + (v - mean) ** 2, 0) / residuals.length);
}
