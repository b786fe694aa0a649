/** Rebuild targets, measured on a scratch copy of the real chapters in `.bench-chapters/` (a fixed name, so the
 * block cache of one run serves the next; the chapters themselves are never edited):
 * a prose-only edit (whole `main.ts build` process until dist/report.html is written; target ≤ 0.5 s), an edit to
 * one plotting block whose model is in the model store (target ≤ 10 s), and the PDF step on its own. */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export interface RebuildTimings {
  profile: string;
  chapters: string[];
  warmupSeconds: number;
  unchangedSeconds: number;
  proseEditSeconds: number;
  blockEditSeconds: number;
  blockEditChapter: string;
  /** A data file read by one (added) block at the end of the last chapter, edited: the rebuild, and what ran. */
  dataEditSeconds: number;
  dataEditRan: string;
  pdfSeconds?: number;
  /** A prose edit with the PDF: the whole build (target ≤ 2 s), and its PDF step (only the edited piece prints). */
  proseEditPdfSeconds?: number;
  proseEditPdfStepSeconds?: number;
}

export interface RebuildOptions {
  profile?: string;
  /** Chapter file names to include (default: all). */
  chapters?: string[];
  log?: (line: string) => void;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

async function timedBuild(args: string[]): Promise<{ seconds: number; output: string }> {
  const started = performance.now();
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "main.ts"), "build", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const output = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  if (!result.success) throw new Error(`build failed:\n${output}`);
  return { seconds, output };
}

/** Which chapters started a process in a build (an input changed: e.g. a module under models/ was saved). */
function ranChapters(output: string): string {
  const ran = output.split("\n").filter((line) => line.includes(": ran from block"));
  return ran.length === 0 ? "" : ` (ran: ${ran.map((line) => line.replace(/^.*\//, "")).join("; ")})`;
}

