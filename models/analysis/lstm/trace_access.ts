/** Reading an `LstmTrace`: one unit's values, one step's vector, the running count at every step. */
import type { LstmTrace, TraceQuantity } from "../../lstm_replay.ts";

/** #1 − #0 after every step of every row, [count, length]. */
export function runningDifferences(trace: Pick<LstmTrace, "count" | "length" | "inputs">): Int32Array {
  const out = new Int32Array(trace.count * trace.length);
  for (let row = 0; row < trace.count; row++) {
    let difference = 0;
    for (let step = 0; step < trace.length; step++) {
      const at = row * trace.length + step;
      difference += trace.inputs[at] > 0.5 ? 1 : -1;
      out[at] = difference;
    }
  }
  return out;
}

/** One unit's value at every (row, step), [count, length]. */
export function unitSeries(trace: LstmTrace, quantity: TraceQuantity, unit: number): Float32Array {
  const values = trace[quantity];
  const out = new Float32Array(trace.count * trace.length);
  for (let at = 0; at < out.length; at++) out[at] = values[at * trace.units + unit];
  return out;
}

/** The units × steps grid of one row as records, for heatmaps; `step` counts from 1. */
export function rowGrid(
  trace: LstmTrace,
  quantity: TraceQuantity,
  row: number,
): { step: number; unit: number; value: number }[] {
  const values = trace[quantity];
  const out: { step: number; unit: number; value: number }[] = [];
  for (let step = 0; step < trace.length; step++) {
    const base = (row * trace.length + step) * trace.units;
    for (let unit = 0; unit < trace.units; unit++) {
      out.push({ step: step + 1, unit, value: values[base + unit] });
    }
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? Number.NaN : sum / values.length;
}

export function standardDeviation(values: ArrayLike<number>): number {
  const centre = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - centre) ** 2;
  return values.length < 2 ? 0 : Math.sqrt(sum / (values.length - 1));
}

/** Pearson correlation and least-squares line of y on x. */
export function linearFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { r: number; slope: number; intercept: number } {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const r = sxx === 0 || syy === 0 ? 0 : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { r, slope, intercept: my - slope * mx };
}
