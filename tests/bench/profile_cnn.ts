/**
 * Where a SimpleCNN training step's time goes on one backend: `deno run -A tests/bench/profile_cnn.ts [wasm]`.
 * Prints the step time through `trainOnBatch`, the share of each kernel (tf.profile), and the cost of
 * preparing a batch (gather, augmentation).
 */
import process from "node:process";
import { useBackend } from "../../models/backend.ts";
import { buildSimpleCNN, DEFAULT_CNN_SEED } from "../../models/cnn.ts";
import { randomAffine } from "../../models/augment.ts";
import { type Tensor, tf } from "../../models/tf.ts";

const backend = Deno.args.find((a) => !a.startsWith("--")) ?? "wasm";
const batch = Number(Deno.args.find((a) => a.startsWith("--batch="))?.split("=")[1] ?? 64);
const steps = 20;
await useBackend(backend);

const x = tf.randomUniform([batch * 4, 28, 28, 1], 0, 1, "float32", 1);
const y = tf.oneHot(tf.cast(tf.randomUniform([batch * 4], 0, 10, "float32", 2), "int32") as Tensor, 10);
const model = buildSimpleCNN(DEFAULT_CNN_SEED);
model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
const xb = tf.slice(x, 0, batch);
const yb = tf.slice(y, 0, batch);

async function timeIt(label: string, run: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await run();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < steps; i++) await run();
  const ms = (performance.now() - started) / steps;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  console.log(
    `${label.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms wall ${cpuMs.toFixed(2).padStart(8)} ms CPU`,
  );
  return cpuMs;
}

const stepMs = await timeIt(`trainOnBatch (batch ${batch})`, () => model.trainOnBatch(xb, yb));
const augment = randomAffine({ maxShift: 2, maxZoom: 0.1, maxRotation: 0 });
const rows = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => (i * 7) % (batch * 4)), "int32");
await timeIt("tf.gather of a batch (before)", () => tf.tidy(() => tf.gather(x, rows).dataSync()));
await timeIt("augment a batch", () => tf.dispose(augment(xb, 3)));

const profile = await tf.profile(() => model.trainOnBatch(xb, yb));
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const kernel of profile.kernels) {
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += kernel.kernelTimeMs as number;
  entry.calls++;
  byKernel.set(kernel.name, entry);
}
const total = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
console.log(`\nkernels in one step: ${profile.kernels.length} calls, ${total.toFixed(1)} ms kernel time`);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(
    `  ${name.padEnd(24)} ${e.calls.toString().padStart(4)} calls ${e.ms.toFixed(2).padStart(8)} ms`,
  );
}
console.log(
  `outside kernels (layers, tape, readbacks): ${(stepMs - total).toFixed(1)} ms of ${stepMs.toFixed(1)}`,
);
