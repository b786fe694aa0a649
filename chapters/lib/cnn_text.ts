/** Number formatting for Part 1 prose and tables. */

/** 0.9734 → "97.3%". */
export function pct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** Fixed decimals. */
export function num(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** Thousands separators. */
export function int(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** ["a", "b", "c"] → "a, b and c". */
export function list(items: readonly (string | number)[]): string {
  const parts = items.map(String);
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "1 channel" / "3 channels". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** Like `pct`, but rounded down, for "at least" statements: 0.99999 → "99.99%". */
export function pctAtLeast(share: number, digits = 1): string {
  const scale = 10 ** digits;
  return `${(Math.floor(share * 100 * scale) / scale).toFixed(digits)}%`;
}
