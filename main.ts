import { fileURLToPath } from "node:url";
import { build } from "./report/build.ts";
import { parseCommandLine, USAGE } from "./report/cli.ts";
import { denoEffects } from "./report/effects.ts";
import { terminalReporter } from "./report/terminal.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");

async function main(args: string[]): Promise<number> {
  const command = parseCommandLine(args);
  if (command.command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command.command === "invalid") {
    console.error(`error: ${command.message}\n\n${USAGE}`);
    return 2;
  }
  const reporter = terminalReporter(denoEffects.terminal, denoEffects.now);
  const outcome = await build(
    {
      root: ROOT,
      chaptersDir: command.chaptersDir ?? "chapters",
      outDir: command.outDir ?? "dist",
      cacheDir: ".cache",
      templateDir: "templates",
      select: command.chapters,
      keepGoing: command.keepGoing,
      fresh: command.fresh,
      params: command.params,
    },
    denoEffects,
    reporter,
  );
  if (!outcome.ok) {
    const count = outcome.problems.length;
    reporter.problem(
      `build failed: ${count} problem${count === 1 ? "" : "s"}` +
        (outcome.outputPath
          ? ` (report with error boxes: ${outcome.outputPath})`
          : "; the last good report was kept"),
    );
  }
  return outcome.ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
