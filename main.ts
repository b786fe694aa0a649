import { fileURLToPath } from "node:url";
import { parseCommandLine, USAGE } from "./report/cli.ts";
import { denoEffects } from "./report/effects.ts";
import { runBuild } from "./report/run_build.ts";
import { formatDuration, terminalReporter } from "./report/terminal.ts";

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
  if (command.command === "dev") {
    const { runDevServer } = await import("./report/dev/dev_command.ts");
    return await runDevServer(command, ROOT);
  }
  const reporter = terminalReporter(denoEffects.terminal, denoEffects.now);
  const { outcome, pdf, pdfSeconds } = await runBuild(command, ROOT, denoEffects, reporter);
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
  if (pdf?.status === "printed") {
    reporter.info(`PDF written to ${pdf.result.pdfPath} in ${formatDuration(pdfSeconds ?? 0)}`);
  } else if (pdf?.status === "unchanged") {
    reporter.info(`PDF unchanged: ${pdf.pdfPath}`);
  } else if (pdf?.status === "no-chromium" || pdf?.status === "failed") {
    const required = command.pdf === "required";
    (required ? reporter.problem : reporter.info)(
      pdf.status === "no-chromium" ? pdf.message : `PDF not written: ${pdf.message}`,
    );
    if (required) return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
