/** Runs a chapter's blocks in its own sandboxed process: plan → spawn → record → results. */
import { dirname, join } from "node:path";
import type { Effects } from "../effects.ts";
import { MessageDecoder } from "../runtime/protocol.ts";
import { rewriteUrls } from "../runtime/error_mapping.ts";
import { stripAnsi } from "../format.ts";
import type { BlockResult, Chapter, ChapterResult, InlineResult, Output } from "../types.ts";
import type { ProgressUpdate } from "../progress.ts";
import type { ScopeSnapshot } from "../runtime/scope_snapshot.ts";
import { blockStopError, inlineStopError, type Stop } from "./failures.ts";
import { planChapter } from "./plan.ts";
import { droppedWarning } from "../render/sanitize.ts";
import { ChapterRecorder } from "./recorder.ts";
import { openRunDir, sweepRunDirs } from "./run_dir.ts";
import { auditScope, computedDir, installDependencies, sandboxCommand } from "./sandbox.ts";
import { attributeReads, type AuditedReads, auditFileFor, mergeReads, type ReadSet } from "./audit.ts";
import type { MemoEvent, ModuleIdentities } from "../runtime/protocol.ts";

export { RUNTIME_ENTRY } from "./sandbox.ts";

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
  /** Identity of the local modules the chapter imports, for stored computations (`memo`). */
  modules?: ModuleIdentities;
}

export interface ExecutionObserver {
  blockStarted(index: number): void;
  blockProgress(index: number, update: ProgressUpdate): void;
  blockFinished(result: BlockResult): void;
  /** Text the chapter process wrote to stderr outside the console (runtime warnings, crashes). */
  stderr(text: string): void;
  /** A stored computation was waited for, computed or loaded (see report/memo.ts). */
  memo?(index: number, event: MemoEvent): void;
}

export const silentObserver: ExecutionObserver = {
  blockStarted: () => {},
  blockProgress: () => {},
  blockFinished: () => {},
  stderr: () => {},
};

/** Turns an output arriving from a chapter process into what the build keeps, and says what it removed. */
export type OutputAdmission = (output: Output) => { output: Output; dropped: string[] };

/** Runs a chapter's blocks in order in its own process, restarting after a timeout when `keepGoing`. */
export async function executeChapter(
  chapter: Chapter,
  settings: ExecuteSettings,
  effects: Effects,
  observer: ExecutionObserver = silentObserver,
  admit?: OutputAdmission,
): Promise<ChapterResult> {
  const results = new Map<number, BlockResult>();
  const skip = new Set<number>();
  let startAt = settings.startAt ?? 0;
  let inlines: InlineResult[] | undefined;
  const scopes: Record<number, ScopeSnapshot> = {};
  const reads: Record<number, ReadSet> = {};
  const inlineReads: Record<number, ReadSet> = {};
  let restore = settings.restore;
  let attempts = 0;
  await installDependencies(effects, settings.root);
  // The stored-computation area is the one place outside its scratch folder a chapter may write: it exists.
  await effects.makeDirectory(computedDir(settings.cacheDir));
  await sweepRunDirs(settings.cacheDir);
  const runDir = await openRunDir(settings.cacheDir, `${chapter.name}-${effects.nonce().slice(0, 12)}`);
  const dependencies = await importMapKeys(effects, settings.root);
  try {
    while (true) {
      attempts += 1;
      const attempt = await runAttempt(chapter, { ...settings, restore, startAt }, {
        attempt: attempts,
        effects,
        observer,
        runDir: runDir.path,
        skip,
        results,
        dependencies,
        admit,
      });
      inlines = attempt.inlines;
      Object.assign(scopes, attempt.scopes);
      for (const [index, set] of attempt.reads.blocks) reads[index] = mergeReads(reads[index], set);
      for (const [index, set] of attempt.reads.inlines) {
        inlineReads[index] = mergeReads(inlineReads[index], set);
      }
      restore = undefined;
      if (attempt.abortedAt === undefined || !settings.keepGoing) break;
      skip.add(attempt.abortedAt);
      startAt = attempt.abortedAt + 1;
      if (startAt >= chapter.blocks.length && chapter.inlines.length === 0) break;
    }
  } finally {
    await runDir.release(Boolean(effects.environment().REPORT_KEEP_RUN));
  }
  const blocks = chapter.blocks.map((block) =>
    results.get(block.index) ?? { index: block.index, status: "not-run" as const, outputs: [], seconds: 0 }
  );
  return { blocks, inlines, scopes, reads, inlineReads };
}

