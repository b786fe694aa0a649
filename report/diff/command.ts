/**
 * `deno task diff OLD [NEW]` and `deno task verify`: compare two built reports, or the current `dist/` with a
 * fresh reproducible rebuild in a temporary folder. Exit code 0: nothing changed; 1: something did (or the
 * rebuild failed); 2: bad input (one `error:` line).
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../cache/atomic.ts";
import type { BuildCommand } from "../cli.ts";
import type { Effects } from "../effects.ts";
import { runBuild } from "../run_build.ts";
import { silentReporter } from "../terminal.ts";
import { compareReports, type ReportDiff } from "./compare.ts";
import { diffHtml } from "./html.ts";
import { type BuiltReport, DiffInputError, loadBuiltReport } from "./load.ts";
import { diffSummaryLines, outputTitle } from "./summary.ts";

export const DIFF_USAGE = `Usage: deno task diff OLD [NEW] [--out FILE]
       deno task verify [--dist DIR] [--chapters DIR] [--param key=value]… [--out FILE]

diff    compares two built reports (folders holding report.html and manifest.json; NEW defaults to dist/):
        changed values, table cells, figures, sections and prose, with what caused each change; writes
        NEW/diff.html (or FILE).
verify  rebuilds the report from scratch (--fresh --reproducible, a temporary folder and cache) and compares
        it with dist/ (or DIR); writes diff.html only with --out.

Exit code 0 when nothing changed, 1 when something did, 2 on bad input.`;

export interface DiffIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: DiffIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

async function load(dir: string): Promise<BuiltReport> {
  return await loadBuiltReport(dir);
}

/** The command line of `diff` or `verify`, or the exit code when it asks for help or is wrong. */
function parseCommand(
  args: string[],
  options: { out?: boolean; dist?: boolean; chapters?: boolean; param?: boolean },
  io: DiffIo,
):
  | { values: { out?: string; dist?: string; chapters?: string; param?: string[] }; positionals: string[] }
  | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        out: { type: "string" },
        dist: { type: "string" },
        chapters: { type: "string" },
        param: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help) {
      io.out(DIFF_USAGE);
      return 0;
    }
    const unknown = Object.keys(values).find((name) =>
      name !== "help" && !options[name as keyof typeof options]
    );
    if (unknown) throw new Error(`Unknown option '--${unknown}'`);
    return { values, positionals };
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : error}\n\n${DIFF_USAGE}`);
    return 2;
  }
}

/** `diff OLD [NEW] [--out FILE]` relative to `cwd`. */
export async function runDiff(args: string[], cwd: string, io: DiffIo = consoleIo): Promise<number> {
  const parsed = parseCommand(args, { out: true }, io);
  if (typeof parsed === "number") return parsed;
  const [oldDir, newDir = "dist", ...extra] = parsed.positionals;
  if (!oldDir || extra.length > 0) {
    io.err(`error: diff needs one or two report folders\n\n${DIFF_USAGE}`);
    return 2;
  }
  try {
    const diff = compareReports(await load(resolveShown(cwd, oldDir)), await load(resolveShown(cwd, newDir)));
    const out = parsed.values.out ? resolve(cwd, parsed.values.out) : join(resolve(cwd, newDir), "diff.html");
    for (const line of diffSummaryLines(diff)) io.out(line);
    await writeFileAtomic(out, diffHtml(diff));
    io.out(`diff written to ${relative(cwd, out) || out}`);
    return diff.changed ? 1 : 0;
  } catch (error) {
    if (error instanceof DiffInputError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** A path as the user gave it when relative (messages name it so), absolute otherwise. */
function resolveShown(cwd: string, path: string): string {
  return isAbsolute(path) ? path : relative(cwd, resolve(cwd, path)) || ".";
}

export interface VerifyOptions {
  root: string;
  /** The built report to check (default `dist`). */
  dist?: string;
  chaptersDir?: string;
  params?: Record<string, string>;
  /** Where to write diff.html (none by default: verify writes nothing in the project). */
  out?: string;
}

/** What did not reproduce, one line each, with why. */
export function verifyLines(diff: ReportDiff): string[] {
  if (!diff.changed) {
    return [
      `reproduced: ${diff.identical.figures} figure(s) and table(s), ${diff.identical.values} value(s) identical`,
    ];
  }
  const lines = ["did not reproduce:"];
  if (diff.environment.length > 0) lines.push(`  environment differs: ${diff.environment.join("; ")}`);
  const why = (sameInputs: boolean, causes: string[]) =>
    sameInputs ? causes.join("; ") : `inputs differ: ${causes.join("; ")}`;
  for (const chapter of diff.chapters) {
    if (chapter.change !== "changed") lines.push(`  ${chapter.path}: chapter ${chapter.change}`);
    for (const output of chapter.outputs) {
      lines.push(
        `  ${chapter.path}:${output.line} ${outputTitle(output)}: ${why(output.sameInputs, output.causes)}`,
      );
    }
    for (const value of chapter.values) {
      lines.push(
        `  ${chapter.path}:${value.line} value \${${value.source}} ${value.old} → ${value.new}: ${
          why(value.sameInputs, value.causes)
        }`,
      );
    }
    const prose = chapter.proseAdded.length + chapter.proseRemoved.length + chapter.sectionsAdded.length +
      chapter.sectionsRemoved.length;
    if (prose > 0) {
      lines.push(`  ${chapter.path}: prose or sections differ (the chapters changed since dist/ was built)`);
    }
  }
  return lines;
}

/** Rebuilds into a temporary folder inside the project (chapter processes may only read the project), compares
 * with the built report, removes the folder. */
export async function verifyReport(
  options: VerifyOptions,
  effects: Effects,
  io: DiffIo = consoleIo,
): Promise<{ code: number; diff?: ReportDiff }> {
  let current: BuiltReport;
  try {
    current = await load(options.dist ?? "dist");
  } catch (error) {
    if (error instanceof DiffInputError) {
      io.err(`error: ${error.message}`);
      return { code: 2 };
    }
    throw error;
  }
  const scratch = await Deno.makeTempDir({ dir: options.root, prefix: ".verify-" });
  try {
    const command: BuildCommand = {
      command: "build",
      chapters: [],
      keepGoing: false,
      fresh: true,
      explain: false,
      params: options.params ?? {},
      chaptersDir: options.chaptersDir,
      outDir: join(scratch, "dist"),
      pdf: "skip",
      reproducible: true,
      typecheck: false,
      pageSize: "A4",
      port: 0,
      host: "127.0.0.1",
    };
    io.out(`verify: rebuilding from scratch in ${relative(options.root, scratch)} (--fresh --reproducible)`);
    const run = await runBuild(command, options.root, effects, silentReporter, {
      cacheDir: join(scratch, "cache"),
    });
    if (!run.outcome.ok) {
      io.err(
        `verify: the rebuild failed: ${run.outcome.problems.map((problem) => problem.message).join("; ")}`,
      );
      return { code: 1 };
    }
    const rebuilt = await load(join(scratch, "dist"));
    const diff = compareReports(current, { ...rebuilt, dir: "rebuild" });
    for (const line of verifyLines(diff)) io.out(line);
    if (options.out) {
      await writeFileAtomic(options.out, diffHtml(diff));
      io.out(`diff written to ${options.out}`);
    }
    return { code: diff.changed ? 1 : 0, diff };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/** `verify [--dist DIR] [--chapters DIR] [--param k=v]… [--out FILE]` from the command line. */
export async function runVerify(
  args: string[],
  root: string,
  effects: Effects,
  io: DiffIo = consoleIo,
): Promise<number> {
  const parsed = parseCommand(args, { out: true, dist: true, chapters: true, param: true }, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length > 0) {
    io.err(`error: verify takes no folder but --dist DIR, got "${parsed.positionals[0]}"\n\n${DIFF_USAGE}`);
    return 2;
  }
  const params: Record<string, string> = {};
  for (const value of parsed.values.param ?? []) {
    const match = /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(value);
    if (!match) {
      io.err(`error: --param needs key=value, got "${value}"`);
      return 2;
    }
    params[match[1]] = match[2];
  }
  const cwd = Deno.cwd();
  const { code } = await verifyReport(
    {
      root,
      dist: resolveShown(cwd, parsed.values.dist ?? join(root, "dist")),
      chaptersDir: parsed.values.chapters,
      params,
      out: parsed.values.out ? resolve(cwd, parsed.values.out) : undefined,
    },
    effects,
    io,
  );
  return code;
}
