import assert from "node:assert/strict";
import type { BackendResult } from "./measure.ts";
import { PYTORCH_REFERENCE } from "./reference.ts";
import { formatTable } from "./table.ts";
import { measureThroughput } from "./timing.ts";

Deno.test("throughput counts only measured steps and reports both rates", async () => {
  let calls = 0;
  let sampled = 0;
  const result = await measureThroughput(() => {
    calls++;
    const until = performance.now() + 2;
    while (performance.now() < until) { /* busy */ }
  }, { samplesPerStep: 10, warmupSteps: 2, minSeconds: 0, minSteps: 4, afterStep: () => sampled++ });
  assert.equal(calls, 6);
  assert.equal(result.steps, 4);
  assert.equal(sampled, 6);
  assert.ok(result.msPerStep >= 2);
  assert.ok(result.samplesPerSecond > 0 && result.samplesPerSecond <= 10 / 0.002);
  assert.ok(result.samplesPerCpuSecond > 0);
});

function result(backend: string, cnn: number, lstm: number): BackendResult {
  const throughput = (rate: number) => ({
    samplesPerSecond: rate,
    samplesPerCpuSecond: rate * 2,
    msPerStep: 64_000 / rate,
    steps: 3,
    samplesPerStep: 64,
  });
  return {
    requested: backend,
    backend,
    reason: "requested",
    threads: 1,
    throughput: { "cnn-train": throughput(cnn), "lstm-train": throughput(lstm) },
    toTarget: [{ model: "cnn", profile: "full", seconds: 150, trainSeconds: 140, epochs: 4, accuracy: 0.99 }],
    peakRssMiB: 512.4,
    tfjsVersion: "4.22.0",
  };
}

Deno.test("the table has a row per backend, the reference row and shares of the reference", () => {
  const cnn = PYTORCH_REFERENCE.cnnTrainSamplesPerSecond / 4;
  const lstm = PYTORCH_REFERENCE.lstmTrainSamplesPerSecond / 10;
  const wall = formatTable([result("wasm", cnn, lstm), result("cpu", 20, 80)]);
  const lines = wall.split("\n");
  assert.ok(lines.some((l) => l.startsWith("wasm ") && l.includes("2.5 min") && l.includes("512 MiB")));
  assert.ok(lines.some((l) => l.startsWith("cpu ")));
  assert.ok(lines.some((l) => l.startsWith("pytorch*") && l.includes("2,281") && l.includes("17,100")));
  assert.match(wall, /wasm: CNN training 25% and LSTM training 10% of PyTorch/);
  assert.match(formatTable([result("wasm", cnn, lstm)], "samplesPerCpuSecond"), /CNN training 50%/);
});
