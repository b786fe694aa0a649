import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildCommand } from "../../report/cli.ts";
import { denoEffects } from "../../report/effects.ts";
import { type BuildRun, runBuild } from "../../report/run_build.ts";
import { silentReporter } from "../../report/terminal.ts";
import { projectTempDir, ROOT } from "../engine/helpers.ts";

export { ROOT };
const FIXTURE = fileURLToPath(new URL("./fixtures/project", import.meta.url));

/** A scratch copy of the fixture chapters inside the project (chapter processes may only read the project). */
export interface ScratchProject {
  dir: string;
  chapters: string;
  cacheDir: string;
  outDir: string;
  trace: string;
  /** Where a build started through `main.ts` (default cache folder) writes the trace. */
  cliTrace: string;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

export async function scratchProject(): Promise<ScratchProject> {
  const dir = await projectTempDir("e2e-");
  const project = {
    dir,
    chapters: join(dir, "chapters"),
    cacheDir: join(dir, "cache"),
    outDir: join(dir, "dist"),
    trace: join(dir, "cache", "computed", "trace.log"),
    cliTrace: join(ROOT, ".cache", "computed", `trace-${dir.split("/").at(-1)}.log`),
  };
  await Deno.mkdir(join(ROOT, ".cache", "computed"), { recursive: true });
  await copyTree(FIXTURE, project.chapters);
  await Deno.mkdir(join(project.cacheDir, "computed"), { recursive: true });
  return project;
}

export function buildCommand(project: ScratchProject, overrides: Partial<BuildCommand> = {}): BuildCommand {
  return {
    command: "build",
    chapters: [],
    keepGoing: false,
    fresh: false,
    explain: false,
    params: { profile: "quick", trace: project.trace },
    chaptersDir: relative(ROOT, project.chapters),
    outDir: project.outDir,
    pdf: "skip",
    reproducible: false,
    pageSize: "A4",
    port: 0,
    host: "127.0.0.1",
    ...overrides,
  };
}

export interface ScratchBuild {
  run: BuildRun;
  /** Blocks that executed in this build, as `chapter:index` lines written by the blocks themselves, grouped by
   * chapter in name order. */
  ran: string[];
  html: string;
}

export async function buildScratch(
  project: ScratchProject,
  overrides: Partial<BuildCommand> = {},
): Promise<ScratchBuild> {
  await Deno.writeTextFile(project.trace, "");
  const run = await runBuild(buildCommand(project, overrides), ROOT, denoEffects, silentReporter, {
    cacheDir: project.cacheDir,
  });
  const lines = (await Deno.readTextFile(project.trace)).split("\n").filter((line) => line.length > 0);
  // Chapters may run side by side; within a chapter the order is the execution order (the sort is stable).
  const chapterOf = (line: string) => line.slice(0, line.indexOf(":"));
  const ran = lines.toSorted((a, b) => chapterOf(a).localeCompare(chapterOf(b)));
  const html = run.outcome.outputPath ? await Deno.readTextFile(run.outcome.outputPath) : "";
  return { run, ran, html };
}

export async function editFile(path: string, change: (text: string) => string): Promise<void> {
  const before = await Deno.readTextFile(path);
  const after = change(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  await Deno.writeTextFile(path, after);
}

export async function removeScratch(project: ScratchProject): Promise<void> {
  await Deno.remove(project.dir, { recursive: true }).catch(() => {});
  await Deno.remove(project.cliTrace).catch(() => {});
}
