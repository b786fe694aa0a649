/** Number formatting for Part 2 prose. */

/** 0.98765 → "98.77%". */
export function percent(share: number, digits = 2): string {
  return `${(100 * share).toFixed(digits)}%`;
}

/** 1048576 → "1,048,576". */
export function int(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** 3 → "+3", −2 → "−2". */
export function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : "0";
}

export function fixed(value: number, digits = 3): string {
  return value.toFixed(digits).replace(/^-/, "−");
}

/** "1 error" / "3 errors". */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${int(count)} ${count === 1 ? noun : many}`;
}

/** [3, 5, 9] → "3, 5 and 9". */
export function list(items: readonly (string | number)[]): string {
  if (items.length <= 1) return items.map(String).join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Probability with enough digits to show how far from 0 or 1 it is: 0.731, 2.1×10⁻⁸, 1 − 6.0×10⁻⁸. */
export function probability(value: number): string {
  if (value > 0.001 && value < 0.999) return value.toFixed(3);
  if (value === 1) return "1 (float32)";
  return value < 0.5 ? scientific(value) : `1 − ${scientific(1 - value)}`;
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
  const power = String(Number(exponent)).replace(/./g, (ch) => SUPERSCRIPT[ch] ?? ch);
  return `${mantissa}×10${power}`;
}
