import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Effects } from "../effects.ts";
import type { ProgressUpdate } from "../progress.ts";
import { type ChildMessage, MessageDecoder } from "../runtime/protocol.ts";
import type { BlockResult, Chapter, ChapterResult, InlineResult, SerializedError } from "../types.ts";
import { planChapter } from "./plan.ts";
import type { ScopeSnapshot } from "../cache/scope_snapshot.ts";

export const RUNTIME_ENTRY = fileURLToPath(new URL("../runtime/run_chapter.ts", import.meta.url));

/** Inline `${…}` expressions should be quick; one that hangs is stopped after this long. */
export const INLINE_TIMEOUT_SECONDS = 60;

export interface ExecuteSettings {
  /** Seconds an inline expression may take (default INLINE_TIMEOUT_SECONDS). */
  inlineTimeout?: number;
  root: string;
  cacheDir: string;
  params: Record<string, string>;
  keepGoing: boolean;
  /** The seam for cached outputs: blocks before `startAt` run only to rebuild the scope, outputs discarded. */
  startAt?: number;
  /** Stored scope after block `startAt - 1`: restored instead of replaying; earlier blocks only re-import. */
  restore?: ScopeSnapshot;
}

export interface ExecutionObserver {
  blockStarted(index: number): void;
  blockProgress(index: number, update: ProgressUpdate): void;
  blockFinished(result: BlockResult): void;
  /** Text the chapter process wrote to stderr outside the console (runtime warnings, crashes). */
  stderr(text: string): void;
}

export const silentObserver: ExecutionObserver = {
  blockStarted: () => {},
  blockProgress: () => {},
  blockFinished: () => {},
  stderr: () => {},
};

/** The command line of a chapter process: read the project, write only `.cache/`, read env, no network. */
export function chapterProcessArgs(root: string, cacheDir: string, planPath: string): string[] {
  return [
    "run",
    "--no-prompt",
    `--allow-read=${root}`,
    `--allow-write=${cacheDir}`,
    "--allow-env",
    "--config",
    join(root, "deno.json"),
    RUNTIME_ENTRY,
    planPath,
  ];
}

/** Runs a chapter's blocks in order in its own process, restarting after a timeout when `keepGoing`. */
export async function executeChapter(
  chapter: Chapter,
  settings: ExecuteSettings,
  effects: Effects,
  observer: ExecutionObserver = silentObserver,
): Promise<ChapterResult> {
  const results = new Map<number, BlockResult>();
  const skip = new Set<number>();
  let startAt = settings.startAt ?? 0;
  let inlines: InlineResult[] | undefined;
  const scopes: Record<number, ScopeSnapshot> = {};
  let restore = settings.restore;
  const runDir = join(settings.cacheDir, "run", `${chapter.name}-${effects.nonce().slice(0, 12)}`);
  try {
    while (true) {
      const attempt = await runAttempt(
        chapter,
        { ...settings, restore },
        effects,
        observer,
        runDir,
        startAt,
        skip,
        results,
      );
      inlines = attempt.inlines;
      Object.assign(scopes, attempt.scopes);
      restore = undefined;
      if (attempt.abortedAt === undefined || !settings.keepGoing) break;
      skip.add(attempt.abortedAt);
      startAt = attempt.abortedAt + 1;
      if (startAt >= chapter.blocks.length && chapter.inlines.length === 0) break;
    }
  } finally {
    if (!Deno.env.get("REPORT_KEEP_RUN")) await effects.remove(runDir);
  }
  const blocks = chapter.blocks.map((block) =>
    results.get(block.index) ?? { index: block.index, status: "not-run" as const, outputs: [], seconds: 0 }
  );
  return { blocks, inlines, scopes };
}

interface Attempt {
  inlines?: InlineResult[];
  scopes: Record<number, ScopeSnapshot>;
  /** Block whose process was killed (timeout) or died. */
  abortedAt?: number;
}

