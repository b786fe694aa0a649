import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type BuildOutcome } from "../../report/build.ts";
import { denoEffects } from "../../report/effects.ts";
import { type BuildReporter, silentReporter } from "../../report/terminal.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** Builds the chapters of `tests/fixtures/<name>` into a fresh temporary directory. */
export async function buildFixture(
  name: string,
  options: Partial<BuildOptions> = {},
  reporter: BuildReporter = silentReporter,
): Promise<BuildOutcome & { outDir: string }> {
  const outDir = options.outDir ?? await Deno.makeTempDir({ prefix: "report-test-" });
  const outcome = await build(
    {
      root: ROOT,
      chaptersDir: `tests/fixtures/${name}`,
      outDir,
      cacheDir: ".cache",
      templateDir: "templates",
      select: [],
      keepGoing: false,
      fresh: false,
      params: { profile: "quick" },
      ...options,
    },
    denoEffects,
    reporter,
  );
  return { ...outcome, outDir };
}
