/** Throwaway chapter directories inside the project, built through the real command-line pipeline. */
import { join, relative } from "node:path";
import { type BuildCommand, parseCommandLine } from "../../report/cli.ts";
import { denoEffects } from "../../report/effects.ts";
import { formatLocation } from "../../report/errors.ts";
import { runBuild } from "../../report/run_build.ts";
import { silentReporter } from "../../report/terminal.ts";
import { projectTempDir, ROOT } from "./helpers.ts";

export interface Scratch {
  dir: string;
  chapters: string;
  cacheDir: string;
  outDir: string;
}

/** A throwaway chapter directory inside the project (chapter processes read only the project). */
export async function scratch(chapters: Record<string, string>): Promise<Scratch> {
  const dir = await projectTempDir("sandbox-");
  const project = {
    dir,
    chapters: join(dir, "chapters"),
    cacheDir: join(dir, "cache"),
    outDir: join(dir, "dist"),
  };
  await write(project, chapters);
  return project;
}

export async function write(project: Scratch, chapters: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(chapters)) {
    await Deno.mkdir(join(project.chapters, name, ".."), { recursive: true });
    await Deno.writeTextFile(join(project.chapters, name), text);
  }
}

/** The command the command line makes of `build --no-pdf --chapters DIR --out DIR --param profile=quick`. */
export function command(project: Scratch, overrides: Partial<BuildCommand> = {}): BuildCommand {
  const parsed = parseCommandLine([
    "build",
    "--no-pdf",
    "--chapters",
    relative(ROOT, project.chapters),
    "--out",
    project.outDir,
    "--param",
    "profile=quick",
  ]);
  if (parsed.command !== "build") throw new Error(`unexpected command line: ${JSON.stringify(parsed)}`);
  return { ...parsed, ...overrides };
}

export async function buildScratch(project: Scratch, overrides: Partial<BuildCommand> = {}) {
  const run = await runBuild(command(project, overrides), ROOT, denoEffects, silentReporter, {
    cacheDir: project.cacheDir,
  });
  const problems = run.outcome.problems.map((problem) =>
    `${problem.location ? formatLocation(problem.location) : "-"}: ${problem.message}`
  );
  return { run, problems, html: run.outcome.html ?? "" };
}

export const chapterPath = (project: Scratch, name: string) => `${relative(ROOT, project.chapters)}/${name}`;

export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
