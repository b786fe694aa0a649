/**
 * Entry of the process that answers inline `${…}` expressions from a stored scope without running the chapter.
 * It is started with no permissions at all (no files, no network, no environment, no subprocesses), so an
 * expression that reaches past the stored values finds nothing; the build process itself never evaluates one.
 * Reads one request as JSON on stdin and writes one response as JSON on stdout.
 */
import type { ScopeSnapshot } from "./scope_snapshot.ts";
import type { Output } from "../types.ts";
import { evaluateInline } from "./inline_eval.ts";
import { serializeInline } from "./serialize.ts";

export interface InlineRequest {
  /** Marks the response, so that whatever an expression prints cannot pass for it. */
  nonce: string;
  snapshot: ScopeSnapshot;
  params: Record<string, string>;
  expressions: { index: number; source: string }[];
}

/** Per expression: its rendered value, or `null` when only the chapter process can answer it. */
export type InlineResponse = Record<number, Output | null>;

export function answer(request: InlineRequest): InlineResponse {
  const environment = { globals: { params: Object.freeze({ ...request.params }) } };
  const response: InlineResponse = {};
  for (const { index, source } of request.expressions) {
    const evaluated = evaluateInline(source, request.snapshot, environment);
    response[index] = evaluated.ok
      ? serializeInline(evaluated.value, (error) => ({ name: "Error", message: String(error), stack: "" }))
      : null;
  }
  return response;
}

if (import.meta.main) {
  const text = await new Response(Deno.stdin.readable).text();
  const request: InlineRequest = JSON.parse(text);
  const bytes = new TextEncoder().encode(`\n${request.nonce}${JSON.stringify(answer(request))}\n`);
  for (let written = 0; written < bytes.length;) written += Deno.stdout.writeSync(bytes.subarray(written));
}
