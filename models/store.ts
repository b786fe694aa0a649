/** A content-addressed store of trained models under `.cache/computed/models/`, safe against concurrent builds. */
import { fileURLToPath } from "node:url";
import { join, relative, resolve } from "node:path";
import { type LayersModel, tf, tfCore } from "./tf.ts";

export interface ModelSpec {
  name: string;
  /** Files whose bytes define the model: paths relative to the project root, absolute paths or file URLs. */
  sources: ReadonlyArray<string | URL>;
  config: unknown;
  /** Identity of the training data (e.g. a content hash or package version plus split seed). */
  data: string;
  seed: number;
}

export interface StoredModel<Meta> {
  model: LayersModel;
  meta: Meta;
  hit: boolean;
  key: string;
}

export interface StoreOptions {
  /** Where entries live; default `<project>/.cache/models`. */
  dir?: string;
  /** Receives one-line notices (corrupt entries, waiting on a lock). Default `console.warn`. */
  notice?: (line: string) => void;
}

/** Everything the key hashes, kept in the manifest for provenance. */
export interface KeyInputs {
  name: string;
  sources: { path: string; sha256: string }[];
  config: unknown;
  data: string;
  seed: number;
  tfjs: string;
  backend: string;
}

interface StoreManifest extends tfCore.io.ModelJSON {
  store: { key: string; inputs: KeyInputs; weightBytes: number; weightsSha256: string; createdAt: string };
}

const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));
const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";
const META_FILE = "meta.json";
const LOCK_POLL_MS = 250;
const LOCK_STALE_MS = 2 * 60 * 60 * 1000;
const STAGING_PREFIX = ".staging-";
const STAGING_ABANDONED_MS = 60 * 60 * 1000;

/** The stored-computation area: the build tells a chapter process where it is; elsewhere the project's. */
export function computedDir(): string {
  return Deno.env.get("REPORT_COMPUTED_DIR") ?? join(PROJECT_ROOT, ".cache", "computed");
}

export function defaultStoreDir(): string {
  return join(computedDir(), "models");
}

/** Returns the stored model for `spec`, or builds and trains it (once, even across processes) and stores it. */
export async function storedModel<Meta>(
  spec: ModelSpec,
  build: () => LayersModel | Promise<LayersModel>,
  train: (model: LayersModel) => Promise<Meta>,
  options: StoreOptions = {},
): Promise<StoredModel<Meta>> {
  const storeDir = options.dir ?? defaultStoreDir();
  const notice = options.notice ?? ((line: string) => console.warn(line));
  const { key, inputs } = await storeKey(spec);
  const entry = join(storeDir, `${spec.name}-${key}`);

  const found = await loadEntry<Meta>(entry, key, notice);
  if (found) return { ...found, hit: true, key };

  await Deno.mkdir(storeDir, { recursive: true });
  const release = await acquireLock(`${entry}.lock`, notice);
  try {
    const written = await loadEntry<Meta>(entry, key, notice);
    if (written) return { ...written, hit: true, key };
    const model = await build();
    const meta = await train(model);
    await writeEntry(storeDir, entry, model, meta, key, inputs);
    return { model, meta, hit: false, key };
  } finally {
    await release();
  }
}

