/**
 * `deno task bench`: measures every available backend, each in its own process, prints a table and saves
 * the results to `.cache/bench/results.json`.
 *
 * Flags: `--backends=wasm,cpu` · `--seconds=5` (per workload) · `--to-target=wasm` (backends that train
 * both models to target; `none` skips) · `--profile=full|quick` (the training profile used for that) ·
 * `--kernels=wasm` (backends whose patched kernels are timed against the originals; `none` skips) ·
 * `--rebuild=full|quick|none` (the rebuild targets: prose edit and plotting-block edit, with that profile) ·
 * `--cold=yes|none` (a cold build of a copy of the project, HTML and PDF: seconds and peak memory).
 */
import { backendLine } from "../../models/backend.ts";
import { type BackendResult, RESULT_PREFIX } from "./measure.ts";
import { formatSharded, formatTable } from "./table.ts";
import { KERNELS_PREFIX, type KernelTiming } from "./kernels.ts";
import { benchRebuild, type RebuildTimings } from "./rebuild.ts";
import { measurePytorch } from "./pytorch.ts";
import { CNN_PROFILES } from "../../models/cnn.ts";
import { benchCold, type ColdBuild } from "./cold.ts";
import { TRAIN_BATCH } from "./workloads.ts";

const projectRoot = new URL("../../", import.meta.url);

function flag(name: string, fallback: string): string {
  return Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
}

function nativeInstalled(packageName: string): boolean {
  try {
    return Deno.statSync(new URL(`node_modules/${packageName}/package.json`, projectRoot)).isFile;
  } catch {
    return false;
  }
}

function defaultBackends(): string[] {
  const natives = [
    ...(nativeInstalled("@tensorflow/tfjs-node-gpu") ? ["tensorflow-gpu"] : []),
    ...(nativeInstalled("@tensorflow/tfjs-node") ? ["tensorflow"] : []),
  ];
  return [...natives, "wasm", "cpu"];
}

async function runMeasurement(backend: string, args: string[]): Promise<BackendResult | string> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("measure.ts", import.meta.url).pathname, backend, ...args],
    stdout: "piped",
    stderr: "inherit",
    cwd: projectRoot.pathname,
  });
  const output = await command.output();
  const line = new TextDecoder().decode(output.stdout).split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (!output.success || line === undefined) return `${backend}: measurement failed (exit ${output.code})`;
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as BackendResult;
}

async function runKernelTimings(
  backend: string,
): Promise<{ table: string; timings: KernelTiming[] } | string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("kernels.ts", import.meta.url).pathname, backend],
    stdout: "piped",
    stderr: "inherit",
    cwd: projectRoot.pathname,
  }).output();
  const lines = new TextDecoder().decode(output.stdout).trimEnd().split("\n");
  const json = lines.find((l) => l.startsWith(KERNELS_PREFIX));
  if (!output.success || json === undefined) return `${backend}: kernel timing failed (exit ${output.code})`;
  return {
    table: lines.filter((l) => !l.startsWith(KERNELS_PREFIX)).join("\n"),
    timings: JSON.parse(json.slice(KERNELS_PREFIX.length)),
  };
}

