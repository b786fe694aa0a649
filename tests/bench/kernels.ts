/**
 * Patched against original kernels at SimpleCNN shapes (batch 64), in one process, by CPU time per call:
 * `deno run -A tests/bench/kernels.ts wasm`.
 */
import process from "node:process";
import { useBackend } from "../../models/backend.ts";
import {
  type FastKernel,
  installFastKernels,
  originalKernel,
  restoreOriginalKernels,
} from "../../models/kernels/register.ts";
import { type Tensor, tf, tfCore } from "../../models/tf.ts";

export interface KernelTiming {
  label: string;
  kernel: FastKernel;
  patchedMs: number;
  originalMs: number | null;
}

interface KernelCall {
  label: string;
  kernel: FastKernel;
  inputs: Record<string, Tensor>;
  attrs: Record<string, unknown>;
}

function random(shape: number[], seed: number): Tensor {
  return tf.randomUniform(shape, -1, 1, "float32", seed);
}

function simpleCnnCalls(): KernelCall[] {
  const convs = [
    { name: "conv1", x: [64, 28, 28, 1], filter: [3, 3, 1, 32] },
    { name: "conv2", x: [64, 14, 14, 32], filter: [3, 3, 32, 64] },
    { name: "conv3", x: [64, 7, 7, 64], filter: [3, 3, 64, 64] },
  ];
  const calls: KernelCall[] = convs.flatMap((c, i): KernelCall[] => {
    const dy = random([...c.x.slice(0, 3), c.filter[3]], 10 + i);
    const attrs = { strides: [1, 1], pad: "same", dataFormat: "NHWC" };
    return [
      {
        label: `${c.name} dx`,
        kernel: "Conv2DBackpropInput" as const,
        inputs: { dy, filter: random(c.filter, 20 + i) },
        attrs: { ...attrs, inputShape: c.x },
      },
      {
        label: `${c.name} dW`,
        kernel: "Conv2DBackpropFilter" as const,
        inputs: { x: random(c.x, 30 + i), dy },
        attrs: { ...attrs, filterShape: c.filter },
      },
      {
        label: `${c.name} bias grad`,
        kernel: "Sum" as const,
        inputs: { x: dy },
        attrs: { axis: [0, 1, 2], keepDims: false },
      },
    ];
  });
  for (const [i, shape] of [[64, 28, 28, 32], [64, 14, 14, 64]].entries()) {
    const input = random(shape, 40 + i);
    const output = tf.maxPool(input as tfCore.Tensor4D, 2, 2, "valid");
    calls.push({
      label: `pool${i + 1} grad`,
      kernel: "MaxPoolGrad",
      inputs: { dy: random(output.shape, 50 + i), input, output },
      attrs: { filterSize: 2, strides: 2, pad: "valid" },
    });
  }
  const features = random([64, 3136], 60);
  const weights = random([3136, 128], 61);
  const dy = random([64, 128], 62);
  calls.push(
    {
      label: "dense1 dx",
      kernel: "BatchMatMul",
      inputs: { a: dy, b: weights },
      attrs: { transposeA: false, transposeB: true },
    },
    {
      label: "dense1 dW",
      kernel: "BatchMatMul",
      inputs: { a: features, b: dy },
      attrs: { transposeA: true, transposeB: false },
    },
    {
      label: "clone conv1 output",
      kernel: "Identity",
      inputs: { x: random([64, 28, 28, 32], 63) },
      attrs: {},
    },
  );
  return calls;
}

/** The kernel call alone: the backends timed here run kernels synchronously, so the result is complete when the
 * call returns, and reading it back (a copy the size of the output) stays outside the clock. */
function cpuMsPerCall(call: KernelCall, repeats: number): number {
  const run = () =>
    tf.engine().runKernel(call.kernel, call.inputs, call.attrs as tfCore.NamedAttrMap) as Tensor;
  const settle = (out: Tensor) => {
    out.dataSync();
    out.dispose();
  };
  settle(run());
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    const out = run();
    const used = process.cpuUsage(start);
    settle(out);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Original timings are skipped where the backend has no such kernel or where it is far too slow to wait for. */
export async function timeKernels(backendName: string, repeats = 5): Promise<KernelTiming[]> {
  await useBackend(backendName);
  const calls = simpleCnnCalls();
  const tooSlow = (call: KernelCall) => backendName === "cpu" && call.kernel === "Conv2DBackpropFilter";
  const timings: KernelTiming[] = [];
  for (const call of calls) {
    installFastKernels(backendName);
    const patchedMs = cpuMsPerCall(call, repeats);
    const hasOriginal = originalKernel(call.kernel, backendName) !== undefined && !tooSlow(call);
    restoreOriginalKernels(backendName);
    const originalMs = hasOriginal ? cpuMsPerCall(call, repeats) : null;
    installFastKernels(backendName);
    timings.push({ label: call.label, kernel: call.kernel, patchedMs, originalMs });
  }
  tf.dispose(calls.flatMap((c) => Object.values(c.inputs)));
  return timings;
}

export function formatKernelTimings(backendName: string, timings: KernelTiming[]): string {
  const rows = timings.map((t) => [
    t.label,
    t.kernel,
    t.originalMs === null ? "–" : t.originalMs.toFixed(1),
    t.patchedMs.toFixed(1),
    t.originalMs === null ? "" : `×${(t.originalMs / t.patchedMs).toFixed(1)}`,
  ]);
  const header = [`${backendName} kernel (batch 64)`, "kernel", "original ms", "patched ms", "speed-up"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  return [header, ...rows].map((r) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  )
    .join("\n");
}

export const KERNELS_PREFIX = "KERNELS_RESULT ";

if (import.meta.main) {
  const backendName = Deno.args[0] ?? "wasm";
  const timings = await timeKernels(backendName);
  console.log(formatKernelTimings(backendName, timings));
  console.log(KERNELS_PREFIX + JSON.stringify(timings));
}
