import type { BackendResult } from "./measure.ts";
import type { PytorchResult } from "./pytorch.ts";
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

/** A plain-text table: one row per backend, then PyTorch measured in the same run (when it could be) and each
 * backend's share of it. */
export function formatTable(
  results: BackendResult[],
  metric: Rate = "samplesPerSecond",
  pytorch?: PytorchResult,
): string {
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
  const torch = pytorch?.available ? pytorch : undefined;
  const reference = torch
    ? [
      `pytorch${torch.threads > 1 ? ` ×${torch.threads}` : ""}`,
      rate(torch.cnnTrain[metric]),
      rate(torch.lstmTrain[metric]),
      "",
      "",
      "",
      "",
      "",
      "",
    ]
    : undefined;
  const all = reference ? [header, ...rows, reference] : [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const lines = all.map((row) => pad(row, widths));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const share = (mine: number | undefined, theirs: number) =>
    mine === undefined ? "–" : `${(mine / theirs).toFixed(2)}×`;
  const shares = torch
    ? results.map((r) =>
      `${r.backend}: CNN training ${
        share(r.throughput["cnn-train"]?.[metric], torch.cnnTrain[metric])
      } and ` +
      `LSTM training ${share(r.throughput["lstm-train"]?.[metric], torch.lstmTrain[metric])} PyTorch's ` +
      `(${torch.threads} thread${torch.threads > 1 ? "s" : ""} each)`
    )
    : [];
  return [
    `Throughput in ${RATE_TITLES[metric]}:`,
    ...lines,
    "",
    torch
      ? `pytorch: PyTorch ${torch.torch} measured in this run, same architectures, batches and optimiser (Adam).`
      : `PyTorch not measured: ${pytorch && !pytorch.available ? pytorch.reason : "not asked for"}.`,
    ...shares,
    "Training batch 64 for the CNN, 32 for the LSTM (its full profile's); inference and activations batch 256 " +
    "(all SimpleCNN layers read back).",
  ].join("\n");
}

/** The CNN trained in shards on worker threads, as the full profile trains it, beside PyTorch on as many
 * threads: one line per backend that measured it. */
export function formatSharded(results: BackendResult[], metric: Rate, pytorch: PytorchResult): string[] {
  return results.flatMap((r) => {
    const mine = r.throughput["cnn-train-sharded"]?.[metric];
    if (mine === undefined) return [];
    const theirs = pytorch.available
      ? `; PyTorch on ${pytorch.threads} threads at batch ${pytorch.cnnBatch} ${
        rate(pytorch.cnnTrain[metric])
      }: ${(mine / pytorch.cnnTrain[metric]).toFixed(2)}×`
      : `; PyTorch not measured (${pytorch.reason})`;
    return [
      `${r.backend}: CNN training at its full profile's batch in shards on worker threads ${rate(mine)} ${
        RATE_TITLES[metric]
      }${theirs}`,
    ];
  });
}