async function runAttempt(
  chapter: Chapter,
  settings: ExecuteSettings,
  effects: Effects,
  observer: ExecutionObserver,
  runDir: string,
  startAt: number,
  skip: ReadonlySet<number>,
  results: Map<number, BlockResult>,
): Promise<Attempt> {
  const nonce = effects.nonce();
  const { files } = planChapter({
    chapter,
    root: settings.root,
    runDir,
    nonce,
    params: settings.params,
    stopOnError: !settings.keepGoing,
    startAt,
    skip,
    restore: settings.restore,
  });
  await effects.makeDirectory(runDir);
  for (const file of files) await effects.writeTextFile(file.path, file.text);
  const planPath = join(runDir, "plan.json");
  const child = effects.spawn(
    Deno.execPath(),
    chapterProcessArgs(settings.root, settings.cacheDir, planPath),
    settings.root,
  );

  const decoder = new MessageDecoder(nonce);
  let current: BlockResult | undefined;
  let started = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut: number | undefined;
  let done = false;
  const inlines: InlineResult[] = [];
  let runningInline: number | undefined;
  const inlineTimeout = settings.inlineTimeout ?? INLINE_TIMEOUT_SECONDS;
  let inlineTimedOut = false;
  const scopes: Record<number, ScopeSnapshot> = {};
  const stderrTail: string[] = [];

  /** A block times out after `seconds` without finishing or reporting progress (long training keeps going). */
  const armBlockTimer = (index: number, seconds: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = index;
      child.kill();
    }, seconds * 1000);
  };

  const handle = (message: ChildMessage) => {
    switch (message.type) {
      case "block-start": {
        const block = chapter.blocks[message.index];
        current = { index: message.index, status: "ok", outputs: [], seconds: 0 };
        started = effects.now();
        armBlockTimer(message.index, block.options.timeout);
        observer.blockStarted(message.index);
        break;
      }
      case "output":
        current?.outputs.push(message.output);
        break;
      case "progress":
        if (current?.index === message.index) {
          armBlockTimer(message.index, chapter.blocks[message.index].options.timeout);
        }
        observer.blockProgress(message.index, message.update);
        break;
      case "block-end": {
        clearTimeout(timer);
        const finished = current;
        current = undefined;
        if (!finished) break;
        const result: BlockResult = {
          ...finished,
          status: message.status,
          error: message.error,
          seconds: message.seconds,
          ...(message.backend ? { backend: message.backend } : {}),
        };
        if (message.index < startAt) {
          if (results.has(message.index)) break;
          result.outputs = [];
        }
        results.set(message.index, result);
        observer.blockFinished(result);
        break;
      }
      case "inline-start":
        runningInline = message.index;
        timer = setTimeout(() => {
          inlineTimedOut = true;
          child.kill();
        }, inlineTimeout * 1000);
        break;
      case "inline":
        clearTimeout(timer);
        runningInline = undefined;
        inlines[message.index] = message.result;
        break;
      case "scope":
        scopes[message.index] = message.snapshot;
        break;
      case "done":
        done = true;
        break;
    }
  };

  const readStdout = (async () => {
    for await (const chunk of decodeText(child.stdout)) {
      for (const piece of decoder.push(chunk)) {
        if (piece.kind === "message") handle(piece.message);
        else if (current && current.index >= startAt) {
          current.outputs.push({ kind: "console", stream: "log", text: piece.text });
        }
      }
    }
    for (const piece of decoder.flush()) if (piece.kind === "message") handle(piece.message);
  })();
  const readStderr = (async () => {
    for await (const chunk of decodeText(child.stderr)) {
      stderrTail.push(chunk);
      if (stderrTail.length > 50) stderrTail.shift();
      observer.stderr(chunk);
    }
  })();
  const status = await child.status;
  await Promise.all([readStdout, readStderr]);
  clearTimeout(timer);

  if (current) {
    const block = chapter.blocks[current.index];
    const error: SerializedError = timedOut !== undefined
      ? {
        name: "TimeoutError",
        message:
          `block ran ${block.options.timeout} s without finishing or reporting progress (set it with //| timeout: SECONDS)`,
        stack: "",
        location: { file: chapter.path, line: block.fenceLine, column: 1 },
      }
      : {
        name: "ProcessError",
        message:
          `the chapter process exited with code ${status.code}${status.signal ? ` (${status.signal})` : ""}` +
          `\n${stderrTail.join("").trim()}`,
        stack: "",
        location: { file: chapter.path, line: block.fenceLine, column: 1 },
      };
    const result: BlockResult = {
      ...current,
      status: timedOut !== undefined ? "timeout" : "error",
      error,
      seconds: (effects.now() - started) / 1000,
    };
    results.set(current.index, result);
    observer.blockFinished(result);
    return { abortedAt: current.index, scopes };
  }
  if (runningInline !== undefined) {
    const stopped = runningInline;
    chapter.inlines.slice(stopped).forEach((inline) => {
      inlines[inline.index] = {
        ok: false,
        error: {
          name: inline.index !== stopped ? "NotEvaluated" : inlineTimedOut ? "TimeoutError" : "ProcessError",
          message: inline.index !== stopped
            ? "not evaluated: an earlier inline expression stopped the chapter process"
            : inlineTimedOut
            ? `inline expression did not finish within ${inlineTimeout} s`
            : `the chapter process exited with code ${status.code} while evaluating this expression\n` +
              stderrTail.join("").trim(),
          stack: "",
          location: inline.location,
        },
      };
    });
    return { inlines, scopes };
  }
  if (!done) {
    throw new Error(
      `${chapter.path}: the chapter process exited with code ${status.code} before running any block\n` +
        stderrTail.join("").trim(),
    );
  }
  return { inlines: chapter.inlines.length === inlines.length ? inlines : undefined, scopes };
}

async function* decodeText(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}
