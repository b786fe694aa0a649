import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type BuildOutcome } from "../../report/build.ts";
import { denoEffects } from "../../report/effects.ts";
import { type BuildReporter, silentReporter } from "../../report/terminal.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

const projectTempDirs = new Set<string>();
globalThis.addEventListener("unload", () => {
  for (const dir of projectTempDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/**
 * A temporary folder inside the project's `.cache/` (chapter processes may read only the project), removed when
 * the test process ends.
 */
export async function projectTempDir(prefix: string): Promise<string> {
  await Deno.mkdir(`${ROOT}/.cache`, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: `${ROOT}/.cache`, prefix });
  projectTempDirs.add(dir);
  return dir;
}

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
