import { fileURLToPath } from "node:url";
import { parseCommandLine, USAGE } from "./report/cli.ts";
import { denoEffects, type Effects } from "./report/effects.ts";
import { describeUnexpected } from "./report/errors.ts";
import { runBuild } from "./report/run_build.ts";
import { describePdfStep } from "./report/pdf/report_pdf.ts";
import { terminalReporter } from "./report/terminal.ts";

const ROOT = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");

export async function main(args: string[], effects: Effects = denoEffects): Promise<number> {
  if (args[0] === "diff" || args[0] === "verify") {
    const { runDiff, runVerify } = await import("./report/diff/command.ts");
    return args[0] === "diff"
      ? await runDiff(args.slice(1), Deno.cwd())
      : await runVerify(args.slice(1), ROOT, effects);
  }
  const command = parseCommandLine(args);
  if (command.command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command.command === "invalid") {
    console.error(`error: ${command.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.command === "dev") {
    const { runDevServer } = await import("./report/dev/dev_command.ts");
    return await runDevServer(command, ROOT);
  }
  const reporter = terminalReporter(effects.terminal, effects.now);
  const { outcome, pdf, pdfSeconds } = await runBuild(command, ROOT, effects, reporter);
  if (!outcome.ok) {
    const count = outcome.problems.length;
    reporter.problem(
      `build failed: ${count} problem${count === 1 ? "" : "s"}` +
        (outcome.outputPath
          ? ` (report with error boxes: ${outcome.outputPath})`
          : "; the last good report was kept"),
    );
    return 1;
  }
  if (!pdf) return 0;
  const { line, problem } = describePdfStep(pdf, pdfSeconds ?? 0, command.pdf === "required");
  (problem ? reporter.problem : reporter.info)(line);
  return problem ? 1 : 0;
}

/** `main` that never throws: anything unexpected is one `error: …` line on stderr (its stack too when
 * `REPORT_DEBUG=1`) and exit code 1. */
export async function runCommandLine(
  args: string[],
  effects: Effects = denoEffects,
  debug = Deno.env.get("REPORT_DEBUG") === "1",
): Promise<number> {
  try {
    return await main(args, effects);
  } catch (error) {
    effects.terminal.error(`${describeUnexpected(error, ROOT, debug)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const debug = Deno.env.get("REPORT_DEBUG") === "1";
  const fatal = (error: unknown) => {
    denoEffects.terminal.error(`${describeUnexpected(error, ROOT, debug)}\n`);
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    fatal(event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    fatal(event.error);
  });
  Deno.exit(await runCommandLine(Deno.args, denoEffects, debug));
}
