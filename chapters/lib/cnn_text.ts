/** Number formatting for Part 1 prose and tables: the shared helpers under their Part 1 names and digits. */
import { fixed, percent, percentAtLeast, plural } from "./text.ts";

export { int, list } from "./text.ts";

/** 0.9734 → "97.3%"; a share below 1 never prints as "100.0%". */
export function pct(share: number, digits = 1): string {
  return percent(share, digits);
}

/** Fixed decimals with a typographic minus. */
export function num(value: number, digits = 2): string {
  return fixed(value, digits);
}

/** "1 channel" / "3 channels". */
export function count(n: number, noun: string, many = `${noun}s`): string {
  return plural(n, noun, many);
}

/** Like `pct`, but rounded down, for "at least" statements: 0.99999 → "99.99%". */
export function pctAtLeast(share: number, digits = 1): string {
  return percentAtLeast(share, digits);
}