async function main(): Promise<void> {
  const backends = flag("backends", defaultBackends().join(",")).split(",");
  const toTarget = flag("to-target", "wasm").split(",");
  const profile = flag("profile", "full");
  const seconds = flag("seconds", "5");
  const results: BackendResult[] = [];
  for (const backend of backends) {
    const args = [`--seconds=${seconds}`, ...(toTarget.includes(backend) ? [`--to-target=${profile}`] : [])];
    console.error(
      `measuring ${backend}${toTarget.includes(backend) ? ` (and training to target, ${profile})` : ""}…`,
    );
    const result = await runMeasurement(backend, args);
    if (typeof result === "string") {
      console.error(result);
      continue;
    }
    console.error(backendLine({ name: result.backend, reason: result.reason, threads: result.threads }));
    if (
      result.backend !== backend && !(backend.startsWith("tensorflow") && result.backend === "tensorflow")
    ) {
      console.error(`${backend} is not available here; skipped`);
      continue;
    }
    results.push(result);
  }
  console.error("measuring PyTorch (same run, one thread)…");
  const threads = Math.max(1, ...results.map((result) => result.threads));
  const pytorch = await measurePytorch(threads, Number(seconds), TRAIN_BATCH);
  if (!pytorch.available) console.error(`PyTorch not measured: ${pytorch.reason}`);
  console.log(formatTable(results, "samplesPerSecond", pytorch));
  console.log(`\n${formatTable(results, "samplesPerCpuSecond", pytorch)}`);
  const workerThreads = Math.min(CNN_PROFILES.full.shards, navigator.hardwareConcurrency ?? 1);
  if (workerThreads > 1 && results.some((result) => result.throughput["cnn-train-sharded"])) {
    console.error(`measuring PyTorch on ${workerThreads} threads…`);
    const several = await measurePytorch(workerThreads, Number(seconds), CNN_PROFILES.full.batchSize);
    console.log("");
    for (const metric of ["samplesPerSecond", "samplesPerCpuSecond"] as const) {
      for (const line of formatSharded(results, metric, several)) console.log(line);
    }
  }
  const kernels: Record<string, KernelTiming[]> = {};
  for (const backend of flag("kernels", "wasm").split(",").filter((b) => b !== "none")) {
    console.error(`timing ${backend} kernels…`);
    const timed = await runKernelTimings(backend);
    if (typeof timed === "string") {
      console.error(timed);
      continue;
    }
    console.log(`\n${timed.table}`);
    kernels[backend] = timed.timings;
  }
  let rebuild: RebuildTimings | undefined;
  const rebuildProfile = flag("rebuild", profile);
  if (rebuildProfile !== "none") {
    console.error(`timing rebuilds (profile ${rebuildProfile})…`);
    rebuild = await benchRebuild({ profile: rebuildProfile, log: (line) => console.error(line) });
    console.log(`\nrebuild (${rebuild.chapters.length} chapters, profile ${rebuild.profile})`);
    console.log(`  unchanged rebuild      ${rebuild.unchangedSeconds.toFixed(2)} s`);
    console.log(`  prose edit             ${rebuild.proseEditSeconds.toFixed(2)} s   (target ≤ 0.5 s)`);
    console.log(
      `  plotting-block edit    ${
        rebuild.blockEditSeconds.toFixed(2)
      } s   (target ≤ 10 s; ${rebuild.blockEditChapter})`,
    );
    console.log(`  data-file edit         ${rebuild.dataEditSeconds.toFixed(2)} s   ${rebuild.dataEditRan}`);
    if (rebuild.pdfSeconds !== undefined) {
      console.log(`  PDF step, every piece  ${rebuild.pdfSeconds.toFixed(1)} s`);
    }
    if (rebuild.proseEditPdfSeconds !== undefined) {
      console.log(
        `  prose edit with PDF    ${rebuild.proseEditPdfSeconds.toFixed(2)} s   (target ≤ 2 s; PDF step ${
          rebuild.proseEditPdfStepSeconds?.toFixed(1)
        } s)`,
      );
    }
  }
  let cold: ColdBuild | undefined;
  if (flag("cold", "yes") !== "none") {
    console.error("timing a cold build (empty cache, HTML and PDF)…");
    cold = await benchCold({ log: (line) => console.error(line) });
    console.log(`\ncold build (empty .cache/, \`deno task build\`, HTML and PDF)`);
    for (const line of cold.lines) console.log(`  ${line}`);
    console.log(
      `  ${cold.ok ? "" : "FAILED after "}${cold.seconds.toFixed(1)} s   (target ≤ 120 s)` +
        (cold.cpuSeconds === null ? "" : `; ${cold.cpuSeconds.toFixed(0)} CPU-s`) +
        (cold.peakRssMiB === null
          ? ""
          : `; peak RSS ${cold.peakRssMiB.toFixed(0)} MiB, largest process (target ≤ 1,024 MiB)`),
    );
  }
  const record = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cores: navigator.hardwareConcurrency,
    profile,
    results,
    kernels,
    rebuild,
    cold,
  };
  const dir = new URL(".cache/bench/", projectRoot);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL("results.json", dir), JSON.stringify(record, null, 2) + "\n");
  console.error(`saved ${new URL("results.json", dir).pathname}`);
}

if (import.meta.main) await main();
