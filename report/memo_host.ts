/** What the chapter runtime tells stored computations (`report/memo.ts`): module identities, the audit log, and
 * a way to say what they do. Its own module, so the runtime installs it without loading the store and its hash
 * in chapters that never use `memo`. Outside a build there is none. */
import type { AuditScope } from "./execute/audit.ts";
import type { MemoEvent, ModuleIdentities } from "./runtime/protocol.ts";

export interface MemoHost {
  modules?: ModuleIdentities;
  audit?: { file: string; scope: AuditScope };
  notify(event: MemoEvent): void;
}

const HOST = Symbol.for("literate.memo");

export function installMemoHost(host: MemoHost | undefined): void {
  (globalThis as Record<symbol, unknown>)[HOST] = host;
}

export function memoHost(): MemoHost | undefined {
  return (globalThis as Record<symbol, unknown>)[HOST] as MemoHost | undefined;
}
