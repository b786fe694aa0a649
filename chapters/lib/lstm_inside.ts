/** Figure data of chapter 21 ("Inside the LSTM, step by step"): what its folded blocks would otherwise build
 * inline. Plain data out of a replayed trace; no wording beyond the series names the caller gives. */
import type { LstmTrace } from "../../models/lstm_replay.ts";
import { labelForOnes } from "../../models/data/counting.ts";

/** Counts of a 0/1 sequence: ones, zeros, their difference and the label the task gives it. */
export function sequenceCounts(bits: readonly number[]) {
  const ones = bits.filter((bit) => bit === 1).length;
  return {
    ones,
    zeros: bits.length - ones,
    difference: 2 * ones - bits.length,
    label: labelForOnes(ones, bits.length),
  };
}

export interface TrajectoryInput {
  trace: LstmTrace;
  /** The replayed sequences, in the trace's row order, with the names their series take. */
  sequences: { bits: readonly number[]; name: string }[];
  units: readonly number[];
  /** The counter unit's straight-line reading of the running count. */
  reading: { intercept: number; slope: number };
}

/** The cell state of `units` along each sequence, and the line reading of the running count beside it. */
export function cellTrajectories({ trace, sequences, units, reading }: TrajectoryInput) {
  const series = sequences.flatMap(({ bits, name }, row) =>
    units.flatMap((unit) =>
      bits.map((_, step) => ({
        sequence: name,
        step: step + 1,
        unit: `unit ${unit}`,
        value: trace.cell[(row * bits.length + step) * trace.units + unit],
      }))
    )
  );
  const prediction = sequences.flatMap(({ bits, name }) => {
    let running = 0;
    return bits.map((bit, step) => ({
      sequence: name,
      step: step + 1,
      value: reading.intercept + reading.slope * (running += bit ? 1 : -1),
    }));
  });
  return { series, prediction };
}
