/** Which cell units count: correlation of every unit's state with the running count difference (#1 − #0)
 * over all rows and steps of a trace, and what the gates of the best unit do with each input bit. */
import type { LstmTrace, TraceQuantity } from "../../lstm_replay.ts";
import { createRng } from "../../seed.ts";
import { linearFit, mean, runningDifferences, unitSeries } from "./trace_access.ts";

export interface UnitCorrelation {
  unit: number;
  r: number;
  /** Change of the unit's state per unit of count difference. */
  slope: number;
  intercept: number;
}

export interface CounterAnalysis {
  quantity: TraceQuantity;
  /** (row, step) pairs correlated. */
  samples: number;
  /** Every unit, by |r| descending. */
  ranked: UnitCorrelation[];
  /** The unit whose state rises most faithfully with the count: the largest positive r. Units with r < 0 hold
   * the same count mirrored; following one that counts up lets every reading say "up" for more 1s. */
  best: UnitCorrelation;
  /** Units with |r| above `threshold`. */
  strong: number[];
  threshold: number;
}

export interface GateMeans {
  inputGate: number;
  forgetGate: number;
  outputGate: number;
  candidate: number;
  /** Mean of inputGate × candidate: what one step writes into the cell. */
  written: number;
}

export interface UnitGateBehaviour {
  unit: number;
  whenZero: GateMeans;
  whenOne: GateMeans;
}

export interface CountPoint {
  difference: number;
  value: number;
  step: number;
}

export function counterUnits(
  trace: LstmTrace,
  options: { quantity?: TraceQuantity; threshold?: number } = {},
): CounterAnalysis {
  const quantity = options.quantity ?? "cell";
  const threshold = options.threshold ?? 0.9;
  const differences = runningDifferences(trace);
  const ranked = Array.from({ length: trace.units }, (_, unit) => ({
    unit,
    ...linearFit(differences, unitSeries(trace, quantity, unit)),
  })).sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.unit - b.unit);
  return {
    quantity,
    samples: differences.length,
    ranked,
    best: ranked.reduce((most, unit) => (unit.r > most.r ? unit : most)),
    strong: ranked.filter((unit) => Math.abs(unit.r) > threshold).map((unit) => unit.unit),
    threshold,
  };
}

/** Mean gates of one unit, split by the input bit of the step. */
export function unitGateBehaviour(trace: LstmTrace, unit: number): UnitGateBehaviour {
  const split = (bit: number): GateMeans => {
    const picks: number[] = [];
    for (let at = 0; at < trace.count * trace.length; at++) {
      if ((trace.inputs[at] > 0.5 ? 1 : 0) === bit) picks.push(at * trace.units + unit);
    }
    const over = (values: Float32Array) => mean(picks.map((index) => values[index]));
    return {
      inputGate: over(trace.inputGate),
      forgetGate: over(trace.forgetGate),
      outputGate: over(trace.outputGate),
      candidate: over(trace.candidate),
      written: mean(picks.map((index) => trace.inputGate[index] * trace.candidate[index])),
    };
  };
  return { unit, whenZero: split(0), whenOne: split(1) };
}

/** A seeded sample of (running difference, unit state) points for a scatter plot. */
export function countScatter(
  trace: LstmTrace,
  unit: number,
  options: { quantity?: TraceQuantity; maxPoints?: number; seed?: number } = {},
): CountPoint[] {
  const values = unitSeries(trace, options.quantity ?? "cell", unit);
  const differences = runningDifferences(trace);
  const total = values.length;
  const maxPoints = Math.min(total, options.maxPoints ?? 1500);
  const rng = createRng(options.seed ?? 1);
  const chosen = new Set<number>();
  while (chosen.size < maxPoints) chosen.add(rng.int(total));
  return [...chosen].sort((a, b) => a - b).map((at) => ({
    difference: differences[at],
    value: values[at],
    step: (at % trace.length) + 1,
  }));
}
