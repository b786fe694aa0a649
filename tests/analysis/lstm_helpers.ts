import { trainedLSTMCounter } from "../../models/lstm.ts";
import { emptyTrace, type LstmTrace } from "../../models/lstm_replay.ts";
import type { LayersModel } from "../../models/tf.ts";
import { createRng } from "../../models/seed.ts";

/** A made-up trace whose unit `counter` holds `slope` × running count (plus small noise), whose other units
 * are noise, and whose gates are set per unit: unit 0's forget gate is always 0.95. */
export function syntheticTrace(
  options: { count: number; length: number; units: number; counter: number; slope: number },
): LstmTrace {
  const { count, length, units, counter, slope } = options;
  const rng = createRng(11);
  const trace = emptyTrace(count, length, units);
  for (let row = 0; row < count; row++) {
    let difference = 0;
    for (let step = 0; step < length; step++) {
      const bit = rng.next() < 0.5 ? 1 : 0;
      const at = row * length + step;
      trace.inputs[at] = bit;
      difference += bit ? 1 : -1;
      for (let unit = 0; unit < units; unit++) {
        const index = at * units + unit;
        const cell = unit === counter ? slope * difference + 0.01 * (rng.next() - 0.5) : rng.next() - 0.5;
        trace.cell[index] = cell;
        trace.hidden[index] = Math.tanh(cell);
        trace.inputGate[index] = unit === counter ? (bit ? 0.97 : 0.03) : rng.next();
        trace.forgetGate[index] = unit === 0 ? 0.95 : rng.next();
        trace.outputGate[index] = 0.5;
        trace.candidate[index] = bit ? 1 : -1;
      }
    }
  }
  return trace;
}

/** Runs `use` on the quick LSTMCounter trained into a fresh temporary store, which is removed afterwards. */
export async function withQuickCounter<T>(
  use: (stored: Awaited<ReturnType<typeof trainedLSTMCounter>>) => Promise<T> | T,
): Promise<T> {
  const storeDir = await Deno.makeTempDir({ prefix: "lstm-store-" });
  let model: LayersModel | undefined;
  try {
    const stored = await trainedLSTMCounter({ profile: "quick", storeDir });
    model = stored.model;
    return await use(stored);
  } finally {
    model?.dispose();
    await Deno.remove(storeDir, { recursive: true });
  }
}
