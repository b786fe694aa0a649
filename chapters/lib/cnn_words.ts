/** Small counts spelled out for prose ("nine digits"); larger ones stay numerals. */
const words = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
];

/** 9 → "nine", 13 → "13". */
export function spelledOut(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < words.length ? words[n] : String(n);
}
