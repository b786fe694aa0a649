/** Entry point of a chapter process: runs the planned block modules in order and reports on stdout. */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseHTML } from "linkedom";
import { installProgressSink } from "../progress.ts";
import { RUNTIME_GLOBAL } from "../scope/block_module.ts";
import type { InlineResult, Output, SerializedError } from "../types.ts";
import { captureConsole } from "./console_capture.ts";
import { type ErrorContext, serializeError } from "./error_mapping.ts";
import { type ChapterPlan, type ChildMessage, encodeMessage } from "./protocol.ts";
import { serializeInline, serializeValue } from "./serialize.ts";
import { restoreScope, snapshotScope } from "../cache/scope_snapshot.ts";

const plan: ChapterPlan = JSON.parse(await Deno.readTextFile(Deno.args[0]));
const encoder = new TextEncoder();
const send = (message: ChildMessage) =>
  Deno.stdout.writeSync(encoder.encode(encodeMessage(plan.nonce, message)));

const errorContext: ErrorContext = {
  root: plan.root,
  mappings: [...plan.blocks.map((block) => block.mapping), ...plan.inlines.map((inline) => inline.mapping)],
  hiddenFiles: [fileURLToPath(import.meta.url)],
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
};
globals[RUNTIME_GLOBAL] = runtime;
captureConsole((stream, text) => emit({ kind: "console", stream, text }));
installProgressSink((update) => {
  if (currentBlock >= 0) send({ type: "progress", index: currentBlock, update });
});
const pendingRejections: unknown[] = [];
globalThis.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  pendingRejections.push(event.reason);
});

async function runBlock(moduleUrl: string): Promise<unknown> {
  try {
    const module: { default: () => Promise<void> } = await import(moduleUrl);
    await module.default();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return pendingRejections.shift();
  } catch (error) {
    return error ?? new Error("block threw undefined");
  }
}

if (plan.restore) Object.assign(runtime.scope, restoreScope(plan.restore));

let stopped = false;
for (const block of plan.blocks) {
  if (!block.run) continue;
  currentBlock = block.index;
  keepOutputs = block.keepOutputs;
  send({ type: "block-start", index: block.index });
  const started = performance.now();
  const thrown = await runBlock(block.mapping.moduleUrl);
  const seconds = (performance.now() - started) / 1000;
  const error = thrown === undefined ? undefined : toError(thrown);
  const backend = tfjs?.getBackend() ?? undefined;
  send({ type: "block-end", index: block.index, status: error ? "error" : "ok", error, seconds, backend });
  if (plan.stopOnError && (error !== undefined) !== block.expectError) {
    stopped = true;
    break;
  }
  if (block.keepOutputs && (error !== undefined) === block.expectError) {
    send({ type: "scope", index: block.index, snapshot: snapshotScope(runtime.scope) });
  }
}

if (!stopped) {
  currentBlock = -1;
  for (const inline of plan.inlines) {
    send({ type: "inline-start", index: inline.index });
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
send({ type: "done" });
Deno.exit(0);
