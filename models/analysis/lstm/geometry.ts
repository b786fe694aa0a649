/** The geometry of the states: a linear probe that reads the running count from a state vector, and the
 * principal components of the states (how much of their variance lies on one "count line"). */
import type { LstmTrace, TraceQuantity } from "../../lstm_replay.ts";
import { runningDifferences } from "./trace_access.ts";
import { createRng } from "../../seed.ts";
import { bootstrap, type BootstrapOptions, type Interval } from "../bootstrap.ts";

export interface LinearProbe {
  quantity: TraceQuantity;
  /** R² on the rows the probe was fitted on (even rows) and on the held-out odd rows. */
  r2Fit: number;
  r2HeldOut: number;
  weights: Float64Array;
  bias: number;
  samples: number;
  /** Per held-out sequence: squared residuals, sum and sum of squares of the targets, and steps. */
  heldOutSequences: SequenceSums[];
}

export interface SequenceSums {
  residual: number;
  sum: number;
  sumSquares: number;
  steps: number;
}

/** Bootstrap interval of the held-out R², resampling whole held-out sequences (the steps of one sequence are
 * not independent). */
export function heldOutR2Interval(probe: LinearProbe, options: BootstrapOptions = {}): Interval {
  const sequences = probe.heldOutSequences;
  return bootstrap(sequences.length, (indices) => {
    let residual = 0, sum = 0, sumSquares = 0, steps = 0;
    for (const i of indices) {
      const s = sequences[i];
      residual += s.residual;
      sum += s.sum;
      sumSquares += s.sumSquares;
      steps += s.steps;
    }
    const total = sumSquares - (sum * sum) / steps;
    return total === 0 ? Number.NaN : 1 - residual / total;
  }, options);
}

export interface PrincipalComponents {
  quantity: TraceQuantity;
  /** Share of the total variance on each component. */
  explained: number[];
  components: Float64Array[];
  mean: Float64Array;
}

export interface ProjectedPoint {
  pc1: number;
  pc2: number;
  difference: number;
  step: number;
}

/** Ridge-regularised least squares of the running count difference on the state vector. */
export function linearProbe(trace: LstmTrace, quantity: TraceQuantity = "cell", ridge = 1e-6): LinearProbe {
  const d = trace.units;
  const targets = runningDifferences(trace);
  const values = trace[quantity];
  const rowsOf = (parity: number) => {
    const picks: number[] = [];
    for (let row = parity; row < trace.count; row += 2) {
      for (let step = 0; step < trace.length; step++) picks.push(row * trace.length + step);
    }
    return picks;
  };
  const fitRows = rowsOf(0);
  const heldRows = trace.count > 1 ? rowsOf(1) : fitRows;
  const featureMean = new Float64Array(d);
  let targetMean = 0;
  for (const at of fitRows) {
    for (let j = 0; j < d; j++) featureMean[j] += values[at * d + j];
    targetMean += targets[at];
  }
  featureMean.forEach((_, j) => (featureMean[j] /= fitRows.length));
  targetMean /= fitRows.length;

  const gram = new Float64Array(d * d);
  const moment = new Float64Array(d);
  const centred = new Float64Array(d);
  for (const at of fitRows) {
    for (let j = 0; j < d; j++) centred[j] = values[at * d + j] - featureMean[j];
    const y = targets[at] - targetMean;
    for (let j = 0; j < d; j++) {
      moment[j] += centred[j] * y;
      for (let k = j; k < d; k++) gram[j * d + k] += centred[j] * centred[k];
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) gram[j * d + k] = gram[k * d + j];
    gram[j * d + j] += ridge * fitRows.length;
  }
  const weights = solveSymmetric(gram, moment, d);
  const bias = targetMean - weights.reduce((sum, w, j) => sum + w * featureMean[j], 0);
  const r2 = (rows: number[]) => {
    let mean = 0;
    for (const at of rows) mean += targets[at];
    mean /= rows.length;
    let residual = 0;
    let total = 0;
    for (const at of rows) {
      residual += (targets[at] - predict(at)) ** 2;
      total += (targets[at] - mean) ** 2;
    }
    return total === 0 ? Number.NaN : 1 - residual / total;
  };
  const predict = (at: number) => {
    let prediction = bias;
    for (let j = 0; j < d; j++) prediction += weights[j] * values[at * d + j];
    return prediction;
  };
  const heldOutSequences: SequenceSums[] = [];
  for (let start = 0; start < heldRows.length; start += trace.length) {
    const sums = { residual: 0, sum: 0, sumSquares: 0, steps: 0 };
    for (const at of heldRows.slice(start, start + trace.length)) {
      sums.residual += (targets[at] - predict(at)) ** 2;
      sums.sum += targets[at];
      sums.sumSquares += targets[at] ** 2;
      sums.steps++;
    }
    heldOutSequences.push(sums);
  }
  return {
    quantity,
    r2Fit: r2(fitRows),
    r2HeldOut: r2(heldRows),
    weights,
    bias,
    samples: fitRows.length,
    heldOutSequences,
  };
}

