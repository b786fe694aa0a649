import { codeFrame } from "./code_frame.ts";
import { formatLocation, ReportError } from "./errors.ts";
import type { SerializedError, SourceLocation } from "./types.ts";

/** Something that makes a build fail, located in a project file when possible. */
export interface Problem {
  message: string;
  location?: SourceLocation;
  /** Extra lines: stack, process output. */
  detail?: string;
}

export function problemFromError(error: unknown): Problem {
  if (error instanceof ReportError) {
    return { message: error.message, location: error.location, detail: error.detail };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function problemFromSerialized(error: SerializedError, fallback: SourceLocation): Problem {
  return {
    message: `${error.name}: ${error.message}`,
    location: error.location ?? fallback,
    detail: error.stack || undefined,
  };
}

/** `file:line:col: message`, a code frame from the file, then the detail. */
export function formatProblem(problem: Problem, source: (file: string) => string | undefined): string {
  const parts: string[] = [];
  const [first, ...rest] = problem.message.split("\n");
  parts.push(problem.location ? `error: ${formatLocation(problem.location)}: ${first}` : `error: ${first}`);
  if (rest.length > 0) parts.push(rest.join("\n"));
  const text = problem.location ? source(problem.location.file) : undefined;
  if (problem.location && text) parts.push(codeFrame(text, problem.location.line, problem.location.column));
  if (problem.detail) parts.push(problem.detail);
  return parts.join("\n");
}
