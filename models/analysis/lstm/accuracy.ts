/** Accuracy of the counter on a sampled set (with a Wilson interval) and on every sequence of a length. */
import {
  type CountingSet,
  exhaustiveLabels,
  exhaustiveOnes,
  HARD_MARGIN,
  labelForOnes,
  onesInRow,
} from "../../data/counting.ts";
import { exhaustiveProbabilities, type LstmWeights } from "../../lstm_replay.ts";

export interface Interval {
  low: number;
  high: number;
}

export interface Tally {
  count: number;
  correct: number;
  accuracy: number;
}

export interface SampledAccuracy extends Tally {
  errors: number;
  /** 95% Wilson score interval of the accuracy. */
  wilson: Interval;
  /** Sequences with |#1 − #0| ≤ HARD_MARGIN. */
  hard: Tally;
}

export interface DifferenceRow {
  /** Final #1 − #0. */
  difference: number;
  label: 0 | 1;
  count: number;
  errors: number;
  minProbability: number;
  meanProbability: number;
  maxProbability: number;
}

export interface ListedSequence {
  code: number;
  sequence: string;
  ones: number;
  difference: number;
  label: 0 | 1;
  probability: number;
}

export interface ExhaustiveAccuracy extends Tally {
  length: number;
  errors: number;
  hard: Tally;
  ties: Tally;
  byDifference: DifferenceRow[];
  /** Up to `maxListed` misclassified sequences, in code order. */
  misclassified: ListedSequence[];
  /** The correctly classified sequence whose probability lies closest to 0.5. */
  closestCall: ListedSequence | null;
  seconds: number;
}

const Z95 = 1.959963984540054;

export function wilsonInterval(correct: number, total: number, z = Z95): Interval {
  if (total === 0) return { low: 0, high: 1 };
  const p = correct / total;
  const z2 = z * z;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (z / (1 + z2 / total)) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function tally(count: number, correct: number): Tally {
  return { count, correct, accuracy: count === 0 ? Number.NaN : correct / count };
}

export function predictedLabel(probability: number): 0 | 1 {
  return probability > 0.5 ? 1 : 0;
}

export function sampledAccuracy(probabilities: ArrayLike<number>, set: CountingSet): SampledAccuracy {
  let correct = 0;
  let hardCount = 0;
  let hardCorrect = 0;
  for (let row = 0; row < set.count; row++) {
    const right = predictedLabel(probabilities[row]) === set.labels[row] ? 1 : 0;
    correct += right;
    const ones = onesInRow(set, row);
    if (Math.abs(2 * ones - set.length) <= HARD_MARGIN) {
      hardCount++;
      hardCorrect += right;
    }
  }
  return {
    ...tally(set.count, correct),
    errors: set.count - correct,
    wilson: wilsonInterval(correct, set.count),
    hard: tally(hardCount, hardCorrect),
  };
}

/** Classifies all 2^length sequences through the prefix-tree replay of `weights`. */
export function exhaustiveAccuracy(
  weights: LstmWeights,
  length: number,
  options: { maxListed?: number; ablate?: readonly number[] } = {},
): ExhaustiveAccuracy {
  const started = performance.now();
  const probabilities = exhaustiveProbabilities(weights, length, { ablate: options.ablate });
  return {
    ...summariseExhaustive(probabilities, length, options.maxListed ?? 20),
    seconds: elapsed(started),
  };
}

/** Scores probabilities indexed by code against the labels of all 2^length sequences. */
export function summariseExhaustive(
  probabilities: Float32Array,
  length: number,
  maxListed = 20,
): Omit<ExhaustiveAccuracy, "seconds"> {
  const labels = exhaustiveLabels(length);
  const ones = exhaustiveOnes(length);
  const rows = new Map<number, DifferenceRow>();
  for (let count = 0; count <= length; count++) {
    const difference = 2 * count - length;
    rows.set(difference, {
      difference,
      label: labelForOnes(count, length),
      count: 0,
      errors: 0,
      minProbability: Infinity,
      meanProbability: 0,
      maxProbability: -Infinity,
    });
  }
  const misclassified: ListedSequence[] = [];
  let closest: { code: number; margin: number } | undefined;
  let correct = 0;
  let hardCount = 0;
  let hardCorrect = 0;
  let tieCount = 0;
  let tieCorrect = 0;
  for (let code = 0; code < probabilities.length; code++) {
    const p = probabilities[code];
    const difference = 2 * ones[code] - length;
    const right = predictedLabel(p) === labels[code];
    const row = rows.get(difference)!;
    row.count++;
    row.meanProbability += p;
    if (p < row.minProbability) row.minProbability = p;
    if (p > row.maxProbability) row.maxProbability = p;
    if (right) {
      correct++;
      const margin = Math.abs(p - 0.5);
      if (closest === undefined || margin < closest.margin) closest = { code, margin };
    } else {
      row.errors++;
      if (misclassified.length < maxListed) misclassified.push(listed(code, length, p));
    }
    if (Math.abs(difference) <= HARD_MARGIN) {
      hardCount++;
      if (right) hardCorrect++;
    }
    if (difference === 0) {
      tieCount++;
      if (right) tieCorrect++;
    }
  }
  const byDifference = [...rows.values()].map((row) => ({
    ...row,
    meanProbability: row.meanProbability / row.count,
  }));
  return {
    length,
    ...tally(probabilities.length, correct),
    errors: probabilities.length - correct,
    hard: tally(hardCount, hardCorrect),
    ties: tally(tieCount, tieCorrect),
    byDifference,
    misclassified,
    closestCall: closest ? listed(closest.code, length, probabilities[closest.code]) : null,
  };
}

export function listed(code: number, length: number, probability: number): ListedSequence {
  const sequence = code.toString(2).padStart(length, "0");
  const ones = [...sequence].filter((bit) => bit === "1").length;
  return {
    code,
    sequence,
    ones,
    difference: 2 * ones - length,
    label: labelForOnes(ones, length),
    probability,
  };
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}