async function importMapKeys(effects: Effects, root: string): Promise<string[]> {
  try {
    const config = JSON.parse(await effects.readTextFile(join(root, "deno.json")));
    return Object.keys(config.imports ?? {});
  } catch {
    return [];
  }
}

interface AttemptContext {
  /** 1 for the first process of this chapter run, 2 after a restart, … */
  attempt: number;
  effects: Effects;
  observer: ExecutionObserver;
  runDir: string;
  skip: ReadonlySet<number>;
  results: Map<number, BlockResult>;
  dependencies: readonly string[];
  admit?: OutputAdmission;
}

interface Attempt {
  inlines?: InlineResult[];
  scopes: Record<number, ScopeSnapshot>;
  reads: AuditedReads;
  /** Block whose process was killed (timeout) or died. */
  abortedAt?: number;
}

/** One chapter process, from spawn to exit. */
async function runAttempt(
  chapter: Chapter,
  settings: ExecuteSettings & { startAt: number },
  context: AttemptContext,
): Promise<Attempt> {
  const { effects, observer, runDir } = context;
  const nonce = effects.nonce();
  const chapterDir = dirname(join(settings.root, chapter.path));
  const auditFile = auditFileFor(runDir, context.attempt);
  const scope = auditScope({
    root: settings.root,
    cacheDir: settings.cacheDir,
    chapterDir,
    runDir,
    declared: chapter.env,
  });
  const { plan, files } = planChapter({
    chapter,
    root: settings.root,
    runDir,
    nonce,
    params: settings.params,
    stopOnError: !settings.keepGoing,
    startAt: settings.startAt,
    skip: context.skip,
    restore: settings.restore,
    dependencies: context.dependencies,
    audit: { file: auditFile, scope },
    modules: settings.modules,
    keepFiles: Boolean(effects.environment().REPORT_KEEP_RUN),
  });
  for (const file of files) await effects.writeTextFile(file.path, file.text);
  const environment = effects.environment();
  const command = sandboxCommand({
    root: settings.root,
    cacheDir: settings.cacheDir,
    runDir,
    planPath: join(runDir, "plan.json"),
    chapterDir,
    declared: chapter.env,
    environment,
    auditFile,
  });
  const child = effects.spawn(Deno.execPath(), command.args, settings.root, {
    env: command.env,
    tether: true,
  });
  const recorder = new ChapterRecorder(
    context.results,
    settings.startAt,
    observer,
    effects.now,
    context.admit && admission(chapter, context.admit, observer),
  );
  const watchdog = new Watchdog(() => child.kill());
  let waitingForComputation = false;
  const inlineTimeout = settings.inlineTimeout ?? INLINE_TIMEOUT_SECONDS;

  const decoder = new MessageDecoder(nonce);
  const stderrTail: string[] = [];
  const readStdout = (async () => {
    for await (const chunk of decodeText(child.stdout)) {
      for (const piece of decoder.push(chunk)) {
        if (piece.kind === "text") {
          recorder.stray(piece.text);
          continue;
        }
        const message = piece.message;
        recorder.handle(message);
        if (
          message.type === "block-start" ||
          message.type === "progress" && message.index === recorder.current?.index
        ) {
          watchdog.arm({ kind: "block-timeout" }, chapter.blocks[message.index].options.timeout);
        } else if (message.type === "block-end" || message.type === "inline") watchdog.disarm();
        else if (message.type === "inline-start") {
          watchdog.arm({ kind: "inline-timeout", seconds: inlineTimeout }, inlineTimeout);
        } else if (message.type === "memo" && message.index === recorder.current?.index) {
          // A wait for another chapter's computation is bounded by that chapter's own clock (if it dies, its
          // lock is freed and this block computes): this block's clock stops, and restarts when the wait ends.
          if (message.event.state === "waiting") {
            waitingForComputation = true;
            watchdog.disarm();
          } else if (waitingForComputation) {
            waitingForComputation = false;
            watchdog.arm({ kind: "block-timeout" }, chapter.blocks[message.index].options.timeout);
          }
        } else if (message.type === "done") child.closeStdin();
      }
    }
    for (const piece of decoder.flush()) if (piece.kind === "message") recorder.handle(piece.message);
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
  watchdog.disarm();
  child.closeStdin();
  if (recorder.lingered) {
    observer.stderr(
      `${chapter.path}: timers or other work were still pending after the last block; they were stopped\n`,
    );
  }
  const stderr = rewriteUrls(
    {
      root: settings.root,
      mappings: [
        ...plan.blocks.map((block) => block.mapping),
        ...plan.inlines.map((inline) => inline.mapping),
      ],
      hiddenFiles: [],
    },
    stripAnsi(stderrTail.join("").trim()),
  );
  const stop: Stop = watchdog.fired ?? { kind: "exit", code: status.code, signal: status.signal, stderr };
  const log = await effects.readTextFile(auditFile).catch(() => "");
  await effects.remove(auditFile);
  const reads = attributeReads(log, recorder.markers, scope);

  if (recorder.current) {
    const index = recorder.current.index;
    const result: BlockResult = {
      ...recorder.current,
      status: stop.kind === "block-timeout" ? "timeout" : "error",
      error: blockStopError(chapter, index, stop),
      seconds: (effects.now() - recorder.startedAt) / 1000,
    };
    context.results.set(index, result);
    observer.blockFinished(result);
    return { abortedAt: index, scopes: recorder.scopes, reads };
  }
  const inlines = recorder.inlines;
  if (recorder.runningInline !== undefined) {
    const stopped = recorder.runningInline;
    for (const inline of chapter.inlines.slice(stopped)) {
      inlines[inline.index] = { ok: false, error: inlineStopError(chapter, inline.index, stopped, stop) };
    }
    return { inlines, scopes: recorder.scopes, reads };
  }
  if (!recorder.done) {
    throw new Error(
      `${chapter.path}: the chapter process exited with code ${status.code} before running any block\n${stderr}`,
    );
  }
  return {
    inlines: chapter.inlines.length === inlines.length ? inlines : undefined,
    scopes: recorder.scopes,
    reads,
  };
}

/** Admits each output as it arrives; what admission removes is named once, at the block's fence line. */
function admission(chapter: Chapter, admit: OutputAdmission, observer: ExecutionObserver) {
  const reported = new Set<string>();
  return (output: Output, block: number): Output => {
    const { output: kept, dropped } = admit(output);
    if (dropped.length === 0) return kept;
    const line = block >= 0 ? chapter.blocks[block].fenceLine : undefined;
    const where = line === undefined ? `${chapter.path} (an inline expression)` : `${chapter.path}:${line}:1`;
    const warning = droppedWarning(where, dropped);
    if (!reported.has(warning)) {
      reported.add(warning);
      observer.stderr(`${warning}\n`);
    }
    return kept;
  };
}

/** One timer per process: a block or inline expression that runs too long has the process killed. */
class Watchdog {
  #timer: ReturnType<typeof setTimeout> | undefined;
  fired: Stop | undefined;

  constructor(private readonly kill: () => void) {}

  arm(stop: Stop, seconds: number): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.fired = stop;
      this.kill();
    }, seconds * 1000);
  }

  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

async function* decodeText(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}
