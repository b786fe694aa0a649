/** The command line: `build [CHAPTER…] [--keep-going] [--fresh] [--param key=value]… [--help]`. */
export interface BuildCommand {
  command: "build";
  chapters: string[];
  keepGoing: boolean;
  fresh: boolean;
  params: Record<string, string>;
  chaptersDir?: string;
  outDir?: string;
}

export type Command = BuildCommand | { command: "help" } | { command: "invalid"; message: string };

export const USAGE = `Usage: deno task build [CHAPTER…] [options]
       deno run -A main.ts build [CHAPTER…] [options]

Runs the TypeScript blocks of chapters/*.md in order and writes dist/report.html
(a subset of chapters writes dist/partial.html).

Arguments:
  CHAPTER             a chapter file name, name without .md, or number (e.g. 10 or 10-cnn)

Options:
  --keep-going        render failing blocks as error boxes and continue; exit code is still 1
  --fresh             ignore caches and run everything again
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
  if (name !== "build") return { command: "invalid", message: `unknown command "${name}"` };
  const command: BuildCommand = {
    command: "build",
    chapters: [],
    keepGoing: false,
    fresh: false,
    params: {},
  };
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--keep-going") command.keepGoing = true;
    else if (arg === "--fresh") command.fresh = true;
    else if (arg === "--chapters" || arg === "--out") {
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
