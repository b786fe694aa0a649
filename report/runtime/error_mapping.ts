import { fileURLToPath, pathToFileURL } from "node:url";
import { type LineMapping, mapPosition } from "../scope/line_mapping.ts";
import type { SerializedError, SourceLocation } from "../types.ts";

const FRAME_URL = /(file:\/\/[^\s()]+?):(\d+):(\d+)/g;

export interface ErrorContext {
  root: string;
  mappings: readonly LineMapping[];
  /** Files whose frames are noise in a chapter's stack (the runtime itself). */
  hiddenFiles: readonly string[];
}

/** Location of a `file://` URL position: a chapter line when it is a generated module, else a project path. */
export function mapUrlPosition(
  context: ErrorContext,
  url: string,
  line: number,
  column: number,
): { location: SourceLocation; inChapter: boolean } | undefined {
  const mapping = context.mappings.find((candidate) => candidate.moduleUrl === url);
  if (mapping) return { location: mapPosition(mapping, line, column), inChapter: true };
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return undefined;
  }
  const root = context.root.endsWith("/") ? context.root : `${context.root}/`;
  const file = path.startsWith(root) ? path.slice(root.length) : path;
  return { location: { file, line, column }, inChapter: false };
}

function rewriteUrls(context: ErrorContext, text: string): string {
  const positions = text.replace(FRAME_URL, (whole, url: string, line: string, column: string) => {
    const mapped = mapUrlPosition(context, url, Number(line), Number(column));
    if (!mapped) return whole;
    const { file, line: l, column: c } = mapped.location;
    return `${file}:${l}:${c}`;
  });
  const rootUrl = pathToFileURL(context.root.endsWith("/") ? context.root : `${context.root}/`).href;
  return positions.replaceAll(rootUrl, "");
}

function firstChapterLocation(context: ErrorContext, text: string): SourceLocation | undefined {
  for (const match of text.matchAll(FRAME_URL)) {
    const mapped = mapUrlPosition(context, match[1], Number(match[2]), Number(match[3]));
    if (mapped?.inChapter) return mapped.location;
  }
  return undefined;
}

const DENO_SYNTAX = /^SyntaxError: ([^\n]*)/;

function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Turns anything thrown into plain data, with generated-module positions mapped to the chapter's lines. */
export function serializeError(thrown: unknown, context: ErrorContext): SerializedError {
  if (!(thrown instanceof Error)) {
    return { name: "Error", message: `Uncaught ${describe(thrown)}`, stack: "" };
  }
  const message = stripAnsi(thrown.message);
  const syntax = DENO_SYNTAX.exec(message);
  if (syntax) {
    const location = firstChapterLocation(context, message);
    return { name: "SyntaxError", message: syntax[1], stack: "", location };
  }
  const frames = stripAnsi(thrown.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const visible = frames.filter((frame) =>
    !frame.includes("ext:") && !context.hiddenFiles.some((file) => frame.includes(file))
  );
  const stackText = visible.join("\n");
  const cause = thrown.cause === undefined ? "" : `\nCaused by: ${describeCause(thrown.cause)}`;
  return {
    name: thrown.name,
    message: rewriteUrls(context, message) + cause,
    stack: rewriteUrls(context, stackText).replace(/^\s+/gm, "    ").replaceAll("Module.default", "<block>"),
    location: firstChapterLocation(context, stackText) ?? firstChapterLocation(context, message),
  };
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : describe(cause);
}

function describe(value: unknown): string {
  try {
    return typeof value === "string"
      ? JSON.stringify(value)
      : Deno.inspect(value, { depth: 2, colors: false });
  } catch {
    return String(value);
  }
}
