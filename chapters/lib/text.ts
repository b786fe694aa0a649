/** Number and list formatting shared by the prose and tables of every part. */

const MINUS = "−";

function withMinus(text: string): string {
  return text.replace(/^-/, MINUS);
}

/** 0.98765 → "98.77%". Rounds to the nearest, except that a share strictly between 0 and 1 never prints as
 * "0%" or "100%": 0.99999 → "99.99%", 0.00001 → "0.01%". */
export function percent(share: number, digits = 2): string {
  const scale = 10 ** digits;
  const hundredths = share * 100 * scale;
  let rounded = Math.round(hundredths);
  if (share < 1 && rounded >= 100 * scale) rounded = Math.floor(hundredths);
  if (share > 0 && rounded <= 0) rounded = Math.ceil(hundredths);
  return `${withMinus((rounded / scale).toFixed(digits))}%`;
}

/** Rounded down, for "at least" statements: 0.99999 → "99.99%". */
export function percentAtLeast(share: number, digits = 2): string {
  const scale = 10 ** digits;
  return `${withMinus((Math.floor(share * 100 * scale) / scale).toFixed(digits))}%`;
}

/** 1048576 → "1,048,576". */
export function int(value: number): string {
  return withMinus(Math.round(value).toLocaleString("en-US"));
}

/** Fixed decimals with a typographic minus: −0.125 → "−0.125"; no minus on a value that rounds to zero. */
export function fixed(value: number, digits = 3): string {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? text.replace(/^-/, "") : withMinus(text);
}

/** 3 → "+3", −2 → "−2", 0 → "0"; `digits` for non-integers: 0.25 → "+0.25". */
export function signed(value: number, digits?: number): string {
  const magnitude = digits === undefined ? String(Math.abs(value)) : Math.abs(value).toFixed(digits);
  if (Number(magnitude) === 0) return digits === undefined ? "0" : magnitude;
  return `${value > 0 ? "+" : MINUS}${magnitude}`;
}

/** "1 error" / "3 errors" / "1,024 errors". */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${int(count)} ${count === 1 ? noun : many}`;
}

/** [3, 5, 9] → "3, 5 and 9". */
export function list(items: readonly (string | number)[]): string {
  const parts = items.map(String);
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** 0.0000123 → "1.2×10⁻⁵"; 0 → "0". */
export function scientific(value: number, digits = 1): string {
  if (value === 0) return "0";
  const [mantissa, exponent] = value.toExponential(digits).split("e");
  return `${withMinus(mantissa)}×${power(10, Number(exponent))}`;
}

/** A bootstrap interval of shares: { low: 0.9601, high: 0.9749 } → "96.0–97.5%". */
export function percentRange(interval: { low: number; high: number }, digits = 1): string {
  return `${percent(interval.low, digits).slice(0, -1)}–${percent(interval.high, digits)}`;
}

/** An interval of differences with signs: { low: 0.031, high: 0.044 } → "+0.03 to +0.04". */
export function signedRange(interval: { low: number; high: number }, digits = 2): string {
  return `${signed(interval.low, digits)} to ${signed(interval.high, digits)}`;
}

/** An interval of differences between shares, in signed percentage points: "+2.2 to +3.8". */
export function pointsRange(interval: { low: number; high: number }, digits = 1): string {
  return signedRange({ low: interval.low * 100, high: interval.high * 100 }, digits);
}

/** A power in superscript notation: (2, 20) → "2²⁰". */
export function power(base: number, exponent: number): string {
  return `${base}${String(exponent).replace(/./g, (ch) => SUPERSCRIPT[ch] ?? ch)}`;
}

/** An interval of plain numbers with fixed decimals: { low: 0.99961, high: 0.99978 } → "0.9996–0.9998";
 * "−0.004 to 0.026" when it starts below zero, where a dash would read as a minus. */
export function fixedRange(interval: { low: number; high: number }, digits = 3): string {
  const low = fixed(interval.low, digits);
  return `${low}${low.startsWith(MINUS) ? " to " : "–"}${fixed(interval.high, digits)}`;
}
