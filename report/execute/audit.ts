/**
 * What a chapter process read while it ran, from Deno's permission audit log (`DENO_AUDIT_PERMISSIONS`): every
 * file read and every variable lookup is one JSON line, written by the runtime itself before the call returns,
 * whatever API made it (`Deno.*`, `node:fs`, `fetch("file:…")`). The chapter runtime marks where each block
 * and inline expression starts with a read of a one-time path that only the build knows, so each read is
 * attributed to the block that made it.
 */
import { isAbsolute, join, relative, resolve } from "node:path";

/** The project files and variables one block (or inline expression) read. */
export interface ReadSet {
  /** Paths relative to the project root, sorted. */
  files: string[];
  /** Variable names, sorted. */
  env: string[];
}

export interface AuditScope {
  root: string;
  /** The chapter process's working directory (relative paths in the log are relative to it). */
  cwd: string;
  /** Folders the process may read (a denied read is logged too, but reads nothing). */
  readable: readonly string[];
  /** Reads below these folders are the engine's or the packages', never a chapter's inputs… */
  ignoredDirs: readonly string[];
  /** …except below these (the deepest folder that holds a path decides). */
  inputDirs?: readonly string[];
  /** Variables the chapter declares: the only ones it can read (the engine's own are not inputs). */
  variables: readonly string[];
  /** Where the runtime's marker paths live. */
  markerDir: string;
}

/** A place in the process's run: block `index`, or inline expression `index`. */
export type Segment = { kind: "block"; index: number } | { kind: "inline"; index: number };

export interface AuditedReads {
  blocks: Map<number, ReadSet>;
  inlines: Map<number, ReadSet>;
}

const MARKER_PREFIX = ".audit-";

/** The path the runtime reads (it does not exist) to say "segment with this token starts now". */
export function markerPath(markerDir: string, token: string): string {
  return join(markerDir, `${MARKER_PREFIX}${token}`);
}

/** The audit log of one process, next to (not inside) the scratch folder the chapter may write. */
export function auditFileFor(runDir: string, attempt: number): string {
  return `${runDir}.audit-${attempt}.jsonl`;
}

export function emptyReadSet(): ReadSet {
  return { files: [], env: [] };
}

/**
 * Splits an audit log into the reads of each segment. `markers` maps each token the runtime announced (in the
 * order the segments started) to its segment. Reads before the first marker belong to the first segment; a
 * marker that does not move forward (repeated, out of order, unknown) changes nothing.
 */
export function attributeReads(
  log: string,
  markers: ReadonlyMap<string, Segment>,
  scope: AuditScope,
): AuditedReads {
  const order = [...markers.keys()];
  const reads: { segment: Segment; files: Set<string>; env: Set<string> }[] = order.map((token) => ({
    segment: markers.get(token)!,
    files: new Set(),
    env: new Set(),
  }));
  let at = 0;
  const markerPrefix = markerPath(scope.markerDir, "");
  const variables = new Set(scope.variables);
  for (const line of log.split("\n")) {
    if (!line.trim() || reads.length === 0) continue;
    let entry: { permission?: unknown; value?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.value !== "string") continue;
    if (entry.permission === "env") {
      if (variables.has(entry.value)) reads[at].env.add(entry.value);
      continue;
    }
    if (entry.permission !== "read") continue;
    const absolute = resolve(scope.cwd, entry.value);
    if (absolute.startsWith(markerPrefix)) {
      const next = order.indexOf(absolute.slice(markerPrefix.length));
      if (next > at) at = next;
      continue;
    }
    const file = projectFile(absolute, scope);
    if (file !== undefined) reads[at].files.add(file);
  }
  const result: AuditedReads = { blocks: new Map(), inlines: new Map() };
  for (const { segment, files, env } of reads) {
    const set: ReadSet = { files: [...files].sort(), env: [...env].sort() };
    (segment.kind === "block" ? result.blocks : result.inlines).set(segment.index, set);
  }
  return result;
}

/** The path as the project names it, or undefined when it is not a chapter's input. */
function projectFile(absolute: string, scope: AuditScope): string | undefined {
  if (!scope.readable.some((dir) => isInside(dir, absolute) || absolute === dir)) return undefined;
  const holds = (dir: string) => isInside(dir, absolute) || absolute === dir;
  const deepest = (dirs: readonly string[]) => Math.max(-1, ...dirs.filter(holds).map((dir) => dir.length));
  if (deepest(scope.ignoredDirs) > deepest(scope.inputDirs ?? [])) return undefined;
  return relative(scope.root, absolute) || ".";
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Union of read sets (e.g. of the attempts of one block). */
export function mergeReads(a: ReadSet | undefined, b: ReadSet | undefined): ReadSet {
  return {
    files: [...new Set([...(a?.files ?? []), ...(b?.files ?? [])])].sort(),
    env: [...new Set([...(a?.env ?? []), ...(b?.env ?? [])])].sort(),
  };
}
