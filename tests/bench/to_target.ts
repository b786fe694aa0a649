import type { LayersModel } from "../../models/tf.ts";

/** How long training a model to its profile's target takes from the default seed, with an empty store. */
export interface TimeToTarget {
  model: "cnn" | "lstm";
  profile: string;
  seconds: number;
  trainSeconds: number | null;
  epochs: number | null;
  accuracy: number | null;
}

interface Trained {
  model: LayersModel;
  meta: Record<string, unknown>;
  hit?: boolean;
}
/** The model modules' trainers take the store folder as `store.dir` (CNN) or `storeDir` (LSTM). */
type Trainer = (options: {
  profile: string;
  store: { dir: string; notice: (line: string) => void };
  storeDir: string;
}) => Promise<Trained>;

function numberOr(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function accuracyIn(meta: Record<string, unknown>): number | null {
  const nested = (key: string) => numberOr((meta[key] as { accuracy?: unknown } | undefined)?.accuracy);
  return numberOr(meta.testAccuracy) ?? nested("exhaustive") ?? nested("test");
}

async function trainers(): Promise<Record<"cnn" | "lstm", Trainer | undefined>> {
  const cnn: Record<string, unknown> = await import("../../models/cnn.ts");
  const lstm: Record<string, unknown> = await import("../../models/lstm.ts");
  const pick = (module: Record<string, unknown>, name: string) =>
    typeof module[name] === "function" ? module[name] as Trainer : undefined;
  return { cnn: pick(cnn, "trainedSimpleCNN"), lstm: pick(lstm, "trainedLSTMCounter") };
}

export async function timeToTarget(model: "cnn" | "lstm", profile: string): Promise<TimeToTarget | null> {
  const train = (await trainers())[model];
  if (train === undefined) return null;
  const dir = await Deno.makeTempDir({ prefix: `bench-${model}-` });
  try {
    const started = performance.now();
    const trained = await train({ profile, store: { dir, notice: () => {} }, storeDir: dir });
    const seconds = (performance.now() - started) / 1000;
    const meta = trained.meta;
    trained.model.dispose();
    if (trained.hit === true) {
      throw new Error(`${model}: the empty store reported a hit; the trainer ignored it`);
    }
    const history = Array.isArray(meta.history) ? meta.history : null;
    return {
      model,
      profile,
      seconds,
      trainSeconds: numberOr(meta.trainSeconds),
      epochs: history?.length ?? null,
      accuracy: accuracyIn(meta),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
