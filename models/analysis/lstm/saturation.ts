/** Gate saturation (after Karpathy et al., 2015): how often each gate is nearly shut (< 0.1) or nearly open
 * (> 0.9), per unit and overall, and how the input gate depends on the input bit. */
import type { LstmTrace } from "../../lstm_replay.ts";

export type GateName = "inputGate" | "forgetGate" | "outputGate";

export interface GateFractions {
  /** Share of steps below `low`. */
  shut: number;
  /** Share of steps above `high`. */
  open: number;
  mean: number;
}

export interface UnitSaturation {
  unit: number;
  inputGate: GateFractions;
  forgetGate: GateFractions;
  outputGate: GateFractions;
  /** Mean input gate on steps whose input is 0, and on steps whose input is 1. */
  inputGateWhenZero: number;
  inputGateWhenOne: number;
}

export interface SaturationSummary {
  low: number;
  high: number;
  perUnit: UnitSaturation[];
  overall: Record<GateName, GateFractions>;
  /** Units whose gate is shut or open on more than half of the steps. */
  mostlySaturated: Record<GateName, number>;
}

export function gateSaturation(
  trace: LstmTrace,
  options: { low?: number; high?: number } = {},
): SaturationSummary {
  const low = options.low ?? 0.1;
  const high = options.high ?? 0.9;
  const steps = trace.count * trace.length;
  const perUnit: UnitSaturation[] = [];
  for (let unit = 0; unit < trace.units; unit++) {
    const fractions = (gate: GateName): GateFractions => {
      const values = trace[gate];
      let shut = 0;
      let open = 0;
      let sum = 0;
      for (let at = 0; at < steps; at++) {
        const value = values[at * trace.units + unit];
        if (value < low) shut++;
        if (value > high) open++;
        sum += value;
      }
      return { shut: shut / steps, open: open / steps, mean: sum / steps };
    };
    const byBit = [0, 0];
    const counts = [0, 0];
    for (let at = 0; at < steps; at++) {
      const bit = trace.inputs[at] > 0.5 ? 1 : 0;
      byBit[bit] += trace.inputGate[at * trace.units + unit];
      counts[bit]++;
    }
    perUnit.push({
      unit,
      inputGate: fractions("inputGate"),
      forgetGate: fractions("forgetGate"),
      outputGate: fractions("outputGate"),
      inputGateWhenZero: byBit[0] / Math.max(1, counts[0]),
      inputGateWhenOne: byBit[1] / Math.max(1, counts[1]),
    });
  }
  const average = (gate: GateName): GateFractions => ({
    shut: perUnit.reduce((sum, unit) => sum + unit[gate].shut, 0) / trace.units,
    open: perUnit.reduce((sum, unit) => sum + unit[gate].open, 0) / trace.units,
    mean: perUnit.reduce((sum, unit) => sum + unit[gate].mean, 0) / trace.units,
  });
  const saturated = (gate: GateName) =>
    perUnit.filter((unit) => unit[gate].shut + unit[gate].open > 0.5).length;
  return {
    low,
    high,
    perUnit,
    overall: {
      inputGate: average("inputGate"),
      forgetGate: average("forgetGate"),
      outputGate: average("outputGate"),
    },
    mostlySaturated: {
      inputGate: saturated("inputGate"),
      forgetGate: saturated("forgetGate"),
      outputGate: saturated("outputGate"),
    },
  };
}
