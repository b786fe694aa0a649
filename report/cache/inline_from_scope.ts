/** Inline expressions answered from the stored scope, without running the chapter: in a process with no
 * permissions (`report/runtime/inline_sandbox.ts`), never in the build process. */
import type { Effects } from "../effects.ts";
import { inlineSandboxCommand } from "../execute/sandbox.ts";
import type { InlineRequest, InlineResponse } from "../runtime/inline_sandbox.ts";
import type { Chapter, InlineResult } from "../types.ts";
import type { ChapterLookup } from "./chapter_cache.ts";
import { stripTypes } from "./strip_types.ts";

/** Stored-scope answers are arithmetic on stored values; one that takes longer goes to the chapter process. */
const SANDBOX_TIMEOUT_MS = 10_000;

/** Answers what it can of `indices`; the rest (opaque bindings, errors, timeouts) is left to a chapter run. */
export async function inlinesFromScope(
  chapter: Chapter,
  lookup: ChapterLookup,
  indices: readonly number[],
  params: Record<string, string>,
  effects: Effects,
): Promise<Map<number, InlineResult>> {
  const answered = new Map<number, InlineResult>();
  const snapshot = indices.length > 0 ? await lookup.snapshot() : undefined;
  if (!snapshot) return answered;
  const expressions = await Promise.all(indices.map(async (index) => {
    const source = chapter.inlines[index].source;
    return { index, source: parsesAsJavaScript(source) ? source : await stripTypes(source) };
  }));
  const nonce = effects.nonce();
  const response = await runSandbox(effects, { nonce, snapshot, params, expressions });
  for (const index of indices) {
    const output = response?.[index];
    if (output) answered.set(index, { ok: true, output });
  }
  return answered;
}

/** Compiles without running: TypeScript-only syntax (`x!.y`, `as T`) needs stripping first. */
function parsesAsJavaScript(source: string): boolean {
  try {
    new Function(`return (${source}\n);`);
    return true;
  } catch {
    return false;
  }
}

async function runSandbox(effects: Effects, request: InlineRequest): Promise<InlineResponse | undefined> {
  const { args, env } = inlineSandboxCommand(effects.environment());
  const child = effects.spawn(Deno.execPath(), args, "/", { env, input: JSON.stringify(request) });
  const timer = setTimeout(() => child.kill(), SANDBOX_TIMEOUT_MS);
  try {
    const [text] = await Promise.all([
      new Response(child.stdout).text(),
      child.stderr.cancel(),
      child.status,
    ]);
    const at = text.lastIndexOf(`\n${request.nonce}`);
    if (at < 0) return undefined;
    return JSON.parse(text.slice(at + request.nonce.length + 1));
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
