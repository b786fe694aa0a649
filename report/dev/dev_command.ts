import { join, resolve } from "node:path";
import type { BuildCommand } from "../cli.ts";
import { denoEffects } from "../effects.ts";
import { runBuild } from "../run_build.ts";
import { type BuildReporter, terminalReporter } from "../terminal.ts";
import { abortableEffects } from "./abortable_effects.ts";
import { closeOnInterrupt } from "./interrupt.ts";
import type { BuildFunction } from "./outcome.ts";
import { startDevServer } from "./server.ts";

export const WATCHED_FOLDERS = ["chapters", "models", "templates"];

/** Builds with the block cache (so only what changed runs) and turns the first problem into an overlay. */
export function devBuild(command: BuildCommand, root: string, reporter?: BuildReporter): BuildFunction {
  return async (_changed, signal) => {
    reporter ??= terminalReporter(denoEffects.terminal, denoEffects.now);
    const effects = abortableEffects(denoEffects, signal);
    const { outcome } = await runBuild({ ...command, pdf: "skip" }, root, effects, reporter, { signal });
    if (outcome.ok) return { ok: true };
    const problem = outcome.problems[0];
    return {
      ok: false,
      failure: {
        message: problem?.message ?? "build failed",
        file: problem?.location?.file,
        line: problem?.location?.line,
        column: problem?.location?.column,
        detail: problem?.detail,
      },
    };
  };
}

export async function runDevServer(command: BuildCommand, root: string): Promise<number> {
  if (command.host !== "127.0.0.1" && command.host !== "localhost") {
    console.warn(`warning: serving on ${command.host}; other machines on the network can read the report`);
  }
  const chaptersDir = resolve(root, command.chaptersDir ?? "chapters");
  const server = startDevServer({
    distDir: join(root, command.outDir ?? "dist"),
    index: command.chapters.length > 0 ? "partial.html" : "report.html",
    watch: [
      chaptersDir,
      ...WATCHED_FOLDERS.filter((folder) => folder !== "chapters").map((f) => join(root, f)),
    ],
    build: devBuild(command, root),
    hostname: command.host,
    port: command.port,
  });
  await closeOnInterrupt(server);
  return 0;
}
