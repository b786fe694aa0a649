import { createRequire } from "node:module";
import { tf } from "./tf.ts";
import { installFastKernels } from "./kernels/register.ts";

export const BACKEND_REQUESTS = ["auto", "wasm", "cpu", "tensorflow", "tensorflow-gpu"] as const;
export type BackendRequest = typeof BACKEND_REQUESTS[number];

export interface BackendChoice {
  /** The tfjs backend in use: "wasm", "cpu" or "tensorflow". */
  name: string;
  /** Why it was chosen, e.g. "tfjs-node not installed". */
  reason: string;
  threads: number;
}

type Attempt = { ok: true; choice: BackendChoice } | { ok: false; why: string };

const NATIVE_PACKAGES = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  "tensorflow": "@tensorflow/tfjs-node",
} as const;

const projectRoot = new URL("../", import.meta.url);

export function isBackendRequest(value: string): value is BackendRequest {
  return (BACKEND_REQUESTS as readonly string[]).includes(value);
}

/** The backend family in use now ("wasm", "cpu", "tensorflow"): what a trained model's numbers depend on,
 * with this module's kernels (which is why stored models import it). */
export function activeBackendFamily(): string {
  const name = tf.getBackend();
  return name.startsWith("tensorflow") ? "tensorflow" : name;
}

/** The one line a caller prints: `backend: wasm (tfjs-node not installed)`. */
export function backendLine(choice: BackendChoice): string {
  return `backend: ${choice.name} (${choice.reason})`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").find((part) => part.trim() !== "") ?? "unknown error";
  return line.trim().slice(0, 160);
}

function packageInstalled(packageName: string): boolean {
  try {
    return Deno.statSync(new URL(`node_modules/${packageName}/package.json`, projectRoot)).isFile;
  } catch {
    return false;
  }
}

function shortName(packageName: string): string {
  return packageName.replace("@tensorflow/", "");
}

async function activate(name: string): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  return ok && tf.getBackend() === name;
}

async function tryNative(request: "tensorflow" | "tensorflow-gpu"): Promise<Attempt> {
  const packageName = NATIVE_PACKAGES[request];
  const label = shortName(packageName);
  if (!packageInstalled(packageName)) return { ok: false, why: `${label} not installed` };
  try {
    createRequire(new URL("package.json", projectRoot))(packageName);
    if (!(await activate("tensorflow"))) {
      return { ok: false, why: `${label} loaded but its backend did not start` };
    }
  } catch (error) {
    return { ok: false, why: `${label} failed to load: ${firstLine(error)}` };
  }
  const backend = tf.backend() as { isUsingGpuDevice?: () => boolean };
  const onGpu = backend.isUsingGpuDevice?.() ?? false;
  if (request === "tensorflow-gpu" && !onGpu) return { ok: false, why: `${label} found no GPU` };
  return {
    ok: true,
    choice: {
      name: "tensorflow",
      reason: `${label}${onGpu ? " on GPU" : ""}`,
      threads: navigator.hardwareConcurrency,
    },
  };
}

function silenceCpuAdvice(): void {
  const cpu = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu !== null) cpu.firstUse = false;
}

async function tryWasm(): Promise<Attempt> {
  try {
    await import("@tensorflow/tfjs-backend-wasm");
    if (!(await activate("wasm"))) return { ok: false, why: "wasm backend did not start" };
  } catch (error) {
    return { ok: false, why: `wasm failed: ${firstLine(error)}` };
  }
  installFastKernels("wasm");
  const wasm = tf.backend() as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  const threads = wasm.wasm?.tfjs?.getThreadsCount?.() ?? 1;
  return { ok: true, choice: { name: "wasm", reason: "", threads } };
}

async function useCpu(): Promise<BackendChoice> {
  if (!(await activate("cpu"))) throw new Error("the cpu backend did not start");
  installFastKernels("cpu");
  return { name: "cpu", reason: "", threads: 1 };
}

function explained(choice: BackendChoice, reasons: string[], fallbackReason: string): BackendChoice {
  return { ...choice, reason: reasons.length > 0 ? reasons.join("; ") : fallbackReason };
}

async function choose(request: BackendRequest): Promise<BackendChoice> {
  silenceCpuAdvice();
  const reasons: string[] = [];
  const natives: ("tensorflow-gpu" | "tensorflow")[] = request === "auto"
    ? ["tensorflow-gpu", "tensorflow"]
    : request === "tensorflow-gpu" || request === "tensorflow"
    ? [request]
    : [];
  for (const native of natives) {
    const attempt = await tryNative(native);
    if (attempt.ok) return attempt.choice;
    if (request !== "auto" || packageInstalled(NATIVE_PACKAGES[native]) || native === "tensorflow") {
      reasons.push(attempt.why);
    }
  }
  if (request !== "cpu") {
    const attempt = await tryWasm();
    if (attempt.ok) return explained(attempt.choice, reasons, "requested");
    reasons.push(attempt.why);
  }
  return explained(await useCpu(), reasons, "requested");
}

let current: { request: BackendRequest; choice: Promise<BackendChoice> } | undefined;

/**
 * Picks, initialises and patches the tfjs backend. `auto` tries tfjs-node-gpu (with a GPU), tfjs-node,
 * wasm, then cpu. Never prints; the caller prints `backendLine(choice)`. A second call with the same
 * request returns the same choice at once (re-activating it and its kernels if something replaced them).
 */
export function useBackend(request: string = "auto"): Promise<BackendChoice> {
  if (!isBackendRequest(request)) {
    return Promise.reject(
      new Error(`unknown backend "${request}"; use one of ${BACKEND_REQUESTS.join(", ")}`),
    );
  }
  if (current?.request !== request) {
    const choice = choose(request);
    current = { request, choice };
    choice.catch(() => {
      if (current?.choice === choice) current = undefined;
    });
  }
  return current.choice.then(async (choice) => {
    if (tf.getBackend() !== choice.name) await activate(choice.name);
    if (choice.name === "wasm" || choice.name === "cpu") installFastKernels(choice.name);
    return choice;
  });
}
