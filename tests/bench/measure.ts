/**
 * Measures one backend in this process and prints one JSON line: `deno run -A tests/bench/measure.ts wasm`.
 * Flags: `--seconds=5` · `--only=cnn-train,lstm-train` · `--to-target=full|quick` · `--target-models=cnn,lstm`.
 */
import { useBackend } from "../../models/backend.ts";
import { tf } from "../../models/tf.ts";
import { measureThroughput, PeakMemory, type Throughput } from "./timing.ts";
import { type TimeToTarget, timeToTarget } from "./to_target.ts";
import { type WorkloadName, WORKLOADS } from "./workloads.ts";

export const RESULT_PREFIX = "BENCH_RESULT ";

export interface BackendResult {
  requested: string;
  backend: string;
  reason: string;
  threads: number;
  throughput: Partial<Record<WorkloadName, Throughput>>;
  toTarget: TimeToTarget[];
  peakRssMiB: number;
  tfjsVersion: string;
}

interface MeasureOptions {
  seconds: number;
  toTarget: string | null;
  targetModels: ("cnn" | "lstm")[];
  only: WorkloadName[];
}

function parseOptions(args: string[]): { request: string; options: MeasureOptions } {
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const only = flag("only")?.split(",") as WorkloadName[] | undefined;
  return {
    request: args.find((a) => !a.startsWith("--")) ?? "wasm",
    options: {
      seconds: Number(flag("seconds") ?? 5),
      toTarget: flag("to-target") ?? null,
      targetModels: (flag("target-models") ?? "cnn,lstm").split(",") as ("cnn" | "lstm")[],
      only: only ?? (Object.keys(WORKLOADS) as WorkloadName[]),
    },
  };
}

export async function measureBackend(request: string, options: MeasureOptions): Promise<BackendResult> {
  const choice = await useBackend(request);
  const memory = new PeakMemory();
  const throughput: Partial<Record<WorkloadName, Throughput>> = {};
  for (const name of options.only) {
    const workload = WORKLOADS[name]();
    try {
      throughput[name] = await measureThroughput(workload.step, {
        samplesPerStep: workload.samplesPerStep,
        warmupSteps: 2,
        minSeconds: options.seconds,
        minSteps: 3,
        afterStep: () => memory.sample(),
      });
    } finally {
      workload.dispose();
    }
  }
  const toTarget: TimeToTarget[] = [];
  if (options.toTarget !== null) {
    for (const model of options.targetModels) {
      const result = await timeToTarget(model, options.toTarget);
      memory.sample();
      if (result !== null) toTarget.push(result);
    }
  }
  return {
    requested: request,
    backend: choice.name,
    reason: choice.reason,
    threads: choice.threads,
    throughput,
    toTarget,
    peakRssMiB: memory.peakMiB,
    tfjsVersion: tf.version_core,
  };
}

if (import.meta.main) {
  const { request, options } = parseOptions(Deno.args);
  const result = await measureBackend(request, options);
  console.log(RESULT_PREFIX + JSON.stringify(result));
}
