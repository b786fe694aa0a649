/** Why a result changed: the parts of its provenance that differ between two builds. */
import type { ManifestChapter, ManifestEnvironment } from "../provenance/manifest.ts";
import type { BlockProvenance } from "../provenance/provenance.ts";

export interface Causes {
  /** Inputs that differ, as words: `file chapters/data.csv`, `code of the block at line 12`, `deno.lock`. */
  causes: string[];
  /** Same key (same code, modules, inputs, computations and context) yet a different result. */
  sameInputs: boolean;
}

/** Differences of the build environment, as words (shared by every result). */
export function environmentCauses(old: ManifestEnvironment, now: ManifestEnvironment): string[] {
  const causes: string[] = [];
  if (old.deno !== now.deno) causes.push(`Deno ${old.deno} → ${now.deno}`);
  if (old.tfjs !== now.tfjs) causes.push(`TensorFlow.js ${old.tfjs} → ${now.tfjs}`);
  if (old.denoLock !== now.denoLock) causes.push("deno.lock");
  const backends = (list: string[]) => list.join(", ") || "none";
  if (backends(old.backends) !== backends(now.backends)) {
    causes.push(`backend ${backends(old.backends)} → ${backends(now.backends)}`);
  }
  return causes;
}

function paramCauses(old: ManifestChapter, now: ManifestChapter): string[] {
  const names = [...new Set([...Object.keys(old.params), ...Object.keys(now.params)])].sort();
  return names.filter((name) => old.params[name] !== now.params[name]).map((name) =>
    `param ${name}=${now.params[name] ?? "(unset)"} (was ${old.params[name] ?? "unset"})`
  );
}

/** What differs between the provenance of one result in two builds. */
export function provenanceCauses(
  old: BlockProvenance | null | undefined,
  now: BlockProvenance | null | undefined,
  chapters: { old: ManifestChapter; now: ManifestChapter },
  environment: readonly string[],
): Causes {
  if (!old || !now) return { causes: ["the block did not finish in one of the builds"], sameInputs: false };
  if (old.key === now.key) return { causes: [], sameInputs: true };
  const causes: string[] = [];
  const inputs = new Map(old.inputs.map((input) => [`${input.kind} ${input.name}`, input.hash]));
  const seen = new Set<string>();
  for (const input of now.inputs) {
    const name = `${input.kind === "file" ? "file" : "variable"} ${input.name}`;
    seen.add(`${input.kind} ${input.name}`);
    if (inputs.get(`${input.kind} ${input.name}`) !== input.hash) causes.push(name);
  }
  for (const input of old.inputs) {
    if (!seen.has(`${input.kind} ${input.name}`)) {
      causes.push(`${input.kind === "file" ? "file" : "variable"} ${input.name} (no longer read)`);
    }
  }
  const modules = [...new Set([...Object.keys(old.modules), ...Object.keys(now.modules)])].sort();
  for (const path of modules) if (old.modules[path] !== now.modules[path]) causes.push(`module ${path}`);
  const length = Math.max(old.chain.length, now.chain.length);
  for (let index = 0; index < length; index += 1) {
    const before = old.chain[index];
    const after = now.chain[index];
    if (!before || !after) {
      causes.push(`blocks added or removed (line ${(after ?? before).line})`);
      break;
    }
    if (before.code !== after.code) causes.push(`code of the block at line ${after.line}`);
  }
  const used = new Map(old.computations.map((entry) => [entry.name, entry.key]));
  for (const entry of now.computations) {
    if (used.get(entry.name) !== entry.key) causes.push(`stored computation ${entry.name}`);
  }
  causes.push(...paramCauses(chapters.old, chapters.now), ...environment);
  if (causes.length === 0) causes.push("the engine or the build settings");
  return { causes, sameInputs: false };
}
