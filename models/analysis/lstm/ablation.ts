/** Ablation: hold chosen cell units at zero at every step and measure what the counter loses. */
import type { CountingSet } from "../../data/counting.ts";
import { type LstmWeights, replayProbabilities } from "../../lstm_replay.ts";
import { createRng, deriveSeed } from "../../seed.ts";
import { mean, standardDeviation } from "./trace_access.ts";

export interface AblationOutcome {
  units: number[];
  accuracy: number;
  /** Baseline accuracy minus this accuracy. */
  drop: number;
}

export interface RandomAblation {
  size: number;
  draws: AblationOutcome[];
  meanAccuracy: number;
  sdAccuracy: number;
  minAccuracy: number;
  maxAccuracy: number;
}

export interface AblationStudy {
  count: number;
  baseline: number;
  counter: AblationOutcome;
  random: RandomAblation;
  /** Every unit alone, by drop descending. */
  perUnit: AblationOutcome[];
  /** The top-k units of `perUnit` together, k = 1 .. cumulativeMax. */
  cumulative: (AblationOutcome & { k: number })[];
}

export interface AblationOptions {
  counterUnits: readonly number[];
  randomDraws?: number;
  cumulativeMax?: number;
  seed?: number;
}

export function accuracyWithAblation(
  weights: LstmWeights,
  set: CountingSet,
  units: readonly number[],
): number {
  const probabilities = replayProbabilities(weights, set, { ablate: units });
  let correct = 0;
  for (let row = 0; row < set.count; row++) {
    if ((probabilities[row] > 0.5 ? 1 : 0) === set.labels[row]) correct++;
  }
  return correct / set.count;
}

export function ablationStudy(
  weights: LstmWeights,
  set: CountingSet,
  options: AblationOptions,
): AblationStudy {
  const baseline = accuracyWithAblation(weights, set, []);
  const outcome = (units: readonly number[]): AblationOutcome => {
    const accuracy = accuracyWithAblation(weights, set, units);
    return { units: [...units], accuracy, drop: baseline - accuracy };
  };
  const size = options.counterUnits.length;
  const rng = createRng(deriveSeed(options.seed ?? 1, "ablation:random"));
  const draws = Array.from(
    { length: options.randomDraws ?? 10 },
    () => outcome(randomUnits(weights.units, size, rng)),
  );
  const accuracies = draws.map((draw) => draw.accuracy);
  const perUnit = Array.from({ length: weights.units }, (_, unit) => outcome([unit]))
    .sort((a, b) => b.drop - a.drop || a.units[0] - b.units[0]);
  const cumulativeMax = Math.min(weights.units, options.cumulativeMax ?? 12);
  const cumulative = Array.from({ length: cumulativeMax }, (_, index) => {
    const units = perUnit.slice(0, index + 1).map((entry) => entry.units[0]);
    return { k: index + 1, ...outcome(units) };
  });
  return {
    count: set.count,
    baseline,
    counter: outcome(options.counterUnits),
    random: {
      size,
      draws,
      meanAccuracy: mean(accuracies),
      sdAccuracy: standardDeviation(accuracies),
      minAccuracy: Math.min(...accuracies),
      maxAccuracy: Math.max(...accuracies),
    },
    perUnit,
    cumulative,
  };
}

function randomUnits(units: number, size: number, rng: ReturnType<typeof createRng>): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(size, units)) chosen.add(rng.int(units));
  return [...chosen].sort((a, b) => a - b);
}
