/** A built report as `deno task diff` reads it: its folder, manifest and HTML; bad input is one clear message. */
import { join } from "node:path";
import { type Manifest, MANIFEST_FILE, MANIFEST_VERSION } from "../provenance/manifest.ts";

export interface BuiltReport {
  /** The folder as the user named it. */
  dir: string;
  manifest: Manifest;
  html: string;
}

/** Input the user can fix (a missing folder, no manifest): shown as one `error:` line, exit code 2. */
export class DiffInputError extends Error {}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new DiffInputError(`cannot read ${path}: ${error instanceof Error ? error.message : error}`);
  }
}

function isManifest(value: unknown): value is Manifest {
  const manifest = value as Manifest;
  return typeof value === "object" && value !== null && typeof manifest.report === "string" &&
    Array.isArray(manifest.chapters) && typeof manifest.environment === "object" &&
    manifest.environment !== null;
}

/** Reads `dir/manifest.json` (or `partial.manifest.json`) and the report it names. */
export async function loadBuiltReport(dir: string): Promise<BuiltReport> {
  const info = await Deno.stat(dir).catch(() => undefined);
  if (!info) throw new DiffInputError(`${dir} does not exist`);
  if (!info.isDirectory) {
    throw new DiffInputError(`${dir} is not a folder (give the dist/ folder of a build)`);
  }
  const text = await readText(join(dir, MANIFEST_FILE)) ??
    await readText(join(dir, `partial.${MANIFEST_FILE}`));
  if (text === undefined) {
    throw new DiffInputError(
      `${dir} has no ${MANIFEST_FILE}: not a built report (build it with deno task build)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DiffInputError(`${join(dir, MANIFEST_FILE)} is not valid JSON`);
  }
  if ((parsed as Manifest)?.version !== MANIFEST_VERSION) {
    throw new DiffInputError(
      `${join(dir, MANIFEST_FILE)} has manifest version ${(parsed as Manifest)?.version ?? "none"}; ` +
        `this engine reads version ${MANIFEST_VERSION} (build the report again)`,
    );
  }
  if (!isManifest(parsed)) throw new DiffInputError(`${join(dir, MANIFEST_FILE)} is not a report manifest`);
  const html = await readText(join(dir, parsed.report));
  if (html === undefined) throw new DiffInputError(`${dir} has a manifest but no ${parsed.report}`);
  return { dir, manifest: parsed, html };
}
