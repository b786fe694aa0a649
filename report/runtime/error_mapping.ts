import { fileURLToPath, pathToFileURL } from "node:url";
import { stripAnsi } from "../format.ts";
import { type LineMapping, mapPosition } from "../scope/line_mapping.ts";
import type { SerializedError, SourceLocation } from "../types.ts";
import { undeclaredImportMessage } from "../scope/dependencies.ts";

/** Re-exported for `execute/executor.ts`; its home is `report/format.ts`. */

const FRAME_URL = /(file:\/\/[^\s()]+?):(\d+):(\d+)/g;

export interface ErrorContext {
  root: string;
  mappings: readonly LineMapping[];
  /** Files (or folders, ending in `/`) whose frames are noise in a chapter's stack (the engine itself). */
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

/** Positions in generated modules become chapter lines; project URLs become relative paths. */
export function rewriteUrls(context: ErrorContext, text: string): string {
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

/** What a permission error means for chapter code (see README, "What a chapter can and cannot do"). */
function explainPermission(message: string): string {
  const env = /Requires env access to "([^"]+)"/.exec(message);
  if (env) {
    return `environment variable "${env[1]}" is not declared: list it in the chapter's front matter ` +
      `(env: [${env[1]}]) to read it`;
  }
  if (/Requires env access/.test(message)) {
    return "a chapter reads only the environment variables it declares (env: in its front matter)";
  }
  const net = /Requires net access to "([^"]+)"/.exec(message);
  if (net) return `a chapter has no network access (tried ${net[1]})`;
  const write = /Requires write access to "([^"]+)"/.exec(message);
  if (write) {
    return `a chapter may write only to the stored-computation area (.cache/computed/); tried to write ${
      write[1]
    }`;
  }
  if (/Requires (run|ffi|sys) access/.test(message)) {
    return `a chapter cannot start programs, load native code or query the system (${message.split(",")[0]})`;
  }
  return message;
}

/** Deno's words for a module it may not fetch, said as the chapter's mistake. */
function explainLoading(message: string): string {
  const npm = /npm package not found in cache: "([^"]+)"/.exec(message);
  if (npm) return `${undeclaredImportMessage(`npm:${npm[1]}`)}${atPosition(message)}`;
  const remote = /(?:remote|Remote)[^\n]*"((?:https?|jsr):[^"]+)"/.exec(message) ??
    /"((?:https?|jsr):[^"]+)"[^\n]*(?:--no-remote|--cached-only)/.exec(message);
  if (remote) return `${undeclaredImportMessage(remote[1])}${atPosition(message)}`;
  return message;
}

/** The `at file://…:line:col` part of a module-loading error, kept so the position can be mapped. */
function atPosition(message: string): string {
  const at = /\n\s+at (file:\/\/\S+:\d+:\d+)/.exec(message);
  return at ? `\n    at ${at[1]}` : "";
}

/** Turns anything thrown into plain data, with generated-module positions mapped to the chapter's lines. */
export function serializeError(thrown: unknown, context: ErrorContext): SerializedError {
  if (!(thrown instanceof Error)) {
    return { name: "Error", message: `Uncaught ${describe(thrown)}`, stack: "" };
  }
  const message = explainLoading(
    thrown.name === "NotCapable" ? explainPermission(stripAnsi(thrown.message)) : stripAnsi(thrown.message),
  );
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