export async function storeKey(spec: ModelSpec): Promise<{ key: string; inputs: KeyInputs }> {
  await tf.ready();
  const sources = await Promise.all(spec.sources.map(async (source) => {
    const path = sourcePath(source);
    return { path: relative(PROJECT_ROOT, path), sha256: await sha256Hex(await Deno.readFile(path)) };
  }));
  const inputs: KeyInputs = {
    name: spec.name,
    sources,
    config: spec.config ?? null,
    data: spec.data,
    seed: spec.seed,
    tfjs: `core ${tf.version_core}, layers ${tf.version_layers}`,
    backend: backendFamily(tf.getBackend()),
  };
  const key = (await sha256Hex(new TextEncoder().encode(stableJson(inputs)))).slice(0, 20);
  return { key, inputs };
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function backendFamily(backend: string): string {
  return backend.startsWith("tensorflow") ? "tensorflow" : backend;
}

function sourcePath(source: string | URL): string {
  if (source instanceof URL || source.startsWith("file:")) return fileURLToPath(source);
  return resolve(PROJECT_ROOT, source);
}

async function loadEntry<Meta>(
  entry: string,
  key: string,
  notice: (line: string) => void,
): Promise<{ model: LayersModel; meta: Meta } | undefined> {
  let manifestText: string;
  try {
    manifestText = await Deno.readTextFile(join(entry, MODEL_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const manifest = JSON.parse(manifestText) as StoreManifest;
    if (manifest.store?.key !== key) throw new Error("manifest key does not match");
    const weights = await Deno.readFile(join(entry, WEIGHTS_FILE));
    if (weights.byteLength !== manifest.store.weightBytes) throw new Error("weights have the wrong length");
    if (await sha256Hex(weights) !== manifest.store.weightsSha256) throw new Error("weights hash mismatch");
    const meta = JSON.parse(await Deno.readTextFile(join(entry, META_FILE))) as Meta;
    const artifacts: tfCore.io.ModelArtifacts = {
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.slice().buffer,
      format: manifest.format,
      generatedBy: manifest.generatedBy,
      convertedBy: manifest.convertedBy,
    };
    const model = await tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
    return { model, meta };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    notice(`model store: ${entry} is unusable (${reason}); retraining`);
    await Deno.remove(entry, { recursive: true }).catch(() => {});
    return undefined;
  }
}

async function writeEntry(
  storeDir: string,
  entry: string,
  model: LayersModel,
  meta: unknown,
  key: string,
  inputs: KeyInputs,
): Promise<void> {
  await removeAbandonedStaging(storeDir);
  const staging = await Deno.makeTempDir({ dir: storeDir, prefix: STAGING_PREFIX });
  try {
    await model.save(directoryWriter(staging, key, inputs));
    await Deno.writeTextFile(join(staging, META_FILE), JSON.stringify(meta, null, 2));
    try {
      await Deno.rename(staging, entry);
    } catch (error) {
      if (!(await exists(join(entry, MODEL_FILE)))) throw error;
    }
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/** Staging folders left by processes killed mid-write; old enough that no live writer can own them. */
async function removeAbandonedStaging(storeDir: string): Promise<void> {
  for await (const item of Deno.readDir(storeDir)) {
    if (!item.isDirectory || !item.name.startsWith(STAGING_PREFIX)) continue;
    const path = join(storeDir, item.name);
    const info = await Deno.stat(path).catch(() => undefined);
    if (info && Date.now() - (info.mtime?.getTime() ?? Date.now()) > STAGING_ABANDONED_MS) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }
}

function directoryWriter(dir: string, key: string, inputs: KeyInputs): tfCore.io.IOHandler {
  return {
    save: async (artifacts) => {
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(tfCore.io.CompositeArrayBuffer.join(weightData));
      const manifest: StoreManifest = {
        modelTopology: artifacts.modelTopology as tfCore.io.ModelJSON["modelTopology"],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        store: {
          key,
          inputs,
          weightBytes: weights.byteLength,
          weightsSha256: await sha256Hex(weights),
          createdAt: new Date().toISOString(),
        },
      };
      await Deno.writeFile(join(dir, WEIGHTS_FILE), weights);
      await Deno.writeTextFile(join(dir, MODEL_FILE), JSON.stringify(manifest));
      return { modelArtifactsInfo: tfCore.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

async function acquireLock(path: string, notice: (line: string) => void): Promise<() => Promise<void>> {
  let announced = false;
  while (true) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(JSON.stringify({ pid: Deno.pid, since: Date.now() })));
      file.close();
      return () => Deno.remove(path).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    if (await lockIsStale(path)) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    if (!announced) {
      notice(`model store: waiting for another process training ${path.replace(/\.lock$/, "")}`);
    }
    announced = true;
    await new Promise((done) => setTimeout(done, LOCK_POLL_MS));
  }
}

async function lockIsStale(path: string): Promise<boolean> {
  try {
    const { pid, since } = JSON.parse(await Deno.readTextFile(path)) as { pid: number; since: number };
    if (Date.now() - since > LOCK_STALE_MS) return true;
    return pid !== Deno.pid && (await exists("/proc/self")) && !(await exists(`/proc/${pid}`));
  } catch {
    const info = await Deno.stat(path).catch(() => undefined);
    return info === undefined || Date.now() - (info.mtime?.getTime() ?? 0) > 10_000;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
