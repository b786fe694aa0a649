import { isAbsolute, relative, resolve } from "node:path";
import { stripAnsi } from "./format.ts";
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

/** `path` as shown to the reader: relative to the project root when inside it, else absolute. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, resolve(root, path));
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? resolve(root, path) : rel;
}

const FILE_ERROR_REASONS: [new (...args: never[]) => Error, string][] = [
  [Deno.errors.PermissionDenied, "permission denied"],
  [Deno.errors.NotCapable, "permission denied"],
  [Deno.errors.NotFound, "not found"],
  [Deno.errors.IsADirectory, "is a directory"],
  [Deno.errors.NotADirectory, "not a directory"],
  [Deno.errors.AlreadyExists, "already exists"],
];

/** The reason of a file-system error in a few words ("permission denied", "is a directory"), without the
 * operation and path Deno appends to its messages. */
export function fileErrorReason(error: unknown): string {
  for (const [kind, reason] of FILE_ERROR_REASONS) if (error instanceof kind) return reason;
  const message = stripAnsi(error instanceof Error ? error.message : String(error)).split("\n")[0];
  const reason = message.replace(/\s*\(os error \d+\)[\s\S]*$/, "");
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

/** Deno's `Reason (os error N): op 'path'` (and `op 'from' -> 'to'`) file-system error messages. */
const OS_ERROR = /^(.*?) \(os error \d+\): (\w+) '([^']*)'(?: -> '([^']*)')?/;
const VERBS: Record<string, string> = {
  open: "open",
  read: "read",
  readfile: "read",
  readdir: "read",
  stat: "read",
  lstat: "read",
  realpath: "read",
  write: "write",
  writefile: "write",
  copy: "write",
  rename: "write",
  mkdir: "create",
  remove: "remove",
};

/** One line for an error nobody expected: `error: …`, file-system errors as `cannot write PATH: reason` with
 * the path shown relative to `root` (a chapter process's scratch files as their folder), the stack only when
 * `debug` is set. */
export function describeUnexpected(error: unknown, root: string, debug: boolean): string {
  const message = stripAnsi(error instanceof Error ? error.message : String(error));
  let line = message.split("\n")[0] || (error instanceof Error ? error.name : "unknown error");
  const os = OS_ERROR.exec(line);
  if (os) {
    const path = displayPath(root, os[4] ?? os[3]).replace(/(^|\/)(\.cache\/run)\/.*$/, "$1$2");
    line = `cannot ${VERBS[os[2]] ?? os[2]} ${path}: ${fileErrorReason(error)}`;
  }
  const stack = debug && error instanceof Error && error.stack ? `\n${stripAnsi(error.stack)}` : "";
  return `error: ${line}${stack}`;
}
