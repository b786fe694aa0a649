import type { SourceLocation } from "./types.ts";

/** An error in the report's sources, located in a project file. */
export class ReportError extends Error {
  constructor(message: string, readonly location: SourceLocation, readonly detail?: string) {
    super(message);
    this.name = "ReportError";
  }
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
