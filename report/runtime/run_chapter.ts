/** Entry point of a chapter process: runs the planned block modules in order and reports on stdout. */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseHTML } from "linkedom";
import { installProgressSink } from "../progress.ts";
import { installMemoHost } from "../memo_host.ts";
import { markerPath } from "../execute/audit.ts";
import { RUNTIME_GLOBAL } from "../scope/runtime_global.ts";
import type { InlineResult, Output, SerializedError } from "../types.ts";
import { captureConsole } from "./console_capture.ts";
import { type ErrorContext, serializeError } from "./error_mapping.ts";
import { type ChapterPlan, type ChildMessage, encodeMessage } from "./protocol.ts";
import { serializeInline, serializeValue } from "./serialize.ts";
import { restoreScope, snapshotScope } from "./scope_snapshot.ts";
import { isProjectDependency, undeclaredImportMessage } from "../scope/dependencies.ts";

const plan: ChapterPlan = JSON.parse(await Deno.readTextFile(Deno.args[0]));
// The plan holds the protocol's nonce: chapter code must not find it (it could forge protocol lines).
if (!plan.keepFiles) await Deno.remove(Deno.args[0]).catch(() => {});
// Taken before any chapter code runs, so a block that replaces `crypto.randomUUID` cannot predict the tokens.
const randomToken = crypto.randomUUID.bind(crypto);
const encoder = new TextEncoder();
const send = (message: ChildMessage) =>
  Deno.stdout.writeSync(encoder.encode(encodeMessage(plan.nonce, message)));

const errorContext: ErrorContext = {
  root: plan.root,
  mappings: [...plan.blocks.map((block) => block.mapping), ...plan.inlines.map((inline) => inline.mapping)],
  // The engine's own frames (this runtime, `memo`, progress reporting) say nothing about the chapter's code.
  hiddenFiles: [fileURLToPath(new URL("../", import.meta.url))],
};
const toError = (thrown: unknown): SerializedError => serializeError(thrown, errorContext);

let currentBlock = -1;
let keepOutputs = true;
const emit = (output: Output) => {
  if (currentBlock >= 0 && keepOutputs) send({ type: "output", index: currentBlock, output });
};

// tfjs-core and tfjs-layers decide once, when first loaded, whether they run in a browser and which global
// namespace they share; load both before `window` exists (it is there only for Observable Plot).
const tfjs = await import("@tensorflow/tfjs-core").catch(() => undefined);
await import("@tensorflow/tfjs-layers").catch(() => undefined);
tfjs?.env().set("PROD", true);
const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>") as unknown as {
  document: object;
};
const globals = globalThis as Record<string, unknown>;
globals.document = document;
globals.window ??= { document, devicePixelRatio: 1 };
globals.params = Object.freeze({ ...plan.params });
globals.display = (value: unknown) => {
  const output = serializeValue(value, toError);
  if (output) emit(output);
  return value;
};
const chapterUrl = pathToFileURL(join(plan.root, plan.chapter)).href;
const runtime = {
  scope: {} as Record<string, unknown>,
  /** What `import.meta` means inside a block: the chapter file. */
  meta: {
    url: chapterUrl,
    filename: fileURLToPath(chapterUrl),
    dirname: dirname(fileURLToPath(chapterUrl)),
    main: false,
    resolve: (specifier: string) => new URL(specifier, chapterUrl).href,
  },
  value(value: unknown) {
    const output = serializeValue(value, toError);
    if (output) emit(output);
    return value;
  },
  /** The specifier of an `import(…)` whose argument is computed: relative to the chapter, or a dependency. */
  resolveImport(specifier: unknown): string {
    const text = String(specifier);
    if (text.startsWith("./") || text.startsWith("../")) {
      const url = new URL(text, chapterUrl);
      // A file chosen while the block runs is not in the module graph the build scanned: this lookup puts it in
      // the audit log, so its content joins the block's key like any file the block reads.
      try {
        Deno.statSync(url);
      } catch { /* a missing module is reported by the import itself */ }
      return url.href;
    }
    if (isProjectDependency(plan.dependencies, text)) return text;
    throw new Error(undeclaredImportMessage(text));
  },
};
globals[RUNTIME_GLOBAL] = runtime;
captureConsole((stream, text) => emit({ kind: "console", stream, text }));
installProgressSink((update) => {
  if (currentBlock >= 0) send({ type: "progress", index: currentBlock, update });
});
installMemoHost({
  modules: plan.modules,
  audit: plan.audit,
  notify: (event) => send({ type: "memo", index: currentBlock >= 0 ? currentBlock : lastRun, event }),
});
/** Something thrown, kept in a box so that `throw null` and `Promise.reject()` are errors too. */
interface Thrown {
  value: unknown;
}

