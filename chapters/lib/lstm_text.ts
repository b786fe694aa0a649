/** Number formatting for Part 2 prose: the shared helpers plus probabilities near 0 or 1. */
import { scientific } from "./text.ts";

export {
  fixed,
  fixedRange,
  int,
  list,
  percent,
  percentAtLeast,
  plural,
  power,
  scientific,
  signed,
} from "./text.ts";

/** Probability with enough digits to show how far from 0 or 1 it is: 0.731, 2.1×10⁻⁸, 1 − 6.0×10⁻⁸. */
export function probability(value: number): string {
  if (value > 0.001 && value < 0.999) return value.toFixed(3);
  if (value === 1) return "1 (float32)";
  return value < 0.5 ? scientific(value) : `1 − ${scientific(1 - value)}`;
}
