/** The errors the build gives a block or inline expression whose chapter process stopped under it. */
import type { Chapter, SerializedError } from "../types.ts";

export type Stop =
  | { kind: "block-timeout" }
  | { kind: "inline-timeout"; seconds: number }
  | { kind: "exit"; code: number; signal: string | null; stderr: string };

function exitText(stop: Extract<Stop, { kind: "exit" }>): string {
  return `the chapter process exited with code ${stop.code}${stop.signal ? ` (${stop.signal})` : ""}`;
}

export function blockStopError(chapter: Chapter, index: number, stop: Stop): SerializedError {
  const block = chapter.blocks[index];
  const message = stop.kind === "block-timeout"
    ? `block ran ${block.options.timeout} s without finishing or reporting progress (set it with //| timeout: SECONDS)`
    : stop.kind === "exit"
    ? `${exitText(stop)}${stop.stderr ? `\n${stop.stderr}` : ""}`
    : "the chapter process stopped";
  return {
    name: stop.kind === "block-timeout" ? "TimeoutError" : "ProcessError",
    message,
    stack: "",
    location: { file: chapter.path, line: block.fenceLine, column: 1 },
  };
}

export function inlineStopError(
  chapter: Chapter,
  index: number,
  stopped: number,
  stop: Stop,
): SerializedError {
  const inline = chapter.inlines[index];
  const message = index !== stopped
    ? "not evaluated: an earlier inline expression stopped the chapter process"
    : stop.kind === "inline-timeout"
    ? `inline expression did not finish within ${stop.seconds} s`
    : stop.kind === "exit"
    ? `${exitText(stop)} while evaluating this expression${stop.stderr ? `\n${stop.stderr}` : ""}`
    : "the chapter process stopped";
  return {
    name: index !== stopped
      ? "NotEvaluated"
      : stop.kind === "inline-timeout"
      ? "TimeoutError"
      : "ProcessError",
    message,
    stack: "",
    location: inline.location,
  };
}
