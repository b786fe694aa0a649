import type { ConsoleStream } from "../types.ts";

export type ConsoleSink = (stream: ConsoleStream, text: string) => void;

function formatArguments(args: unknown[]): string {
  return args.map((arg) =>
    typeof arg === "string" ? arg : Deno.inspect(arg, { colors: false, depth: 4, iterableLimit: 50 })
  ).join(" ");
}

const STREAMS: Record<string, ConsoleStream> = {
  log: "log",
  info: "info",
  debug: "debug",
  warn: "warn",
  error: "error",
  trace: "error",
  dir: "log",
};

/** Routes console output to `sink`, one call per console call, each stream kept apart. */
export function captureConsole(sink: ConsoleSink): void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const [method, stream] of Object.entries(STREAMS)) {
    target[method] = (...args: unknown[]) => sink(stream, formatArguments(args));
  }
  target.table = (data: unknown) => sink("log", formatArguments([data]));
}
