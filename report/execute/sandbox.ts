/**
 * What a chapter process may do: the one place that decides its permissions, its environment and how its
 * dependencies resolve. See README, "What a chapter can and cannot do".
 */
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Effects } from "../effects.ts";
import type { AuditScope } from "./audit.ts";
import { dependencyHash } from "../cache/lockfile.ts";

export const RUNTIME_ENTRY = fileURLToPath(new URL("../runtime/run_chapter.ts", import.meta.url));

/** The stored-computation area under the cache directory: models and studies chapters compute and share. */
export const COMPUTED_SUBDIR = "computed";

/** Tells chapter code (e.g. `models/store.ts`) where the stored-computation area is. */
export const COMPUTED_DIR_VARIABLE = "REPORT_COMPUTED_DIR";

/** Variables the runtime and the npm packages it loads read; readable, but set only when the build sets them. */
const RUNTIME_VARIABLES = ["NODE_ENV", COMPUTED_DIR_VARIABLE];

/** Variables the Deno executable itself needs to find its module cache; chapter code cannot read them. */
const DENO_VARIABLES = ["DENO_DIR", "HOME", "XDG_CACHE_HOME", "PATH", "TMPDIR", "NPM_CONFIG_REGISTRY"];

export interface SandboxInput {
  root: string;
  cacheDir: string;
  /** The chapter's scratch directory (generated modules, plan). */
  runDir: string;
  planPath: string;
  /** The chapter file's folder: readable too when it lies outside the project (`--chapters /elsewhere`). */
  chapterDir: string;
  /** Variables the chapter declares (`env:` in its front matter). */
  declared: readonly string[];
  /** The build's own environment, from which declared variables are copied. */
  environment: Readonly<Record<string, string>>;
  /** Where Deno logs every file read and variable lookup of the process (see execute/audit.ts). */
  auditFile: string;
}

export interface SandboxCommand {
  args: string[];
  /** The whole environment of the chapter process: nothing else is inherited. */
  env: Record<string, string>;
}

function readableRoots(root: string, chapterDir: string): string[] {
  const inside = !relative(root, chapterDir).startsWith("..") && !isAbsolute(relative(root, chapterDir));
  return inside ? [root] : [root, chapterDir];
}

/** What counts as a chapter's run-time input in its audit log: reads of the folders it may read, except the
 * packages and the cache; but files chapters write into the stored-computation area for each other are inputs
 * (the store of `memo` results there is not: those are keyed by what computed them). Lookups of the variables
 * the chapter declares. */
export function auditScope(
  input: Pick<SandboxInput, "root" | "cacheDir" | "chapterDir" | "runDir" | "declared">,
): AuditScope {
  return {
    root: input.root,
    cwd: input.root,
    readable: readableRoots(input.root, input.chapterDir),
    ignoredDirs: [
      join(input.root, "node_modules"),
      input.cacheDir,
      join(computedDir(input.cacheDir), "memo"),
    ],
    inputDirs: [computedDir(input.cacheDir)],
    variables: [...input.declared],
    markerDir: input.runDir,
  };
}

export function computedDir(cacheDir: string): string {
  return join(cacheDir, COMPUTED_SUBDIR);
}

/**
 * The chapter process: reads the project; writes only its scratch directory and the stored-computation area;
 * sees only declared variables; no network, no subprocesses, no FFI; dependencies only from `deno.json` and
 * `deno.lock` as installed (nothing is fetched, the lockfile is never written).
 */
export function sandboxCommand(input: SandboxInput): SandboxCommand {
  const computed = computedDir(input.cacheDir);
  const readable = [...new Set([...input.declared, ...RUNTIME_VARIABLES])].sort();
  const env: Record<string, string> = {
    NO_COLOR: "1",
    [COMPUTED_DIR_VARIABLE]: computed,
    DENO_AUDIT_PERMISSIONS: input.auditFile,
  };
  for (const name of [...DENO_VARIABLES, ...input.declared]) {
    const value = input.environment[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    args: [
      "run",
      "--no-prompt",
      "--cached-only",
      "--frozen",
      "--no-remote",
      `--allow-read=${readableRoots(input.root, input.chapterDir).join(",")}`,
      `--allow-write=${input.runDir},${computed}`,
      `--allow-env=${readable.join(",")}`,
      "--config",
      join(input.root, "deno.json"),
      RUNTIME_ENTRY,
      input.planPath,
    ],
    env,
  };
}

const installed = new Map<string, Promise<void>>();

/**
 * Installs the packages `deno.json` and `deno.lock` name (from the build process, which may download; the
 * lockfile is frozen) once per state of those two files, so that chapter processes find everything they may
 * import already there, also after a dependency is added while `deno task dev` runs. Tens of milliseconds
 * when nothing is missing.
 */
export function installDependencies(effects: Effects, root: string): Promise<void> {
  const key = `${root}\n${dependencyHash(root)}`;
  let done = installed.get(key);
  if (!done) {
    done = (async () => {
      const child = effects.spawn(Deno.execPath(), ["install", "--frozen", "--quiet"], root);
      const [status, , stderr] = await Promise.all([
        child.status,
        child.stdout.cancel(),
        new Response(child.stderr).text(),
      ]);
      if (status.code !== 0) {
        installed.delete(key);
        throw new Error(
          `cannot install the project's dependencies (deno install --frozen):\n${stderr.trim()}`,
        );
      }
    })();
    installed.set(key, done);
  }
  return done;
}

/** Entry of the process that answers inline expressions from a stored scope. */
const INLINE_SANDBOX_ENTRY = fileURLToPath(new URL("../runtime/inline_sandbox.ts", import.meta.url));

/** The process that answers inline expressions from a stored scope: no `--allow-*` flag at all, no
 * configuration, no packages, and of the environment only what the Deno executable needs for its cache. */
export function inlineSandboxCommand(environment: Readonly<Record<string, string>>): SandboxCommand {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of DENO_VARIABLES) {
    if (environment[name] !== undefined) env[name] = environment[name];
  }
  return {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-npm",
      "--no-remote",
      "--cached-only",
      INLINE_SANDBOX_ENTRY,
    ],
    env,
  };
}

/** Every variable a chapter can read, with its value (`null` when unset): part of its blocks' keys. */
export function declaredValues(
  declared: readonly string[],
  environment: Readonly<Record<string, string>>,
): Record<string, string | null> {
  return Object.fromEntries(declared.map((name) => [name, environment[name] ?? null]));
}
