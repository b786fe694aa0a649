import process from "node:process";

/**
 * Throughput of a repeated step, after warm-up steps that are not counted: by wall clock, and by this
 * process's CPU time (which other processes competing for the cores do not inflate).
 */
export interface Throughput {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
  msPerStep: number;
  steps: number;
  samplesPerStep: number;
}

export interface ThroughputOptions {
  samplesPerStep: number;
  warmupSteps: number;
  /** Stop after this many seconds of measured steps ... */
  minSeconds: number;
  /** ... but run at least this many. */
  minSteps: number;
  /** Called after every step (e.g. to sample memory). */
  afterStep?: () => void;
}

export async function measureThroughput(
  step: () => unknown | Promise<unknown>,
  options: ThroughputOptions,
): Promise<Throughput> {
  for (let i = 0; i < options.warmupSteps; i++) {
    await step();
    options.afterStep?.();
  }
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let steps = 0;
  while (steps < options.minSteps || performance.now() - started < options.minSeconds * 1000) {
    await step();
    options.afterStep?.();
    steps++;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    samplesPerSecond: (steps * options.samplesPerStep) / seconds,
    samplesPerCpuSecond: (steps * options.samplesPerStep) / cpuSeconds,
    msPerStep: (seconds * 1000) / steps,
    steps,
    samplesPerStep: options.samplesPerStep,
  };
}

/** Tracks the largest resident set size seen at the sample points. */
export class PeakMemory {
  #peakRss = 0;

  sample(): void {
    this.#peakRss = Math.max(this.#peakRss, Deno.memoryUsage().rss);
  }

  get peakMiB(): number {
    return this.#peakRss / 2 ** 20;
  }
}