/** Top-k principal components of the state vectors at every (row, step), by power iteration with deflation. */
export function principalComponents(
  trace: LstmTrace,
  quantity: TraceQuantity = "hidden",
  k = 2,
): PrincipalComponents {
  const d = trace.units;
  const values = trace[quantity];
  const n = trace.count * trace.length;
  const mean = new Float64Array(d);
  for (let at = 0; at < n; at++) for (let j = 0; j < d; j++) mean[j] += values[at * d + j];
  mean.forEach((_, j) => (mean[j] /= n));
  const covariance = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let at = 0; at < n; at++) {
    for (let j = 0; j < d; j++) centred[j] = values[at * d + j] - mean[j];
    for (let j = 0; j < d; j++) for (let l = j; l < d; l++) covariance[j * d + l] += centred[j] * centred[l];
  }
  for (let j = 0; j < d; j++) {
    for (let l = j; l < d; l++) {
      covariance[j * d + l] /= Math.max(1, n - 1);
      covariance[l * d + j] = covariance[j * d + l];
    }
  }
  let totalVariance = 0;
  for (let j = 0; j < d; j++) totalVariance += covariance[j * d + j];
  const components: Float64Array[] = [];
  const explained: number[] = [];
  for (let c = 0; c < Math.min(k, d); c++) {
    const { vector, value } = leadingEigenvector(covariance, d, c);
    components.push(vector);
    explained.push(totalVariance === 0 ? 0 : value / totalVariance);
    for (let j = 0; j < d; j++) {
      for (let l = 0; l < d; l++) covariance[j * d + l] -= value * vector[j] * vector[l];
    }
  }
  return { quantity, explained, components, mean };
}

/** A seeded sample of (row, step) states projected on the first two components, with its running count. */
export function projectStates(
  trace: LstmTrace,
  pca: PrincipalComponents,
  options: { maxPoints?: number; seed?: number } = {},
): ProjectedPoint[] {
  const d = trace.units;
  const values = trace[pca.quantity];
  const differences = runningDifferences(trace);
  const [first, second] = pca.components;
  const out: ProjectedPoint[] = [];
  const total = trace.count * trace.length;
  const wanted = Math.min(total, options.maxPoints ?? total);
  const rng = createRng(options.seed ?? 1);
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(wanted === total ? chosen.size : rng.int(total));
  for (const at of [...chosen].sort((a, b) => a - b)) {
    let pc1 = 0;
    let pc2 = 0;
    for (let j = 0; j < d; j++) {
      const centred = values[at * d + j] - pca.mean[j];
      pc1 += centred * first[j];
      pc2 += centred * (second?.[j] ?? 0);
    }
    out.push({ pc1, pc2, difference: differences[at], step: (at % trace.length) + 1 });
  }
  return out;
}

function leadingEigenvector(
  matrix: Float64Array,
  d: number,
  seedIndex: number,
): { vector: Float64Array; value: number } {
  let vector = Float64Array.from({ length: d }, (_, j) => 1 + ((j * 7 + seedIndex * 13) % 5) / 10);
  let value = 0;
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let l = 0; l < d; l++) sum += matrix[j * d + l] * vector[l];
      next[j] = sum;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return { vector, value: 0 };
    next.forEach((_, j) => (next[j] /= norm));
    const change = next.reduce((sum, x, j) => sum + Math.abs(x - vector[j]), 0);
    vector = next;
    value = norm;
    if (change < 1e-10) break;
  }
  const sign = vector.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0) < 0 ? -1 : 1;
  return { vector: vector.map((x) => x * sign), value };
}

/** Solves A x = b for a symmetric positive definite A (row-major d×d) by Cholesky decomposition. */
export function solveSymmetric(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * d + j];
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * d + k] * y[k];
    y[i] = sum / l[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k];
    x[i] = sum / l[i * d + i];
  }
  return x;
}
