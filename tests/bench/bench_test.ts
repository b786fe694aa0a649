import assert from "node:assert/strict";
import type { BackendResult } from "./measure.ts";
import type { PytorchResult } from "./pytorch.ts";
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

const torch = (cnn: number, lstm: number): PytorchResult => ({
  available: true,
  torch: "1.13.1",
  threads: 1,
  cnnBatch: 64,
  cnnTrain: { samplesPerSecond: cnn, samplesPerCpuSecond: cnn, steps: 10 },
  lstmTrain: { samplesPerSecond: lstm, samplesPerCpuSecond: lstm, steps: 10 },
});

Deno.test("the table has a row per backend, PyTorch measured in the same run and the ratios to it", () => {
  const wall = formatTable(
    [result("wasm", 500, 1000), result("cpu", 20, 80)],
    "samplesPerSecond",
    torch(2000, 10000),
  );
  const lines = wall.split("\n");
  assert.ok(lines.some((l) => l.startsWith("wasm ") && l.includes("2.5 min") && l.includes("512 MiB")));
  assert.ok(lines.some((l) => l.startsWith("cpu ")));
  assert.ok(lines.some((l) => l.startsWith("pytorch ") && l.includes("2,000") && l.includes("10,000")));
  assert.match(wall, /wasm: CNN training 0\.25× and LSTM training 0\.10× PyTorch's \(1 thread each\)/);
  assert.match(
    formatTable([result("wasm", 500, 1000)], "samplesPerCpuSecond", torch(2000, 10000)),
    /CNN training 0\.50×/,
  );
});

Deno.test("without PyTorch the table says why and prints no old number", () => {
  const text = formatTable([result("wasm", 500, 1000)], "samplesPerSecond", {
    available: false,
    reason: "python3 cannot import torch",
  });
  assert.match(text, /PyTorch not measured: python3 cannot import torch\./);
  assert.doesNotMatch(text, /pytorch |2,281|17,100/);
});