/** The last block with a figure label in the chapter, and a harmless edit of its code. */
function plottingBlockEdit(text: string, stamp: string): string | undefined {
  const fences = [...text.matchAll(/```(?:ts|typescript)\n(\/\/\|[^\n]*\n)*/g)];
  const figure = fences.filter((match) => /\/\/\|\s*label:\s*fig-/.test(match[0])).at(-1);
  if (!figure) return undefined;
  const at = figure.index! + figure[0].length;
  return `${text.slice(0, at)}// bench edit ${stamp}\n${text.slice(at)}`;
}

export async function benchRebuild(options: RebuildOptions = {}): Promise<RebuildTimings> {
  const profile = options.profile ?? "full";
  const log = options.log ?? (() => {});
  const scratch = join(ROOT, ".bench-chapters");
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  const out = join(ROOT, ".cache", `bench-out-${Deno.pid}`);
  try {
    await copyTree(join(ROOT, "chapters"), scratch);
    const all = [...Deno.readDirSync(scratch)].map((entry) => entry.name).filter((name) =>
      name.endsWith(".md")
    )
      .sort();
    const chapters = options.chapters ?? all;
    for (const name of all) if (!chapters.includes(name)) await Deno.remove(join(scratch, name));
    const args = [
      "--chapters",
      relative(ROOT, scratch),
      "--out",
      out,
      "--no-pdf",
      "--param",
      `profile=${profile}`,
    ];

    log(`warm-up build of ${chapters.join(", ")} (profile ${profile}; trains models missing from the store)`);
    const warmup = await timedBuild(args);
    const unchanged = await timedBuild(args);
    log(`unchanged rebuild: ${unchanged.seconds.toFixed(2)} s${ranChapters(unchanged.output)}`);

    const proseChapter = join(scratch, chapters[0]);
    await Deno.writeTextFile(
      proseChapter,
      `${await Deno.readTextFile(proseChapter)}\nA sentence added by the rebuild benchmark.\n`,
    );
    const prose = await timedBuild(args);
    const html = await Deno.readTextFile(join(out, "report.html"));
    if (!html.includes("A sentence added by the rebuild benchmark.")) {
      throw new Error("prose edit not in report");
    }
    if (/ran from block/.test(prose.output)) throw new Error(`prose edit ran blocks:\n${prose.output}`);
    log(`prose edit: ${prose.seconds.toFixed(2)} s${ranChapters(prose.output)}`);

    let blockEditChapter = "";
    let blockEditSeconds = NaN;
    for (const name of [...chapters].reverse()) {
      const path = join(scratch, name);
      const edited = plottingBlockEdit(await Deno.readTextFile(path), String(Date.now()));
      if (!edited) continue;
      await Deno.writeTextFile(path, edited);
      blockEditChapter = name;
      const blockEdit = await timedBuild(args);
      blockEditSeconds = blockEdit.seconds;
      log(`  ${ranChapters(blockEdit.output).trim()}`);
      break;
    }
    log(`plotting-block edit in ${blockEditChapter}: ${blockEditSeconds.toFixed(2)} s`);

    // A block that reads a data file at run time: editing the file re-runs that block (and those after it).
    const dataChapter = join(scratch, chapters.at(-1)!);
    const dataFile = join(scratch, "bench-data.csv");
    await Deno.writeTextFile(dataFile, "1,2,3\n");
    await Deno.writeTextFile(
      dataChapter,
      `${await Deno.readTextFile(dataChapter)}\n\n\`\`\`ts\n` +
        `const benchRows = (await Deno.readTextFile(new URL("./bench-data.csv", import.meta.url))).trim();\n` +
        `benchRows.split(",").map(Number).reduce((a, b) => a + b, 0)\n\`\`\`\n`,
    );
    await timedBuild(args);
    await Deno.writeTextFile(dataFile, "1,2,3,4\n");
    const dataEdit = await timedBuild(args);
    const dataEditRan = ranChapters(dataEdit.output).trim();
    if (!(await Deno.readTextFile(join(out, "report.html"))).includes(">10</pre>")) {
      throw new Error("the edited data file is not in the report");
    }
    log(`data-file edit: ${dataEdit.seconds.toFixed(2)} s ${dataEditRan}`);

    const pdfArgs = args.filter((arg) => arg !== "--no-pdf");
    const pdfRun = await timedBuild(pdfArgs);
    const pdfMatch = /PDF written to .* in ([\d.]+) ?s/.exec(pdfRun.output);
    const pdfSeconds = pdfMatch ? Number(pdfMatch[1]) : undefined;
    log(`PDF step: ${pdfSeconds === undefined ? "skipped (no Chromium?)" : `${pdfSeconds.toFixed(1)} s`}`);
    let proseEditPdfSeconds: number | undefined;
    let proseEditPdfStepSeconds: number | undefined;
    if (pdfSeconds !== undefined) {
      await Deno.writeTextFile(
        proseChapter,
        `${await Deno.readTextFile(proseChapter)}\nA second sentence added by the rebuild benchmark.\n`,
      );
      const edited = await timedBuild(pdfArgs);
      proseEditPdfSeconds = edited.seconds;
      const step = /PDF written to .* in ([\d.]+) ?s/.exec(edited.output);
      proseEditPdfStepSeconds = step ? Number(step[1]) : undefined;
      log(
        `prose edit with PDF: ${edited.seconds.toFixed(2)} s (PDF step ${
          proseEditPdfStepSeconds?.toFixed(1)
        } s; ` +
          `${/\((\d+ pages; \d+ of \d+ pieces printed)\)/.exec(edited.output)?.[1] ?? "?"})`,
      );
    }
    return {
      profile,
      chapters,
      warmupSeconds: warmup.seconds,
      unchangedSeconds: unchanged.seconds,
      proseEditSeconds: prose.seconds,
      blockEditSeconds,
      blockEditChapter,
      dataEditSeconds: dataEdit.seconds,
      dataEditRan,
      pdfSeconds,
      proseEditPdfSeconds,
      proseEditPdfStepSeconds,
    };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const profile = Deno.args.find((arg) => arg.startsWith("--profile="))?.slice("--profile=".length);
  const chapters = Deno.args.filter((arg) => arg.endsWith(".md"));
  const timings = await benchRebuild({
    profile,
    chapters: chapters.length > 0 ? chapters : undefined,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(timings, null, 2));
  const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  console.log(
    `prose edit ${timings.proseEditSeconds.toFixed(2)} s (≤ 0.5 s: ${
      verdict(timings.proseEditSeconds <= 0.5)
    })`,
  );
  if (timings.proseEditPdfSeconds !== undefined) {
    console.log(
      `prose edit with PDF ${timings.proseEditPdfSeconds.toFixed(2)} s (≤ 2 s: ${
        verdict(timings.proseEditPdfSeconds <= 2)
      })`,
    );
  }
  console.log(
    `plotting-block edit ${timings.blockEditSeconds.toFixed(2)} s (≤ 10 s: ${
      verdict(timings.blockEditSeconds <= 10)
    })`,
  );
}
