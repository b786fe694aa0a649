/**
 * `memo`: a long computation (training a model, an analysis sweep) stored once and shared by every chapter and
 * every build. Its key is made automatically of
 * - its name and arguments,
 * - the transitive local-import closure of the module that defines it (`import.meta.url`): editing any file
 *   that module imports, however deep, recomputes it; editing a module it does not import does not,
 * - `deno.lock` and the import map,
 * and completed, as a block's key is, by the project files and variables it read while it ran.
 *
 * Entries are sealed (a damaged one is recomputed), written atomically, and computed once across processes:
 * a second chapter process that needs the same result waits for the first, and the build shows that it waits.
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { attributeReads } from "./execute/audit.ts";
import { changeReasons, fingerprintKeyOf, isFingerprint } from "./cache/explain.ts";
import { canonicalJson, hashParts, sha256Hex } from "./cache/hash.ts";
import {
  currentInputs,
  entryKeyOf,
  hashInputs,
  type InputSource,
  isTrace,
  traceKeyOf,
} from "./cache/inputs.ts";
import { dependencyHash } from "./cache/lockfile.ts";
import { acquireLock } from "./cache/lock.ts";
import { describeProblem, openCacheStore } from "./cache/store.ts";
import { memoHost } from "./memo_host.ts";
import { decodePlain, encodePlain } from "./plain_data.ts";

export interface MemoSpec<T> {
  /** Names the computation in the terminal and in `--explain`, e.g. `simple-cnn-full`. */
  name: string;
  /** `import.meta.url` of the module that defines the computation. */
  module: string | URL;
  /** Everything else the result depends on (JSON). */
  args?: unknown;
  /** The stored (JSON) form of a result, and back; default: plain data (`plain_data.ts`: JSON, typed arrays,
   * NaN and the other numbers JSON lacks). */
  encode?: (value: T) => unknown | Promise<unknown>;
  decode?: (stored: unknown) => T | Promise<T>;
  /** The store's folder; default `memo/` in the stored-computation area. */
  dir?: string;
}

export interface Memoized<T> {
  value: T;
  /** Whether the result came from the store. */
  hit: boolean;
  /** The entry key (content address) of the result. */
  key: string;
}

const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

/** The stored-computation area: the build tells a chapter process where it is; elsewhere the project's. */
export function computedDir(): string {
  return Deno.env.get("REPORT_COMPUTED_DIR") ?? join(PROJECT_ROOT, ".cache", "computed");
}

interface StoredValue {
  name: string;
  value: unknown;
}

