import { restoreScope, type ScopeSnapshot } from "./scope_snapshot.ts";

export type InlineResult =
  | { ok: true; value: unknown }
  /** The expression reads a binding the snapshot could not store: the chapter must run to evaluate it. */
  | { ok: false; needsScope: true; binding: string }
  | { ok: false; needsScope: false; error: string };

class OpaqueBinding extends Error {
  constructor(readonly binding: string) {
    super(`binding "${binding}" is not in the stored scope`);
  }
}

/** Evaluates a prose `${expr}` against a stored scope snapshot, in the parent, without running any block.
 * Reading an opaque binding stops evaluation and reports which one, so the caller can fall back to a run. */
export interface InlineEnvironment {
  /** Globals the chapter process provides that are plain data (e.g. `params`). */
  globals?: Record<string, unknown>;
  /** Globals that exist only in the chapter process (`document`, `display`...): reading one asks for a run. */
  processOnly?: readonly string[];
}

export const PROCESS_ONLY_GLOBALS = ["document", "window", "display", "__literate"];

export function evaluateInline(
  expression: string,
  snapshot: ScopeSnapshot,
  environment: InlineEnvironment = {},
): InlineResult {
  const values = { ...(environment.globals ?? {}), ...restoreScope(snapshot) };
  const opaque = new Set([...snapshot.opaque, ...(environment.processOnly ?? PROCESS_ONLY_GLOBALS)]);
  const scope = new Proxy(values, {
    has: (target, name) => typeof name === "string" && (name in target || opaque.has(name)),
    get(target, name) {
      if (name === Symbol.unscopables) return undefined;
      if (typeof name === "string" && opaque.has(name)) throw new OpaqueBinding(name);
      return target[name as string];
    },
    set: () => false,
  });
  try {
    const evaluate = new Function("scope", `with (scope) { return (${expression}\n); }`);
    return { ok: true, value: evaluate(scope) };
  } catch (error) {
    if (error instanceof OpaqueBinding) return { ok: false, needsScope: true, binding: error.binding };
    return {
      ok: false,
      needsScope: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
