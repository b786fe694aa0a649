import assert from "node:assert/strict";
import type { Terminal } from "../../report/effects.ts";
import { formatDuration, stripAnsi } from "../../report/format.ts";
import { formatProgress, terminalReporter, withEstimatedEta } from "../../report/terminal.ts";

function recordingTerminal(interactive: boolean): Terminal & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    interactive,
    columns: 80,
    write: (text) => void out.push(text),
    error: (text) => void err.push(text),
    out,
    err,
  };
}

Deno.test("terminal: a non-interactive terminal gets plain lines with chapter i/N, block j/M, label and elapsed", () => {
  let clock = 0;
  const terminal = recordingTerminal(false);
  const reporter = terminalReporter(terminal, () => clock, 10);
  reporter.chapterStarted(2, 5, "10-cnn", 3);
  reporter.blockStarted(0, "fig-filters");
  for (let epoch = 1; epoch <= 4; epoch++) {
    clock += 4000;
    reporter.blockProgress({
      task: "train",
      done: epoch,
      total: 4,
      metrics: { loss: 0.5 / epoch },
      etaSeconds: 4 - epoch,
    });
  }
  reporter.blockFinished({ index: 0, status: "ok", outputs: [], seconds: 16 }, "fig-filters");
  reporter.problem("error: somewhere");
  const text = terminal.out.join("");
  assert.ok(!text.includes("\x1b"), "no escape codes");
  assert.ok(text.includes("[0 s] chapter 2/5 10-cnn (3 blocks)\n"));
  assert.ok(text.includes("block 1/3 fig-filters\n"));
  assert.equal(
    text.match(/train \d\/4/g)?.length,
    2,
    "progress is throttled to one line per interval plus the last",
  );
  assert.ok(text.includes("train 4/4 loss=0.1250 ETA 0 s"));
  assert.ok(text.includes("[16.0 s]   block 1/3 fig-filters ok in 16.0 s"));
  assert.deepEqual(terminal.err, ["error: somewhere\n"]);
});

Deno.test("terminal: an interactive terminal keeps one live status line", () => {
  const terminal = recordingTerminal(true);
  const reporter = terminalReporter(terminal, () => 0);
  reporter.chapterStarted(1, 1, "00-introduction", 1);
  reporter.blockStarted(0, "line 3");
  reporter.blockProgress({ task: "count", done: 1, total: 2 });
  assert.ok(terminal.out.at(-1)?.startsWith("\r\x1b[2K"));
  assert.ok(terminal.out.at(-1)?.includes("count 1/2"));
});

Deno.test("terminal: progress text", () => {
  assert.equal(formatProgress({ task: "fit", done: 3, total: 10 }), "fit 3/10");
  assert.equal(
    formatProgress({ task: "fit", done: 3, total: 10, metrics: { acc: 0.98765, n: 5 }, etaSeconds: 75 }),
    "fit 3/10 acc=0.9877 n=5 ETA 1 min 15 s",
  );
});

Deno.test("terminal: an ETA is estimated from the rate when a block gives none", () => {
  const start = { at: 0, done: 0 };
  assert.equal(withEstimatedEta({ task: "t", done: 2, total: 10 }, start, 4000).etaSeconds, 16);
  assert.equal(withEstimatedEta({ task: "t", done: 2, total: 10, etaSeconds: 1 }, start, 4000).etaSeconds, 1);
  assert.equal(withEstimatedEta({ task: "t", done: 10, total: 10 }, start, 4000).etaSeconds, undefined);
  assert.equal(withEstimatedEta({ task: "t", done: 0, total: 10 }, start, 4000).etaSeconds, undefined);
});

Deno.test("format: one duration format for the terminal, the badges and the build summary", () => {
  assert.equal(formatDuration(0), "0 s");
  assert.equal(formatDuration(0.004), "<0.01 s");
  assert.equal(formatDuration(0.354), "0.35 s");
  assert.equal(formatDuration(16), "16.0 s");
  assert.equal(formatDuration(59.96), "1 min 0 s");
  assert.equal(formatDuration(75), "1 min 15 s");
  assert.equal(formatDuration(258), "4 min 18 s");
  assert.equal(formatDuration(119.6), "2 min 0 s");
});

Deno.test("format: escape sequences are stripped, colours and cursor movement alike", () => {
  assert.equal(stripAnsi("\x1b[1m\x1b[31merror\x1b[0m: x"), "error: x");
  assert.equal(stripAnsi("\r\x1b[2Kdone\x1b[?25h"), "\rdone");
});