/** The result of `compute`, from the store when its key is there, else computed (once across processes). */
export async function memo<T>(spec: MemoSpec<T>, compute: () => Promise<T>): Promise<Memoized<T>> {
  const encode = spec.encode ?? ((value: T) => plainForm(spec.name, value));
  const decode = spec.decode ?? ((stored: unknown) => decodePlain(stored) as T);
  const notify = memoHost()?.notify ?? (() => {});
  const dir = spec.dir ?? join(computedDir(), "memo");
  const store = openCacheStore({
    dir,
    onProblem: (problem) => {
      if (memoHost()) {
        notify({ name: spec.name, key: problem.key, state: "discarded", reason: problem.reason });
      } else console.warn(describeProblem(problem));
    },
  });
  const modules = await moduleClosure(spec.module);
  const parts = {
    "its arguments": sha256Hex(canonicalJson(spec.args ?? null)),
    "deno.lock": dependencyHash(PROJECT_ROOT),
  };
  const staticKey = hashParts([
    // 3: results stored as plain data (`plain_data.ts`), typed arrays as their bytes.
    "memo/3",
    spec.name,
    canonicalJson(modules),
    parts["its arguments"],
    parts["deno.lock"],
  ]);
  const source: InputSource = { root: PROJECT_ROOT, variable: readVariable };
  // What a block that used this result stands on: housekeeping keeps these while the block's result is used.
  const refsOf = (key: string) => [key, traceKeyOf(staticKey), fingerprintKeyOf("memo", spec.name)];

  const lookup = async (): Promise<Memoized<T> | undefined> => {
    const trace = await store.get(traceKeyOf(staticKey));
    if (!isTrace(trace)) return undefined;
    const key = entryKeyOf(staticKey, currentInputs(trace, source));
    const stored = await store.get(key) as StoredValue | undefined;
    if (!stored || typeof stored !== "object" || stored.name !== spec.name) return undefined;
    try {
      return { value: await decode(stored.value), hit: true, key };
    } catch {
      return undefined;
    }
  };

  const found = await lookup();
  if (found) {
    notify({ name: spec.name, key: found.key, state: "loaded", refs: refsOf(found.key) });
    return found;
  }
  const lock = await acquireLock(join(dir, "locks", `${staticKey}.lock`), {
    onWait: () => notify({ name: spec.name, key: staticKey, state: "waiting" }),
  });
  try {
    const written = await lookup();
    if (written) {
      notify({ name: spec.name, key: written.key, state: "loaded", refs: refsOf(written.key) });
      return written;
    }
    const previous = await store.get(fingerprintKeyOf("memo", spec.name));
    const reasons = changeReasons(isFingerprint(previous) ? previous : undefined, { parts, modules }, source);
    notify({
      name: spec.name,
      key: staticKey,
      state: "computing",
      reason: reasons.length > 0 ? reasons.join(", ") : "its stored result was missing",
    });
    const started = performance.now();
    const audit = memoHost()?.audit;
    const offset = audit ? fileSize(audit.file) : 0;
    const value = await compute();
    const stored = await encode(value);
    const reads = audit
      ? attributeReads(
        readFrom(audit.file, offset),
        new Map([["", { kind: "block", index: 0 }]]),
        audit.scope,
      )
        .blocks.get(0)
      : undefined;
    // Modules it loaded are in its key already.
    const files = (reads?.files ?? []).filter((file) => !(file in modules));
    const inputs = hashInputs({ files, env: reads?.env ?? [] }, source);
    const key = entryKeyOf(staticKey, inputs);
    await store.put(key, { name: spec.name, value: stored } satisfies StoredValue);
    await store.put(traceKeyOf(staticKey), { inputs });
    await store.put(fingerprintKeyOf("memo", spec.name), { parts, modules, inputs });
    notify({
      name: spec.name,
      key,
      state: "computed",
      seconds: (performance.now() - started) / 1000,
      refs: refsOf(key),
    });
    return { value, hit: false, key };
  } finally {
    lock.release();
  }
}

function plainForm(name: string, value: unknown): unknown {
  const encoded = encodePlain(value);
  if (encoded.ok) return encoded.value;
  throw new Error(
    `${name}: its result is not plain data at ${encoded.path} (a class instance, function or tensor?): ` +
      "give memo() an encode and a decode",
  );
}

/** The engine's own folder: its files (this one, the store, progress reporting) do not change what a
 * computation computes; the store's format is versioned in the key instead. */
const ENGINE_DIR = `${relative(PROJECT_ROOT, fileURLToPath(new URL(".", import.meta.url)))}/`;

/** The local modules `module` imports, transitively (itself included), the engine's excepted: path → hash. */
async function moduleClosure(module: string | URL): Promise<Record<string, string>> {
  const file = fileURLToPath(module);
  const path = relative(PROJECT_ROOT, file);
  const known = memoHost()?.modules;
  const members = known?.closures[path];
  let closure: [string, string][];
  if (known && members) closure = members.map((member) => [member, known.hashes[member]]);
  else {
    const { localModuleClosure } = await import("./cache/module_graph.ts");
    closure = (await localModuleClosure([{ file }], { root: PROJECT_ROOT })).map((
      entry,
    ) => [entry.path, entry.hash]);
  }
  return Object.fromEntries(closure.filter(([member]) => !member.startsWith(ENGINE_DIR)));
}

function readVariable(name: string): string | null {
  try {
    return Deno.env.get(name) ?? null;
  } catch {
    return null;
  }
}

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  try {
    return new TextDecoder().decode(Deno.readFileSync(path).subarray(offset));
  } catch {
    return "";
  }
}
