/** `auto`: print when Chromium is found, else say how to install it; `required`: fail without it. */
export type PdfMode = "auto" | "required" | "skip";

/** The command line: `build|dev [CHAPTER…] [--keep-going] [--fresh] [--param key=value]… [--help]`. */
export interface BuildCommand {
  command: "build" | "dev";
  chapters: string[];
  keepGoing: boolean;
  fresh: boolean;
  params: Record<string, string>;
  chaptersDir?: string;
  outDir?: string;
  pdf: PdfMode;
  reproducible: boolean;
  /** Type-check chapter code before running it; type errors stop the build. */
  typecheck?: boolean;
  pageSize: "A4" | "Letter";
  /** Chapter processes at once; absent means one per core, at most two (see `defaultJobs`). */
  jobs?: number;
  /** Dev server address (dev only). */
  port: number;
  host: string;
}

export type Command = BuildCommand | { command: "help" } | { command: "invalid"; message: string };

export const USAGE = `Usage: deno task build [CHAPTER…] [options]
       deno task dev [CHAPTER…] [--port N] [options]
       deno run -A main.ts build|dev [CHAPTER…] [options]

Runs the TypeScript blocks of chapters/*.md in order and writes dist/report.html
(a subset of chapters writes dist/partial.html).

Arguments:
  CHAPTER             a chapter file name, name without .md, or number (e.g. 10 or 10-cnn)

Options:
  --keep-going        render failing blocks as error boxes and continue; exit code is still 1
  --fresh             ignore the block cache and run everything again (it is refreshed)
  --reproducible      leave run times, cache state and machine details out of the report
  --typecheck         type-check chapter code first; type errors stop the build at their chapter line
  --pdf               require dist/report.pdf (fail when Chromium is missing)
  --no-pdf            do not print the PDF
  --letter            print the PDF on US Letter instead of A4
  --port N            dev: serve on 127.0.0.1:N (default 8000)
  --host ADDRESS      dev: listen on ADDRESS instead of 127.0.0.1
  --jobs N            run up to N chapter processes at once (default: cores, at most 2)
  --param key=value   set a parameter visible to chapters as params.key (repeatable)
  --chapters DIR      read chapters from DIR instead of chapters/
  --out DIR           write the report into DIR instead of dist/
  -h, --help          show this help

Exit code 0 only when every block ran as expected.`;

export function parseCommandLine(args: readonly string[]): Command {
  const rest = [...args];
  if (rest.length === 0 || rest.includes("--help") || rest.includes("-h")) {
    return rest.length === 0
      ? { command: "invalid", message: "missing command (build)" }
      : { command: "help" };
  }
  const name = rest.shift();
  if (name !== "build" && name !== "dev") return { command: "invalid", message: `unknown command "${name}"` };
  const command: BuildCommand = {
    command: name,
    chapters: [],
    keepGoing: false,
    fresh: false,
    params: {},
    pdf: name === "dev" ? "skip" : "auto",
    reproducible: false,
    typecheck: false,
    pageSize: "A4",
    port: 8000,
    host: "127.0.0.1",
  };
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--keep-going") command.keepGoing = true;
    else if (arg === "--fresh") command.fresh = true;
    else if (arg === "--reproducible") command.reproducible = true;
    else if (arg === "--typecheck") command.typecheck = true;
    else if (arg === "--pdf") command.pdf = "required";
    else if (arg === "--no-pdf") command.pdf = "skip";
    else if (arg === "--letter") command.pageSize = "Letter";
    else if (arg === "--jobs") {
      const value = Number(rest.shift());
      if (!Number.isInteger(value) || value < 1) {
        return { command: "invalid", message: "--jobs needs a whole number ≥ 1" };
      }
      command.jobs = value;
    } else if (arg === "--port") {
      const value = Number(rest.shift());
      if (!Number.isInteger(value) || value < 0 || value > 65535) {
        return { command: "invalid", message: "--port needs a number from 0 to 65535" };
      }
      command.port = value;
    } else if (arg === "--host") {
      const value = rest.shift();
      if (!value || value.startsWith("-")) return { command: "invalid", message: "--host needs an address" };
      command.host = value;
    } else if (arg === "--chapters" || arg === "--out") {
      const value = rest.shift();
      if (!value || value.startsWith("-")) return { command: "invalid", message: `${arg} needs a directory` };
      if (arg === "--chapters") command.chaptersDir = value;
      else command.outDir = value;
    } else if (arg === "--param" || arg.startsWith("--param=")) {
      const value = arg === "--param" ? rest.shift() : arg.slice("--param=".length);
      const match = value === undefined ? null : /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(value);
      if (!match) return { command: "invalid", message: `--param needs key=value, got "${value ?? ""}"` };
      command.params[match[1]] = match[2];
    } else if (arg.startsWith("-")) return { command: "invalid", message: `unknown option "${arg}"` };
    else command.chapters.push(arg);
  }
  return command;
}

/** Chapter processes to run at once when `--jobs` is absent: one per core, at most two (each chapter process is
 * single-threaded, and the chapters fall into about two independent parts). */
export function defaultJobs(cores: number = navigator.hardwareConcurrency): number {
  return Math.max(1, Math.min(2, cores));
}
