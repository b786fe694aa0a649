import type { Terminal } from "./effects.ts";
import { formatDuration } from "./format.ts";
import type { ProgressUpdate } from "./progress.ts";
import type { BlockResult } from "./types.ts";

/** What the build tells the person watching it. */
export interface BuildReporter {
  chapterStarted(position: number, total: number, name: string, blocks: number): void;
  /** `chapter` names the block's chapter, which matters when chapters run side by side. */
  blockStarted(index: number, label: string, chapter?: string): void;
  blockProgress(update: ProgressUpdate): void;
  blockFinished(result: BlockResult, label: string, chapter?: string): void;
  chapterFinished(name: string, seconds: number): void;
  /** A problem, already formatted (location, code frame, message). */
  problem(text: string): void;
  /** Raw stderr of a chapter process (runtime warnings). */
  chapterStderr(text: string): void;
  info(text: string): void;
}

export const silentReporter: BuildReporter = {
  chapterStarted: () => {},
  blockStarted: () => {},
  blockProgress: () => {},
  blockFinished: () => {},
  chapterFinished: () => {},
  problem: () => {},
  chapterStderr: () => {},
  info: () => {},
};

export function formatProgress(update: ProgressUpdate): string {
  const metrics = Object.entries(update.metrics ?? {})
    .map(([name, value]) => `${name}=${Number.isInteger(value) ? value : value.toPrecision(4)}`)
    .join(" ");
  const eta = update.etaSeconds === undefined ? "" : ` ETA ${formatDuration(update.etaSeconds)}`;
  return `${update.task} ${update.done}/${update.total}${metrics ? ` ${metrics}` : ""}${eta}`;
}

/** The update with an ETA from its rate since `start`, when the block gave none. */
export function withEstimatedEta(
  update: ProgressUpdate,
  start: { at: number; done: number },
  now: number,
): ProgressUpdate {
  if (update.etaSeconds !== undefined || update.done <= start.done || update.done >= update.total) {
    return update;
  }
  const secondsPerUnit = (now - start.at) / 1000 / (update.done - start.done);
  return { ...update, etaSeconds: secondsPerUnit * (update.total - update.done) };
}

/**
 * Progress on the terminal: a live status line when interactive (its clock ticks every second), plain lines
 * otherwise (no escape codes; block progress at most every `plainInterval` seconds).
 */
export function terminalReporter(terminal: Terminal, now: () => number, plainInterval = 10): BuildReporter {
  const started = now();
  let chapter = "";
  let blockCount = 0;
  const blockCounts = new Map<string, number>();
  const running = new Set<string>();
  const blockStarts = new Map<string, number>();
  /** "block j/M label", with the chapter's name in front while several chapters run. */
  const blockText = (index: number, label: string, name: string | undefined) => {
    const count = (name !== undefined ? blockCounts.get(name) : undefined) ?? blockCount;
    const owner = name !== undefined && running.size > 1 ? `${name}: ` : "";
    return `${owner}block ${index + 1}/${count} ${label}`;
  };
  let block = "";
  let blockStarted = 0;
  let lastPlain = -Infinity;
  let live = "";
  const taskStarts = new Map<string, { at: number; done: number }>();
  const elapsed = () => formatDuration((now() - started) / 1000);
  const clearLive = () => {
    if (terminal.interactive && live) terminal.write("\r\x1b[2K");
    live = "";
  };
  let progressText = "";
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stopTicker = () => {
    if (ticker !== undefined) clearInterval(ticker);
    ticker = undefined;
  };
  const status = (text: string) => {
    if (!terminal.interactive) return;
    progressText = text;
    const line = `[${elapsed()}] ${chapter} ${block} ${text}`.replace(/\s+/g, " ").trim();
    live = line.slice(0, Math.max(20, terminal.columns - 1));
    terminal.write(`\r\x1b[2K${live}`);
  };
  const line = (text: string) => {
    clearLive();
    terminal.write(`${text}\n`);
  };
  return {
    chapterStarted(position, total, name, blocks) {
      chapter = `chapter ${position}/${total} ${name}`;
      blockCount = blocks;
      blockCounts.set(name, blocks);
      running.add(name);
      block = "";
      line(`[${elapsed()}] ${chapter} (${blocks} block${blocks === 1 ? "" : "s"})`);
    },
    blockStarted(index, label, name) {
      block = blockText(index, label, name);
      taskStarts.clear();
      blockStarted = now();
      blockStarts.set(name ?? "", blockStarted);
      lastPlain = now();
      if (!terminal.interactive) return line(`[${elapsed()}]   ${block}`);
      status("");
      stopTicker();
      ticker = setInterval(() => status(progressText), 1000);
      Deno.unrefTimer(ticker);
    },
    blockProgress(update) {
      const task = taskStarts.get(update.task);
      if (!task || update.done < task.done) taskStarts.set(update.task, { at: now(), done: update.done });
      const text = formatProgress(withEstimatedEta(update, taskStarts.get(update.task)!, now()));
      if (terminal.interactive) return status(text);
      const finished = update.done >= update.total;
      if (finished || (now() - lastPlain) / 1000 >= plainInterval) {
        lastPlain = now();
        line(`[${elapsed()}]     ${text}`);
      }
    },
    blockFinished(result, label, name) {
      stopTicker();
      const seconds = (now() - (blockStarts.get(name ?? "") ?? blockStarted)) / 1000;
      const verdict = result.status === "ok" ? "ok" : result.status;
      if (terminal.interactive) clearLive();
      if (terminal.interactive || result.status !== "ok" || seconds >= 1) {
        line(
          `[${elapsed()}]   ${blockText(result.index, label, name)} ${verdict} in ${formatDuration(seconds)}`,
        );
      }
    },
    chapterFinished(name, seconds) {
      running.delete(name);
      line(`[${elapsed()}] ${name} done in ${formatDuration(seconds)}`);
    },
    problem(text) {
      clearLive();
      terminal.error(`${text}\n`);
    },
    chapterStderr(text) {
      clearLive();
      terminal.error(text);
    },
    info(text) {
      line(text);
    },
  };
}
