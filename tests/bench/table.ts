import type { BackendResult } from "./measure.ts";
import { PROTOTYPE_WASM, PYTORCH_REFERENCE } from "./reference.ts";
import type { WorkloadName } from "./workloads.ts";

const COLUMNS: { workload: WorkloadName; title: string }[] = [
  { workload: "cnn-train", title: "CNN train/s" },
  { workload: "lstm-train", title: "LSTM train/s" },
  { workload: "cnn-inference", title: "CNN infer/s" },
  { workload: "lstm-inference", title: "LSTM infer/s" },
  { workload: "cnn-activations", title: "activations/s" },
];

function rate(value: number | undefined): string {
  return value === undefined ? "–" : Math.round(value).toLocaleString("en-US");
}

function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
}

export type Rate = "samplesPerSecond" | "samplesPerCpuSecond";

const RATE_TITLES: Record<Rate, string> = {
  samplesPerSecond: "samples per wall-clock second",
  samplesPerCpuSecond: "samples per CPU second of the measuring process (unaffected by other load)",
};

/** A plain-text table: one row per backend, then the PyTorch reference row and each backend's share of it. */
export function formatTable(results: BackendResult[], metric: Rate = "samplesPerSecond"): string {
  const header = [
    "backend",
    ...COLUMNS.map((c) => c.title),
    "CNN to target",
    "LSTM to target",
    "peak RSS",
  ];
  const rows = results.map((r) => {
    const target = (model: "cnn" | "lstm") => r.toTarget.find((t) => t.model === model);
    return [
      `${r.backend}${r.threads > 1 ? ` ×${r.threads}` : ""}`,
      ...COLUMNS.map((c) => rate(r.throughput[c.workload]?.[metric])),
      duration(target("cnn")?.seconds),
      duration(target("lstm")?.seconds),
      `${Math.round(r.peakRssMiB)} MiB`,
    ];
  });
  const reference = [
    "pytorch*",
    rate(PYTORCH_REFERENCE.cnnTrainSamplesPerSecond),
    rate(PYTORCH_REFERENCE.lstmTrainSamplesPerSecond),
    "",
    "",
    "",
    "",
    "",
    "",
  ];
  const all = [header, ...rows, reference];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const lines = all.map((row) => pad(row, widths));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const shares = results.map((r) => {
    const cnn = r.throughput["cnn-train"]?.[metric];
    const lstm = r.throughput["lstm-train"]?.[metric];
    const share = (mine: number | undefined, theirs: number) =>
      mine === undefined ? "–" : `${((mine / theirs) * 100).toFixed(0)}%`;
    return `${r.backend}: CNN training ${
      share(cnn, PYTORCH_REFERENCE.cnnTrainSamplesPerSecond)
    } and LSTM training ${share(lstm, PYTORCH_REFERENCE.lstmTrainSamplesPerSecond)} of PyTorch`;
  });
  return [
    `Throughput in ${RATE_TITLES[metric]}:`,
    ...lines,
    "",
    `* ${PYTORCH_REFERENCE.label}; prototype patched wasm: ${PROTOTYPE_WASM.cnnTrainSamplesPerSecond} / ${PROTOTYPE_WASM.lstmTrainSamplesPerSecond} train samples/s.`,
    ...shares,
    "Training batch 64; inference and activations batch 256 (all SimpleCNN layers read back).",
  ].join("\n");
}