/** Errors thrown by timers and callbacks, and rejections nobody handled, while block `currentBlock` runs. */
const pendingErrors: Thrown[] = [];
let lastRun = -1;
let finishedEarlier = false;

/** The block whose module an error's stack passes through; else the running block; else the last one run. */
function ownerOf(value: unknown): number {
  const stack = value instanceof Error ? value.stack ?? "" : "";
  const owner = plan.blocks.find((block) => stack.includes(`${block.mapping.moduleUrl}:`));
  return owner?.index ?? (currentBlock >= 0 ? currentBlock : lastRun);
}

function asyncError(value: unknown): void {
  const owner = ownerOf(value);
  if (owner === currentBlock || owner < 0) {
    pendingErrors.push({ value });
    return;
  }
  const error = toError(value);
  error.message += " (thrown after its block had finished, by a timer, callback or unhandled promise)";
  send({ type: "async-error", index: owner, error });
  if (plan.stopOnError) finishedEarlier = true;
}

globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  asyncError(event.reason);
});
globalThis.addEventListener("error", (event) => {
  event.preventDefault();
  asyncError(event.error);
});

/** The build process holds our stdin open; when it closes before we are done, the build is gone: stop. */
let done = false;
if (plan.tethered) {
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) { /* the build never writes */ }
    } catch { /* closed */ }
    if (!done) Deno.exit(70);
  })();
}

async function runBlock(moduleUrl: string): Promise<Thrown | undefined> {
  try {
    const module: { default: () => Promise<void> } = await import(moduleUrl);
    await module.default();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return pendingErrors.shift();
  } catch (error) {
    return { value: error };
  }
}

/** Marks in the permission audit log that a new block or inline expression starts: a read of a path that does
 * not exist, named by a token that the build learns from the protocol message it is sent with. */
function markAudit(): string | undefined {
  if (!plan.audit) return undefined;
  const token = randomToken().replaceAll("-", "");
  try {
    Deno.statSync(markerPath(plan.audit.scope.markerDir, token));
  } catch { /* it never exists */ }
  return token;
}

if (plan.restore) Object.assign(runtime.scope, restoreScope(plan.restore));

let stopped = false;
for (const block of plan.blocks) {
  if (!block.run) continue;
  currentBlock = block.index;
  keepOutputs = block.keepOutputs;
  send({ type: "block-start", index: block.index, marker: markAudit() });
  const started = performance.now();
  const thrown = block.rejected ? undefined : await runBlock(block.mapping.moduleUrl);
  const seconds = (performance.now() - started) / 1000;
  const error = block.rejected ?? (thrown === undefined ? undefined : toError(thrown.value));
  const backend = tfjs?.getBackend() ?? undefined;
  pendingErrors.length = 0;
  lastRun = block.index;
  currentBlock = -1;
  send({ type: "block-end", index: block.index, status: error ? "error" : "ok", error, seconds, backend });
  if ((plan.stopOnError && (error !== undefined) !== block.expectError) || finishedEarlier) {
    stopped = true;
    break;
  }
  if (block.keepOutputs && (error !== undefined) === block.expectError) {
    send({ type: "scope", index: block.index, snapshot: snapshotScope(runtime.scope) });
  }
}

if (!stopped) {
  for (const inline of plan.inlines) {
    send({ type: "inline-start", index: inline.index, marker: markAudit() });
    let result: InlineResult;
    try {
      const module: { default: () => Promise<unknown> } = await import(inline.mapping.moduleUrl);
      result = { ok: true, output: serializeInline(await module.default(), toError) };
    } catch (error) {
      result = { ok: false, error: toError(error) };
    }
    send({ type: "inline", index: inline.index, result });
  }
}
done = true;
send({ type: "done" });

/** Timers and callbacks still pending may yet throw: the process ends when they are done, or after a grace
 * period, when whatever still runs (an interval, an open server) is stopped and reported. */
const LINGER_SECONDS = 2;
const linger = setTimeout(() => {
  send({ type: "lingering", seconds: LINGER_SECONDS });
  Deno.exit(0);
}, LINGER_SECONDS * 1000);
Deno.unrefTimer(linger);
