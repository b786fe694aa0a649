/**
 * Why a stored result was computed again (`--explain`): what its key was made of last time, compared with now.
 * Blocks and stored computations (`memo`) keep the same kind of fingerprint and get the same wording.
 */
import { hashParts } from "./hash.ts";
import { currentInputs, type InputRecord, type InputSource } from "./inputs.ts";

/** What one result's key was made of. */
export interface Fingerprint {
  /** Named parts, each by hash; the name is how a change reads ("its code or options", "the engine", …). */
  parts: Record<string, string>;
  /** Local modules (path relative to the project root → content hash). */
  modules: Record<string, string>;
  /** What it read while it ran, with the values it read. */
  inputs: InputRecord[];
}

/** The reasons `current` differs from `previous`, in reading order; "new" when there was nothing before. */
export function changeReasons(
  previous: Fingerprint | undefined,
  current: Omit<Fingerprint, "inputs">,
  source: InputSource,
): string[] {
  if (!previous) return ["new"];
  const reasons: string[] = [];
  for (const [name, hash] of Object.entries(current.parts)) {
    if (previous.parts[name] !== hash) reasons.push(name);
  }
  for (const name of Object.keys(previous.parts)) {
    if (!(name in current.parts)) reasons.push(name);
  }
  const paths = [...new Set([...Object.keys(previous.modules), ...Object.keys(current.modules)])].sort();
  for (const path of paths) {
    if (previous.modules[path] !== current.modules[path]) reasons.push(`module ${path}`);
  }
  const now = currentInputs({ inputs: previous.inputs }, source);
  for (const [index, input] of previous.inputs.entries()) {
    if (now[index].hash !== input.hash) {
      reasons.push(input.kind === "file" ? `file ${input.name}` : `variable ${input.name}`);
    }
  }
  return reasons;
}

/** Where the fingerprint of a named result slot (a chapter's blocks, a memo name) is kept. */
export function fingerprintKeyOf(kind: "chapter" | "memo", name: string): string {
  return hashParts(["fingerprint/1", kind, name]);
}

export function isFingerprint(value: unknown): value is Fingerprint {
  const candidate = value as Fingerprint;
  return typeof value === "object" && value !== null && typeof candidate.parts === "object" &&
    candidate.parts !== null && typeof candidate.modules === "object" && candidate.modules !== null &&
    Array.isArray(candidate.inputs);
}
