/** Plain-text helpers shared by the terminal, the rendered report and error messages. No imports, so the chapter
 * process can use them too. */

/** A duration for people: "<0.01 s", "0.35 s", "16.0 s", "4 min 18 s". */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "0 s";
  if (seconds < 0.01) return "<0.01 s";
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Text without terminal escape sequences (colours, cursor movement), as Deno writes them in its messages. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}
