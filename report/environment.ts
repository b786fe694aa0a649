import { join } from "node:path";
import { lockfileHash } from "./cache/lockfile.ts";

/** What the report was built with; shown in the appendix (omitted in reproducible builds). */
export interface BuildEnvironment {
  deno: string;
  v8: string;
  typescript: string;
  tfjs: string;
  backend?: string;
  os: string;
  cpu: string;
  cpuCount: number;
  memoryGiB: number;
  gpu?: string;
  denoLock: string;
}

export interface EnvironmentOptions {
  root: string;
  /** The tfjs backend the chapters ran on, as reported by `useBackend`. */
  backend?: string;
  /** Overrides for tests: file reader (defaults to Deno.readTextFileSync). */
  readText?: (path: string) => string | undefined;
}

function readTextOrUndefined(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

export function cpuModel(cpuinfo: string | undefined): string {
  const line = cpuinfo?.split("\n").find((row) => /^(model name|Model|Hardware)\s*:/.test(row));
  const model = line?.split(":").slice(1).join(":").trim();
  return model && model.length > 0 ? model : Deno.build.arch;
}

/** The GPU model from the NVIDIA driver's proc files, when a driver is loaded. */
export function gpuModel(readText: (path: string) => string | undefined): string | undefined {
  let folders: string[];
  try {
    folders = [...Deno.readDirSync("/proc/driver/nvidia/gpus")].map((entry) => entry.name);
  } catch {
    return undefined;
  }
  const models = folders
    .map((folder) => readText(`/proc/driver/nvidia/gpus/${folder}/information`))
    .map((text) => /^Model:\s*(.+)$/m.exec(text ?? "")?.[1]?.trim())
    .filter((model): model is string => Boolean(model));
  return models.length > 0 ? models.join(", ") : undefined;
}

export function tfjsVersion(denoJson: string | undefined): string {
  try {
    const imports = JSON.parse(denoJson ?? "{}").imports ?? {};
    const specifier: string = imports["@tensorflow/tfjs-core"] ?? imports["@tensorflow/tfjs"] ?? "";
    return /@(\d+\.\d+\.\d+[^/]*)$/.exec(specifier)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function memoryGiB(): number {
  try {
    return Math.round(Deno.systemMemoryInfo().total / 2 ** 30);
  } catch {
    return 0;
  }
}

/** Reads the environment without starting processes or loading tfjs (cheap enough for every build). */
export function describeEnvironment(options: EnvironmentOptions): BuildEnvironment {
  const readText = options.readText ?? readTextOrUndefined;
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tfjsVersion(readText(join(options.root, "deno.json"))),
    backend: options.backend,
    os: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    cpu: cpuModel(readText("/proc/cpuinfo")),
    cpuCount: navigator.hardwareConcurrency,
    memoryGiB: memoryGiB(),
    gpu: gpuModel(readText),
    denoLock: lockfileHash(options.root).slice(0, 16),
  };
}

/** Label/value rows for the appendix table. */
export function environmentRows(environment: BuildEnvironment): [string, string][] {
  return [
    ["Deno", environment.deno],
    ["V8", environment.v8],
    ["TypeScript", environment.typescript],
    ["TensorFlow.js", environment.tfjs],
    ["tfjs backend", environment.backend ?? "not used"],
    ["Operating system", environment.os],
    ["CPU", `${environment.cpu} (${environment.cpuCount} threads)`],
    ["Memory", `${environment.memoryGiB} GiB`],
    ["GPU", environment.gpu ?? "none detected"],
    ["deno.lock (sha256)", environment.denoLock],
  ];
}
