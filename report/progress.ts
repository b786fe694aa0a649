/** Progress reporting for long-running work inside a chapter (training epochs, sweeps).
 *
 * Outside a build this is a no-op; the chapter runtime installs a sink under a global symbol. */
export interface ProgressUpdate {
  /** What is running, e.g. "train SimpleCNN". */
  task: string;
  /** Units done and total, e.g. epochs or batches. */
  done: number;
  total: number;
  /** Free-form metrics shown next to the bar, e.g. { loss: 0.12, acc: 0.98 }. */
  metrics?: Record<string, number>;
  /** Estimated seconds left, when known. */
  etaSeconds?: number;
}

export type ProgressSink = (update: ProgressUpdate) => void;

const SINK = Symbol.for("literate.progress");

export function progress(update: ProgressUpdate): void {
  const sink = (globalThis as Record<symbol, unknown>)[SINK];
  if (typeof sink === "function") (sink as ProgressSink)(update);
}

export function installProgressSink(sink: ProgressSink | undefined): void {
  (globalThis as Record<symbol, unknown>)[SINK] = sink;
}
