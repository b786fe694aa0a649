/** The PyTorch anchor of the bench, measured in the same run (`pytorch_reference.py`) when `python3` can import
 * `torch` (Debian `python3-torch`); optional: without it the bench says so instead of printing a number. */
import { fileURLToPath } from "node:url";

export interface PytorchRate {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
  steps: number;
}

export type PytorchResult =
  | {
    available: true;
    torch: string;
    threads: number;
    cnnBatch: number;
    cnnTrain: PytorchRate;
    lstmTrain: PytorchRate;
  }
  | { available: false; reason: string };

const SCRIPT = fileURLToPath(new URL("./pytorch_reference.py", import.meta.url));

/** Pythons to try: `BENCH_PYTHON` when set, else the system one (where Debian installs `python3-torch`), then
 * whichever `python3` is first on PATH. The first that can import torch measures. */
function pythons(): string[] {
  const chosen = Deno.env.get("BENCH_PYTHON");
  return chosen ? [chosen] : ["/usr/bin/python3", "python3"];
}

/** PyTorch's training rates on `threads` threads, the CNN at `cnnBatch` (the LSTM at its full profile's batch). */
export async function measurePytorch(
  threads: number,
  seconds: number,
  cnnBatch: number,
): Promise<PytorchResult> {
  let last: PytorchResult = { available: false, reason: "no python3 found" };
  for (const python of pythons()) {
    last = await measureWith(python, threads, seconds, cnnBatch);
    if (last.available) return last;
  }
  return last;
}

async function measureWith(
  python: string,
  threads: number,
  seconds: number,
  cnnBatch: number,
): Promise<PytorchResult> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(python, {
      args: [SCRIPT, String(threads), String(seconds), String(cnnBatch)],
      env: { OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    return { available: false, reason: `${python} is not installed` };
  }
  const line = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as PytorchResult;
  } catch {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    return {
      available: false,
      reason: `the PyTorch measurement failed (${stderr || `exit ${output.code}`})`,
    };
  }
}
