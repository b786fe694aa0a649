/** Every side effect of a build (files, processes, clock, terminal), injected so tests can drive the pipeline. */
export interface ChildProcess {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  status: Promise<{ code: number; signal: string | null }>;
  kill(): void;
  /** Closes the child's stdin (a child started with `tether` reads it to notice that its parent is gone). */
  closeStdin(): void;
}

export interface SpawnOptions {
  /** The child's whole environment (nothing inherited); default: the parent's. */
  env?: Record<string, string>;
  /** Give the child a stdin pipe that stays open while the parent lives and closes when it dies. */
  tether?: boolean;
  /** Text written to the child's stdin, which is then closed. */
  input?: string;
}

/** Progress goes to `write` (stdout), problems to `error` (stderr); `interactive` allows a live status line. */
export interface Terminal {
  interactive: boolean;
  columns: number;
  write(text: string): void;
  error(text: string): void;
}

export interface Effects {
  readTextFile(path: string): Promise<string>;
  /** The bytes of a file (chapters are decoded strictly, so a bad byte is reported where it is). */
  readFile(path: string): Promise<Uint8Array>;
  writeTextFile(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  makeDirectory(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Names of the entries of a directory. */
  listDirectory(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  spawn(command: string, args: string[], cwd: string, options?: SpawnOptions): ChildProcess;
  /** The build's environment variables. */
  environment(): Record<string, string>;
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  terminal: Terminal;
  /** A fresh random token (never written into the report). */
  nonce(): string;
}

export const denoEffects: Effects = {
  readTextFile: (path) => Deno.readTextFile(path),
  readFile: (path) => Deno.readFile(path),
  writeTextFile: (path, text) => Deno.writeTextFile(path, text),
  rename: (from, to) => Deno.rename(from, to),
  makeDirectory: (path) => Deno.mkdir(path, { recursive: true }),
  remove: (path) => Deno.remove(path, { recursive: true }).catch(() => undefined),
  async listDirectory(path) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
    return names;
  },
  exists: (path) => Deno.stat(path).then(() => true, () => false),
  spawn(command, args, cwd, options = {}) {
    const child = new Deno.Command(command, {
      args,
      cwd,
      stdin: options.tether || options.input !== undefined ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      ...(options.env ? { env: options.env, clearEnv: true } : {}),
    }).spawn();
    let stdinOpen = options.tether === true;
    if (options.input !== undefined) {
      const writer = child.stdin.getWriter();
      writer.write(new TextEncoder().encode(options.input)).then(() => writer.close()).catch(() => {});
    }
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      status: child.status.then((status) => ({ code: status.code, signal: status.signal })),
      kill: () => {
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
      },
      closeStdin: () => {
        if (!stdinOpen) return;
        stdinOpen = false;
        child.stdin.close().catch(() => {});
      },
    };
  },
  environment: () => Deno.env.toObject(),
  now: () => performance.now(),
  terminal: {
    interactive: Deno.stdout.isTerminal() && Deno.env.get("TERM") !== "dumb",
    columns: terminalColumns(),
    write: (text) => writeAll(Deno.stdout, text),
    error: (text) => writeAll(Deno.stderr, text),
  },
  nonce: () => crypto.randomUUID().replaceAll("-", ""),
};

function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 100;
  } catch {
    return 100;
  }
}

function writeAll(stream: { writeSync(bytes: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}
