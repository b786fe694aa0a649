/** Where and why a build failed; `file` is relative to the project root, `line` 1-based in that file. */
export interface BuildFailure {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  detail?: string;
}

export type BuildOutcome = { ok: true; summary?: string } | { ok: false; failure: BuildFailure };

/** Rebuilds after `changed` files (absolute paths; empty on the first build). Must stop children on abort. */
export type BuildFunction = (changed: string[], signal: AbortSignal) => Promise<BuildOutcome>;

export function failureLocation(failure: BuildFailure): string | undefined {
  if (!failure.file) return undefined;
  if (failure.line === undefined) return failure.file;
  return failure.column === undefined
    ? `${failure.file}:${failure.line}`
    : `${failure.file}:${failure.line}:${failure.column}`;
}

export function failureFromError(error: unknown): BuildFailure {
  if (error && typeof error === "object" && "failure" in error) {
    return (error as { failure: BuildFailure }).failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message, detail: error instanceof Error ? error.stack : undefined };
}
