import { parseArgs } from "node:util";

/** `auto`: print when Chromium is found, else say how to install it; `required`: fail without it. */
export type PdfMode = "auto" | "required" | "skip";

/** The command line: `build|dev [CHAPTER…] [--keep-going] [--fresh] [--param key=value]… [--help]`. */
export interface BuildCommand {
  command: "build" | "dev";
  chapters: string[];
  keepGoing: boolean;
  fresh: boolean;
  /** Say why each block and stored computation ran (or was taken from the cache). */
  explain: boolean;
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
  /** Size the cache may keep after a full build, in MiB (see cache/prune.ts). */
  cacheLimitMb?: number;
  /** Dev server address (dev only). */
  port: number;
  host: string;
}

export type Command = BuildCommand | { command: "help" } | { command: "invalid"; message: string };

export const USAGE = `Usage: deno task build [CHAPTER…] [options]
       deno task dev [CHAPTER…] [--port N] [options]
       deno run -A main.ts build|dev [CHAPTER…] [options]
       deno task diff OLD [NEW]    compare two built reports (see deno task diff --help)
       deno task verify            rebuild from scratch and compare with dist/

Runs the TypeScript blocks of chapters/*.md in order and writes dist/report.html
(a subset of chapters writes dist/partial.html).

Arguments:
  CHAPTER             a chapter file name, name without .md, or number (e.g. 10 or 10-cnn)

Options:
  --keep-going        render failing blocks as error boxes and continue; exit code is still 1
  --fresh             ignore the block cache and run everything again (it is refreshed)
  --reproducible      leave run times, cache state and machine details out of the report
  --typecheck         type-check chapter code first; type errors stop the build at their chapter line
  --explain           say why each block and stored computation ran
  --pdf               require dist/report.pdf (fail when Chromium is missing)
  --no-pdf            do not print the PDF
  --letter            print the PDF on US Letter instead of A4
  --port N            dev: serve on 127.0.0.1:N (default 8000)
  --host ADDRESS      dev: listen on ADDRESS instead of 127.0.0.1
  --jobs N            run up to N chapter processes at once (default: cores, at most 2)
  --cache-limit MB    keep at most MB MiB of cache after a full build (default 2048)
  --param key=value   set a parameter visible to chapters as params.key (repeatable)
  --chapters DIR      read chapters from DIR instead of chapters/
  --out DIR           write the report into DIR instead of dist/
  -h, --help          show this help

Exit code 0 only when every block ran as expected.`;

/** The options `parseArgs` splits the command line into; `-h`/`--help` are answered before it runs. */
const OPTIONS = {
  "keep-going": { type: "boolean" },
  fresh: { type: "boolean" },
  reproducible: { type: "boolean" },
  typecheck: { type: "boolean" },
  explain: { type: "boolean" },
  pdf: { type: "boolean" },
  "no-pdf": { type: "boolean" },
  letter: { type: "boolean" },
  jobs: { type: "string" },
  "cache-limit": { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  chapters: { type: "string" },
  out: { type: "string" },
  param: { type: "string", multiple: true },
} as const;

type OptionName = keyof typeof OPTIONS;

export function parseCommandLine(args: readonly string[]): Command {
  if (args.length === 0) return { command: "invalid", message: "missing command (build)" };
  if (args.includes("--help") || args.includes("-h")) return { command: "help" };
  const [name, ...rest] = args;
  if (name !== "build" && name !== "dev") return { command: "invalid", message: `unknown command "${name}"` };
  const command: BuildCommand = {
    command: name,
    chapters: [],
    keepGoing: false,
    fresh: false,
    explain: false,
    params: {},
    pdf: name === "dev" ? "skip" : "auto",
    reproducible: false,
    typecheck: false,
    pageSize: "A4",
    port: 8000,
    host: "127.0.0.1",
  };
  // Not strict: unknown options and missing values come back as tokens, in order, and are answered below with
  // one line each (an option that takes a value takes the next argument, whatever it is, as before).
  const { tokens } = parseArgs({
    args: rest,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") {
      command.chapters.push(token.value);
      continue;
    }
    if (token.kind === "option-terminator") continue;
    if (!token.rawName.startsWith("--") || !Object.hasOwn(OPTIONS, token.name)) {
      return { command: "invalid", message: `unknown option "${rest[token.index]}"` };
    }
    const option = token.name as OptionName;
    if (OPTIONS[option].type === "boolean") {
      if (token.value !== undefined) {
        return { command: "invalid", message: `${token.rawName} takes no value` };
      }
      if (option === "keep-going") command.keepGoing = true;
      else if (option === "fresh") command.fresh = true;
      else if (option === "reproducible") command.reproducible = true;
      else if (option === "typecheck") command.typecheck = true;
      else if (option === "explain") command.explain = true;
      else if (option === "pdf") command.pdf = "required";
      else if (option === "no-pdf") command.pdf = "skip";
      else if (option === "letter") command.pageSize = "Letter";
      continue;
    }
    const value = token.value;
    // A separate value that looks like an option is most likely a forgotten value; `--out=-dir` is deliberate.
    const missing = !value || (!token.inlineValue && value.startsWith("-"));
    if (option === "jobs") {
      const jobs = Number(value);
      if (!value || !Number.isInteger(jobs) || jobs < 1) {
        return { command: "invalid", message: "--jobs needs a whole number ≥ 1" };
      }
      command.jobs = jobs;
    } else if (option === "cache-limit") {
      const limit = Number(value);
      if (!value || !Number.isFinite(limit) || limit <= 0) {
        return { command: "invalid", message: "--cache-limit needs a size in MiB above 0" };
      }
      command.cacheLimitMb = limit;
    } else if (option === "port") {
      const port = Number(value);
      if (!value || !Number.isInteger(port) || port < 0 || port > 65535) {
        return { command: "invalid", message: "--port needs a number from 0 to 65535" };
      }
      command.port = port;
    } else if (option === "host") {
      if (missing) return { command: "invalid", message: "--host needs an address" };
      command.host = value;
    } else if (option === "chapters" || option === "out") {
      if (missing) return { command: "invalid", message: `--${option} needs a directory` };
      if (option === "chapters") command.chaptersDir = value;
      else command.outDir = value;
    } else if (option === "param") {
      const match = value === undefined ? null : /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(value);
      if (!match) return { command: "invalid", message: `--param needs key=value, got "${value ?? ""}"` };
      command.params[match[1]] = match[2];
    }
  }
  return command;
}

/** Chapter processes to run at once when `--jobs` is absent: one per core, at most two (each chapter process is
 * single-threaded, and the chapters fall into about two independent parts). */
export function defaultJobs(cores: number = navigator.hardwareConcurrency): number {
  return Math.max(1, Math.min(2, cores));
}
